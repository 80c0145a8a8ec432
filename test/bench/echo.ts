// Keystroke echo: one character in, the time until the shell's echo of it comes back. The same
// measurement drives three terminals: maillab's WebSocket, node-pty on `docker exec -it`, and node-pty on
// a local bash.
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as pty from 'node-pty';
import WebSocket from 'ws';

/** A terminal as the measurement sees it: write keys, hear output. */
export interface Terminal {
  write(data: string): void;
  onData(listener: (chunk: Buffer) => void): void;
  close(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves on the first chunk that contains `byte`, or rejects after `timeoutMs`. */
function nextChunkWith(listeners: Set<(chunk: Buffer) => void>, byte: number, timeoutMs: number) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(listener);
      reject(new Error(`no echo of byte ${byte} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (chunk: Buffer) => {
      if (!chunk.includes(byte)) return;
      clearTimeout(timer);
      listeners.delete(listener);
      resolve();
    };
    listeners.add(listener);
  });
}

/** Fans a terminal's output out to one-shot waiters and tracks when it last spoke. */
export class Listener {
  readonly waiters = new Set<(chunk: Buffer) => void>();
  lastOutput = 0;
  bytes = 0;
  text = '';
  constructor(readonly terminal: Terminal) {
    terminal.onData((chunk) => {
      this.lastOutput = performance.now();
      this.bytes += chunk.length;
      this.text = (this.text + chunk.toString('latin1')).slice(-4000);
      for (const w of [...this.waiters]) w(chunk);
    });
  }

  /** Waits for `pattern` in the output, then until the terminal has been silent for `quietMs`. */
  async settle(pattern: RegExp, quietMs = 400, timeoutMs = 20_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!pattern.test(this.text) || performance.now() - this.lastOutput < quietMs) {
      if (performance.now() > deadline)
        throw new Error(
          `terminal never settled on ${pattern}; it shows: ${JSON.stringify(this.text.slice(-300))}`,
        );
      await sleep(20);
    }
  }
}

/**
 * Types a character and times its echo, then erases it with a backspace and waits for that echo too, so
 * the line stays empty and every sample starts from a quiet terminal. Warm-up samples are discarded.
 */
export async function measureEcho(listener: Listener, samples: number, warmup = 10): Promise<number[]> {
  const times: number[] = [];
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < warmup + samples; i++) {
    const ch = letters[i % letters.length] as string;
    const echoed = nextChunkWith(listener.waiters, ch.charCodeAt(0), 5000);
    const t0 = performance.now();
    listener.terminal.write(ch);
    await echoed;
    const ms = performance.now() - t0;
    if (i >= warmup) times.push(ms);
    // Readline answers a backspace at the end of the line with "\b \b" or "\b\x1b[K".
    const erased = nextChunkWith(listener.waiters, 0x08, 5000);
    listener.terminal.write('\x7f');
    await erased;
    await sleep(10);
  }
  return times;
}

export function ptyTerminal(file: string, args: string[], env: Record<string, string>): Terminal {
  const shell = pty.spawn(file, args, {
    name: 'xterm-256color',
    cols: 80,
    rows: 24,
    env: { ...(process.env as Record<string, string>), ...env },
    encoding: null,
  });
  return {
    write: (data) => shell.write(data),
    onData: (fn) => {
      // With encoding null node-pty delivers Buffers, although its typings say string.
      shell.onData((data: string | Buffer) => fn(typeof data === 'string' ? Buffer.from(data) : data));
    },
    close: () => shell.kill(),
  };
}

/**
 * A maillab terminal over its WebSocket, as the browser drives it: hello with the lab token, wait for
 * 'ready', then keystrokes as {t:'in'} and an {t:'ack'} for every output frame so flow control never pauses.
 */
export async function webSocketTerminal(
  serverUrl: string,
  labId: string,
  host: string,
  token: string,
  cookie: string,
): Promise<{ terminal: Terminal; listener: Listener }> {
  const url = `${serverUrl.replace(/^http/, 'ws')}/ws/labs/${labId}/hosts/${host}`;
  const ws = new WebSocket(url, { headers: { Origin: serverUrl, Cookie: cookie } });
  const dataListeners: ((chunk: Buffer) => void)[] = [];
  const early: Buffer[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ t: 'hello', token, cols: 80, rows: 24 })));
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const chunk = Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[]);
        ws.send(JSON.stringify({ t: 'ack', n: chunk.length }));
        if (dataListeners.length === 0) early.push(chunk);
        for (const fn of dataListeners) fn(chunk);
        return;
      }
      const message = JSON.parse(data.toString()) as { t: string; message?: string; reason?: string };
      if (message.t === 'ready') resolve();
      else if (message.t === 'error' || message.t === 'exit')
        reject(new Error(`terminal ${host}: ${message.message ?? message.reason}`));
    });
    ws.once('error', reject);
    ws.once('close', (code) => reject(new Error(`terminal ${host} closed (${code})`)));
  });
  await ready;
  const terminal: Terminal = {
    write: (d) => ws.send(JSON.stringify({ t: 'in', d })),
    onData: (fn) => {
      dataListeners.push(fn);
      for (const chunk of early.splice(0)) fn(chunk);
    },
    close: () => ws.close(),
  };
  return { terminal, listener: new Listener(terminal) };
}

/** Resident memory (VmRSS, bytes) of this process's children whose command is `comm`, e.g. docker. */
export function childrenRss(comm: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid || name !== comm) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      count++;
      bytes += Number(rss ?? 0) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return { count, bytes };
}
