// Keystroke echo as a browser sees it: Chromium types a letter into a page's terminal, and the time is
// read at the browser's network layer (DevTools' WebSocket frame events, which carry the network
// stack's own timestamps) from the frame that carried the key to the first frame back that holds its
// echo. The same measurement drives maillab's lesson page and wetty's page on the same lab host.
import type { CDPSession, Page } from 'playwright-core';

interface Frame {
  /** Seconds, monotonic (DevTools' MonotonicTime). */
  at: number;
  sent: boolean;
  /** The payload as text: base64 for binary frames is decoded to latin1. */
  text: string;
  url: string;
}

/** The frames recorded so far, and a way to wait for the next one without polling. */
export interface FrameLog {
  frames: Frame[];
  /** Resolves with the first frame at or after index `from` that passes `test`. */
  waitFor(from: number, test: (frame: Frame) => boolean, timeoutMs: number): Promise<Frame | undefined>;
}

/** Records the WebSocket frames of a page whose URL contains `urlPart`. */
export async function recordFrames(page: Page, urlPart: string): Promise<FrameLog & { cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const frames: Frame[] = [];
  const waiters = new Set<(frame: Frame) => void>();
  cdp.on('Network.webSocketCreated', (e: { requestId: string; url: string }) => urls.set(e.requestId, e.url));
  const on =
    (sent: boolean) =>
    (e: { requestId: string; timestamp: number; response: { opcode: number; payloadData: string } }) => {
      const url = urls.get(e.requestId) ?? '';
      if (!url.includes(urlPart)) return;
      const text =
        e.response.opcode === 2
          ? Buffer.from(e.response.payloadData, 'base64').toString('latin1')
          : e.response.payloadData;
      const frame = { at: e.timestamp, sent, text, url };
      frames.push(frame);
      for (const waiter of [...waiters]) waiter(frame);
    };
  cdp.on('Network.webSocketFrameSent', on(true));
  cdp.on('Network.webSocketFrameReceived', on(false));
  await cdp.send('Network.enable');
  // The harness sleeps until a frame arrives: a loop polling every few milliseconds would compete for
  // the CPU with the very echo it times (2 cores: browser, renderer, server, engine and shell).
  const waitFor = (from: number, test: (frame: Frame) => boolean, timeoutMs: number) =>
    new Promise<Frame | undefined>((resolve) => {
      const already = frames.slice(from).find(test);
      if (already) return resolve(already);
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = (frame: Frame) => {
        if (!test(frame)) return;
        clearTimeout(timer);
        waiters.delete(waiter);
        resolve(frame);
      };
      waiters.add(waiter);
    });
  return { frames, waitFor, cdp };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Types letters one at a time in the focused terminal; each sample is the time from the sent frame
 * holding the letter to the first received frame after it holding the letter. The key is held until
 * its echo is back and released then, as a person's key is held for tens of milliseconds (a release
 * sent at once would put its own round trip through browser and page inside every sample). A
 * backspace after each keeps the line empty, and a pause lets the terminal go quiet, as a person
 * typing slowly would.
 */
export async function browserEcho(
  page: Page,
  log: FrameLog,
  samples: number,
  opts: {
    isKeyFrame: (text: string, key: string) => boolean;
    /** Whether a received frame carries output holding `key` (not just a protocol word that has it). */
    isEchoFrame?: (text: string, key: string) => boolean;
    warmup?: number;
    pauseMs?: number;
  },
): Promise<number[]> {
  const times: number[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const warmup = opts.warmup ?? 10;
  const isEcho = opts.isEchoFrame ?? ((text: string, key: string) => text.includes(key));
  for (let i = 0; i < warmup + samples; i++) {
    const key = letters[i % letters.length] as string;
    const from = log.frames.length;
    await page.keyboard.down(key);
    const sent = await log.waitFor(from, (f) => f.sent && opts.isKeyFrame(f.text, key), 5000);
    const echo =
      sent && (await log.waitFor(from, (f) => !f.sent && f.at >= sent.at && isEcho(f.text, key), 5000));
    await page.keyboard.up(key);
    if (!sent || !echo) throw new Error(`no echo of "${key}" within 5 s`);
    if (i >= warmup) times.push((echo.at - sent.at) * 1000);
    const before = log.frames.length;
    await page.keyboard.press('Backspace');
    await log.waitFor(before, (f) => !f.sent && isEcho(f.text, '\b'), 5000);
    await sleep(opts.pauseMs ?? 30);
  }
  return times;
}
