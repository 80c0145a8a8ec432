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

/** Records the WebSocket frames of a page whose URL contains `urlPart`. */
export async function recordFrames(
  page: Page,
  urlPart: string,
): Promise<{ frames: Frame[]; cdp: CDPSession }> {
  const cdp = await page.context().newCDPSession(page);
  const urls = new Map<string, string>();
  const frames: Frame[] = [];
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
      frames.push({ at: e.timestamp, sent, text, url });
    };
  cdp.on('Network.webSocketFrameSent', on(true));
  cdp.on('Network.webSocketFrameReceived', on(false));
  await cdp.send('Network.enable');
  return { frames, cdp };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Presses letters one at a time in the focused terminal; each sample is the time from the sent frame
 * holding the letter to the first received frame after it holding the letter. A backspace after each
 * keeps the line empty, and a pause lets the terminal go quiet, as a person typing slowly would.
 */
export async function browserEcho(
  page: Page,
  frames: Frame[],
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
  for (let i = 0; i < warmup + samples; i++) {
    const key = letters[i % letters.length] as string;
    const from = frames.length;
    await page.keyboard.press(key);
    const deadline = Date.now() + 5000;
    let sample: number | undefined;
    while (sample === undefined && Date.now() < deadline) {
      const fresh = frames.slice(from);
      const sent = fresh.find((f) => f.sent && opts.isKeyFrame(f.text, key));
      const isEcho = opts.isEchoFrame ?? ((text: string, k: string) => text.includes(k));
      const echo = sent && fresh.find((f) => !f.sent && f.at >= sent.at && isEcho(f.text, key));
      if (sent && echo) sample = (echo.at - sent.at) * 1000;
      else await sleep(2);
    }
    if (sample === undefined) throw new Error(`no echo of "${key}" within 5 s`);
    if (i >= warmup) times.push(sample);
    const before = frames.length;
    await page.keyboard.press('Backspace');
    const erased = Date.now() + 5000;
    const isErase = (text: string) =>
      (opts.isEchoFrame ?? ((t: string, k: string) => t.includes(k)))(text, '\b');
    while (!frames.slice(before).some((f) => !f.sent && isErase(f.text)) && Date.now() < erased)
      await sleep(2);
    await sleep(opts.pauseMs ?? 30);
  }
  return times;
}
