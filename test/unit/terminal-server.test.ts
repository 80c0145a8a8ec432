// The terminal path end to end, without a container engine: a real http.Server on 127.0.0.1, real ws
// clients, and node-pty running a local bash instead of `docker exec`.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import type { ShellCommand } from '../../server/runtime/runtime.ts';
import type { ClientMessage, ServerMessage } from '../../server/shared/terminal-protocol.ts';
import { attachTerminalServer, isSameOrigin } from '../../server/terminal/terminal-server.ts';
import { TerminalSessions, type TerminalSessionsOptions } from '../../server/terminal/terminal-sessions.ts';

const TOKEN = 'secret-token';
const gate = SessionGate.ephemeral();
const COOKIE = `${SESSION_COOKIE}=${gate.newSessionCookie()}`;

const localBash = async (): Promise<ShellCommand> => ({
  file: '/bin/bash',
  args: ['--norc', '--noprofile', '-i'],
  env: { TERM: 'xterm-256color', PS1: '$ ', HISTFILE: '/dev/null' },
});

class TestClient {
  readonly ws: WebSocket;
  readonly controls: ServerMessage[] = [];
  private chunks: Buffer[] = [];
  received = 0;
  closeCode: number | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    url: string,
    origin: string | undefined,
    private readonly autoAck: boolean,
  ) {
    this.ws = new WebSocket(url, { headers: { cookie: COOKIE }, ...(origin ? { origin } : {}) });
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.chunks.push(data);
        this.received += data.length;
        if (this.autoAck) this.send({ t: 'ack', n: data.length });
      } else {
        this.controls.push(JSON.parse(data.toString()) as ServerMessage);
      }
      this.notify();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      this.notify();
    });
  }

  get output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  send(message: ClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  type(text: string): void {
    this.send({ t: 'in', d: text });
  }

  /** Resolves once `test()` holds, re-checking after every frame. */
  until<T>(test: () => T | undefined | false, what: string, timeoutMs = 4000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = test();
        if (value === undefined || value === false) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `timed out waiting for ${what}; output so far: ${JSON.stringify(this.output.slice(-300))}`,
          ),
        );
      }, timeoutMs);
      if (!check()) this.waiters.add(check);
    });
  }

  waitForOutput(pattern: RegExp, from = 0): Promise<RegExpExecArray> {
    return this.until(() => pattern.exec(this.output.slice(from)) ?? undefined, String(pattern));
  }

  waitForControl<T extends ServerMessage['t']>(t: T): Promise<Extract<ServerMessage, { t: T }>> {
    return this.until(
      () => this.controls.find((m): m is Extract<ServerMessage, { t: T }> => m.t === t),
      `a '${t}' message`,
    );
  }

  waitForClose(): Promise<number> {
    return this.until(() => this.closeCode, 'the socket to close');
  }

  async pid(): Promise<number> {
    const from = this.output.length;
    this.type('echo PID:$$\r');
    const match = await this.waitForOutput(/PID:(\d+)/, from);
    return Number(match[1]);
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

interface Harness {
  sessions: TerminalSessions;
  authorized: string[];
  url(labId?: string, host?: string): string;
  connect(options?: {
    labId?: string;
    host?: string;
    origin?: string;
    token?: string;
    cols?: number;
    rows?: number;
    autoAck?: boolean;
    watch?: boolean;
  }): Promise<TestClient>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHarness(
  options: Partial<TerminalSessionsOptions> = {},
  helloTimeoutMs?: number,
): Promise<Harness> {
  const sessions = new TerminalSessions({ shellCommand: localBash, graceMs: 60_000, ...options });
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  const authorized: string[] = [];
  const terminals = attachTerminalServer(server, {
    sessions,
    authorize: async (labId, host, token) => {
      authorized.push(`${labId}/${host}`);
      return token === TOKEN;
    },
    isAllowedOrigin: isSameOrigin,
    hasSession: (req) => gate.sessionOf(req) !== undefined,
    ...(helloTimeoutMs ? { helloTimeoutMs } : {}),
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const clients: TestClient[] = [];
  cleanups.push(async () => {
    for (const client of clients) client.ws.terminate();
    terminals.close();
    sessions.closeAll();
    server.close();
  });
  const url = (labId = 'lab1', host = 'desktop') => `ws://127.0.0.1:${port}/ws/labs/${labId}/hosts/${host}`;
  return {
    sessions,
    authorized,
    url,
    async connect({ labId, host, origin, token = TOKEN, cols = 80, rows = 24, autoAck = true, watch } = {}) {
      const client = new TestClient(url(labId, host), origin ?? `http://127.0.0.1:${port}`, autoAck);
      clients.push(client);
      await once(client.ws, 'open');
      client.send({ t: 'hello', token, cols, rows, ...(watch ? { watch } : {}) });
      return client;
    },
  };
}

/** Closes a client's socket as a reloading browser tab would, and waits until the server has noticed. */
async function drop(client: TestClient): Promise<void> {
  client.ws.close();
  await client.waitForClose();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(test: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('watching a shell read-only (instructors)', () => {
  it('refuses to watch a host whose shell the student has not opened, and starts none', async () => {
    const h = await startHarness();
    const watcher = await h.connect({ watch: true });
    const error = await watcher.waitForControl('error');
    expect(error.message).toMatch(/no shell open there yet/);
    expect(h.sessions.count()).toBe(0);
  });

  it('shows what the student types, and nothing the watcher types or resizes reaches the shell', async () => {
    const h = await startHarness();
    const student = await h.connect({ cols: 80, rows: 24 });
    await student.waitForControl('ready');
    const watcher = await h.connect({ watch: true, cols: 200, rows: 50 });
    await watcher.waitForControl('ready');
    watcher.send({ t: 'resize', cols: 199, rows: 49 });
    watcher.type('echo WATCHER-$((1+1))\r');
    student.type('echo SEEN-$((2+3)) $(stty size)\r');
    await watcher.waitForOutput(/SEEN-5 24 80/);
    await student.waitForOutput(/SEEN-5 24 80/);
    expect(student.output).not.toMatch(/WATCHER/);
    expect(watcher.output).not.toMatch(/WATCHER-2/);
  });
});

describe('terminal sessions', () => {
  it('shows the runtime’s banner (a new shell after a restart) before the shell’s own output', async () => {
    const h = await startHarness({
      shellCommand: async () => ({ ...(await localBash()), banner: '[maillab] this is a new shell\r\n' }),
    });
    const client = await h.connect();
    await client.waitForControl('ready');
    client.type('echo after-$((1+1))\r');
    await client.until(() => client.output.includes('after-2'), 'the shell');
    expect(client.output.indexOf('[maillab] this is a new shell')).toBe(0);
  });

  it('replays recent output to a socket that reattaches', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    first.type('echo MARK$((40+2))ER\r');
    await first.waitForOutput(/MARK42ER/);
    await drop(first);

    const second = await h.connect();
    const ready = await second.waitForControl('ready');
    expect(ready.replayed).toBeGreaterThan(0);
    await second.waitForOutput(/MARK42ER/);
  });

  it('makes a full-screen program repaint for a socket that reattaches', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    // A stand-in for vim: enters the alternate screen and redraws (prints its size) on SIGWINCH.
    first.type(
      `bash -c 'trap "echo REPAINT-\\$(stty size)" WINCH; printf "\\033[?1049hFULL\\n"; while :; do sleep 0.05; done'\r`,
    );
    await first.waitForOutput(/FULL/);
    await drop(first);

    // Same size as before: only the session's own nudge can make the program redraw.
    const second = await h.connect();
    await second.waitForControl('ready');
    await second.waitForOutput(/REPAINT-24 80/);
  });

  it('leaves a program on the normal screen alone when a socket reattaches', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    first.type(`bash -c 'trap "echo REPAINT" WINCH; echo PLAIN; while :; do sleep 0.05; done'\r`);
    await first.waitForOutput(/PLAIN/);
    await drop(first);

    const second = await h.connect();
    await second.waitForControl('ready');
    const from = second.output.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(second.output.slice(from)).not.toContain('REPAINT');
  });

  it('writes binary frames to the pty byte for byte (mouse reports that are not UTF-8)', async () => {
    const h = await startHarness();
    const client = await h.connect();
    await client.waitForControl('ready');
    client.type('stty raw -echo; echo RAW-$((1+1)); head -c 6 | od -An -tx1; stty sane\r');
    await client.waitForOutput(/RAW-2/);
    // A left click at column 120, row 10 in the X10 encoding: ESC [ M, then 32 + button, column, row.
    client.ws.send(Buffer.from([0x1b, 0x5b, 0x4d, 0x20, 0x20 + 120, 0x20 + 10]));
    await client.waitForOutput(/1b 5b 4d 20 98 2a/);
  });

  it('reattaches to the same shell process after the socket drops', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    const before = await first.pid();
    await drop(first);

    const second = await h.connect();
    await second.waitForControl('ready');
    expect(await second.pid()).toBe(before);
    expect(h.sessions.count()).toBe(1);
  });

  it('keeps reading output into the replay buffer while no socket is attached', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    first.type('sleep 0.3; echo LATE$((6*7))\r');
    await drop(first);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const second = await h.connect();
    await second.waitForControl('ready');
    await second.waitForOutput(/LATE42/);
  });

  it('spawns one shell when two sockets attach at once', async () => {
    const h = await startHarness();
    const [a, b] = await Promise.all([h.connect(), h.connect()]);
    await Promise.all([a.waitForControl('ready'), b.waitForControl('ready')]);
    expect(h.sessions.count()).toBe(1);
    const pid = await a.pid();
    await b.waitForOutput(new RegExp(`PID:${pid}`));
  });

  it('resizes the pty to the size the client sends', async () => {
    const h = await startHarness();
    const client = await h.connect({ cols: 120, rows: 40 });
    await client.waitForControl('ready');
    let from = client.output.length;
    client.type('stty size\r');
    await client.waitForOutput(/^40 120\r?$/m, from);

    client.send({ t: 'resize', cols: 100, rows: 30 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    from = client.output.length;
    client.type('stty size\r');
    await client.waitForOutput(/^30 100\r?$/m, from);
  });

  it('takes the size of the most recently attached socket', async () => {
    const h = await startHarness();
    const wide = await h.connect({ cols: 200, rows: 50 });
    await wide.waitForControl('ready');
    const narrow = await h.connect({ cols: 90, rows: 20 });
    await narrow.waitForControl('ready');
    const from = narrow.output.length;
    narrow.type('stty size\r');
    await narrow.waitForOutput(/^20 90\r?$/m, from);
  });

  it('pauses the pty when the client stops acknowledging and resumes on ack', async () => {
    const high = 64 * 1024;
    const h = await startHarness({ highWatermark: high, lowWatermark: 16 * 1024 });
    const client = await h.connect({ autoAck: false });
    await client.waitForControl('ready');
    client.type('yes\r');
    await client.until(() => client.received > high, 'output beyond the high watermark');

    // Paused: nothing more arrives, and what did arrive is bounded by the watermark plus a batch or two.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stalled = client.received;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.received).toBe(stalled);
    expect(stalled).toBeLessThan(high + 256 * 1024);

    client.send({ t: 'ack', n: stalled });
    await client.until(() => client.received > stalled + high, 'output after the ack');
    client.send({ t: 'ack', n: client.received });
    client.type('\x03');
  });

  it('kills the shell after the grace period with no socket', async () => {
    const h = await startHarness({ graceMs: 200 });
    const first = await h.connect();
    await first.waitForControl('ready');
    const pid = await first.pid();
    await drop(first);
    expect(isRunning(pid)).toBe(true);

    await eventually(() => h.sessions.count() === 0 && !isRunning(pid), 'the shell to be killed and reaped');
    const second = await h.connect();
    await second.waitForControl('ready');
    expect(await second.pid()).not.toBe(pid);
  });

  it('keeps the shell when a socket reattaches within the grace period', async () => {
    const h = await startHarness({ graceMs: 300 });
    const first = await h.connect();
    await first.waitForControl('ready');
    const pid = await first.pid();
    await drop(first);
    const second = await h.connect();
    await second.waitForControl('ready');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(isRunning(pid)).toBe(true);
    expect(await second.pid()).toBe(pid);
  });

  it('tells the socket when the shell exits and starts a fresh shell on the next attach', async () => {
    const h = await startHarness();
    const first = await h.connect();
    await first.waitForControl('ready');
    const pid = await first.pid();
    first.type('exit 3\r');
    const exit = await first.waitForControl('exit');
    expect(exit.reason).toMatch(/exited with code 3/);
    expect(await first.waitForClose()).toBe(1000);
    expect(h.sessions.count()).toBe(0);

    const second = await h.connect();
    await second.waitForControl('ready');
    expect(await second.pid()).not.toBe(pid);
  });

  it("closes a lab's shells and tells their sockets why", async () => {
    const h = await startHarness();
    const desktop = await h.connect({ host: 'desktop' });
    const server = await h.connect({ host: 'server' });
    const other = await h.connect({ labId: 'lab2' });
    await Promise.all([desktop, server, other].map((c) => c.waitForControl('ready')));
    const pids = [await desktop.pid(), await server.pid()];

    h.sessions.closeLab('lab1', 'The lab is being reset.');
    for (const client of [desktop, server]) {
      expect((await client.waitForControl('exit')).reason).toBe('The lab is being reset.');
      await client.waitForClose();
    }
    expect(h.sessions.count()).toBe(1);
    await eventually(() => pids.every((pid) => !isRunning(pid)), 'the lab shells to be gone');
    expect(other.closeCode).toBeUndefined();
  });

  it('sends an error to the socket when the shell cannot be opened', async () => {
    const h = await startHarness({
      shellCommand: async (labId, host) => {
        throw new Error(`Lab ${labId} has no host "${host}"`);
      },
    });
    const client = await h.connect({ host: 'nohost' });
    const error = await client.waitForControl('error');
    expect(error.message).toMatch(/no host "nohost"/);
    expect(await client.waitForClose()).toBe(1011);
  });
});

describe('terminal server', () => {
  async function refusal(url: string, origin?: string, cookie = COOKIE): Promise<number> {
    const ws = new WebSocket(url, { headers: { cookie }, ...(origin ? { origin } : {}) });
    ws.on('error', () => {}); // terminate() before the handshake completes reports an error by design
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, http.IncomingMessage];
    ws.terminate();
    return res.statusCode ?? 0;
  }

  it('rejects a socket whose Origin is another site', async () => {
    const h = await startHarness();
    expect(await refusal(h.url(), 'https://evil.example')).toBe(403);
    expect(h.authorized).toEqual([]);
  });

  it('refuses a socket without a session, even from the right page with the right token', async () => {
    const h = await startHarness();
    const origin = new URL(h.url()).origin.replace('ws:', 'http:');
    expect(await refusal(h.url(), origin, '')).toBe(401);
    expect(await refusal(h.url(), origin, `${SESSION_COOKIE}=v1.owner.x.forged`)).toBe(401);
    expect(h.authorized).toEqual([]);
  });

  it('rejects a socket without an Origin', async () => {
    const h = await startHarness();
    expect(await refusal(h.url())).toBe(403);
  });

  it('refuses upgrades on other paths', async () => {
    const h = await startHarness();
    expect(await refusal(h.url().replace('/hosts/', '/nodes/'), 'http://127.0.0.1')).toBe(404);
    expect(await refusal(h.url('lab1', '..%2Fetc'), 'http://127.0.0.1')).toBe(404);
  });

  it('rejects a wrong token', async () => {
    const h = await startHarness();
    const client = await h.connect({ token: 'guess' });
    const error = await client.waitForControl('error');
    expect(error.message).toMatch(/not valid/);
    expect(await client.waitForClose()).toBe(4401);
    expect(h.authorized).toEqual(['lab1/desktop']);
    expect(h.sessions.count()).toBe(0);
  });

  it('closes a socket that does not say hello in time', async () => {
    const h = await startHarness({}, 200);
    const ws = new TestClient(h.url(), new URL(h.url()).origin.replace('ws:', 'http:'), true);
    await once(ws.ws, 'open');
    expect(await ws.waitForClose()).toBe(4408);
    expect(h.sessions.count()).toBe(0);
  });

  it('survives malformed frames before and after hello, and keeps serving', async () => {
    const h = await startHarness();
    const { port } = new URL(h.url());
    const raw = async (frame: Buffer, hello: boolean): Promise<void> => {
      const { createConnection } = await import('node:net');
      const sock = createConnection({ host: '127.0.0.1', port: Number(port) });
      sock.on('error', () => {});
      await once(sock, 'connect');
      sock.write(
        `GET /ws/labs/lab1/hosts/desktop HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
          `Cookie: ${COOKIE}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
      await once(sock, 'data');
      if (hello)
        sock.write(
          masked(0x1, Buffer.from(JSON.stringify({ t: 'hello', token: TOKEN, cols: 80, rows: 24 }))),
        );
      sock.write(frame);
      await Promise.race([once(sock, 'close'), new Promise((r) => setTimeout(r, 1000))]);
      sock.destroy();
    };
    const masked = (opcode: number, payload: Buffer, mask = true): Buffer => {
      const len = payload.length;
      const head =
        len < 126
          ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | len])
          : len < 65536
            ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 126, len >> 8, len & 0xff])
            : Buffer.concat([
                Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 127]),
                (() => {
                  const b = Buffer.alloc(8);
                  b.writeBigUInt64BE(BigInt(len));
                  return b;
                })(),
              ]);
      if (!mask) return Buffer.concat([head, payload]);
      const key = Buffer.from([1, 2, 3, 4]);
      const body = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)));
      return Buffer.concat([head, key, body]);
    };
    const frames: [string, Buffer][] = [
      ['2 MiB text frame', masked(0x1, Buffer.alloc(2 * 1024 * 1024, 0x61))],
      ['unmasked frame', masked(0x1, Buffer.from('{"t":"in","d":"x"}'), false)],
      ['invalid UTF-8', masked(0x1, Buffer.from([0xc3, 0x28]))],
      ['unknown opcode', masked(0x3, Buffer.from('x'))],
      ['resize with absurd numbers', masked(0x1, Buffer.from('{"t":"resize","cols":-1,"rows":1e308}'))],
      ['ack that is not a number', masked(0x1, Buffer.from('{"t":"ack","n":"lots"}'))],
    ];
    for (const [, frame] of frames) {
      await raw(frame, false);
      await raw(frame, true);
    }
    // Still serving: a well-behaved client gets a working shell.
    const client = await h.connect();
    await client.waitForControl('ready');
    client.type('echo still-$((40+2))\r');
    await client.until(() => client.output.includes('still-42'), 'the shell to answer');
  });

  it('closes a socket whose first message is not a hello', async () => {
    const h = await startHarness();
    const client = new TestClient(h.url(), new URL(h.url()).origin.replace('ws:', 'http:'), true);
    await once(client.ws, 'open');
    client.type('rm -rf /\r');
    expect(await client.waitForClose()).toBe(4400);
    expect(h.authorized).toEqual([]);
  });
});

describe('isSameOrigin', () => {
  it('allows a page from the same host and port', () => {
    expect(isSameOrigin('https://lab.example.org', 'lab.example.org')).toBe(true);
    expect(isSameOrigin('http://10.0.0.5:8080', '10.0.0.5:8080')).toBe(true);
  });

  it('refuses a loopback page on another port: a dev server must be listed explicitly', () => {
    expect(isSameOrigin('http://localhost:5173', '127.0.0.1:3000')).toBe(false);
    expect(isSameOrigin('http://127.0.0.1:5173', '127.0.0.1:3000')).toBe(false);
  });

  it('refuses other sites, a missing Origin and non-web schemes', () => {
    expect(isSameOrigin('https://evil.example', 'lab.example.org')).toBe(false);
    expect(isSameOrigin('http://lab.example.org:9999', 'lab.example.org:8080')).toBe(false);
    expect(isSameOrigin(undefined, 'localhost:3000')).toBe(false);
    expect(isSameOrigin('null', 'localhost:3000')).toBe(false);
    expect(isSameOrigin('file:///tmp/x.html', 'localhost:3000')).toBe(false);
  });
});
