// The WebSocket door to the terminals: checks path and Origin at the HTTP upgrade, the lab token in the
// first message (ttyd-style, so it never appears in a URL or a log), then hands the socket to the registry.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { errorMessage } from '../errors.ts';
import { CloseCode, TERMINAL_PATH } from '../shared/terminal-protocol.ts';
import { DisposableStore } from './disposables.ts';
import type { TerminalSessions } from './terminal-sessions.ts';
import { failSocket, parseClientMessage, rawText } from './wire.ts';

export interface TerminalServerOptions {
  sessions: TerminalSessions;
  /** Whether this socket may use the shell: read-write with the lab token, read-only when `watch`. */
  authorize: (
    labId: string,
    host: string,
    token: string,
    req: IncomingMessage,
    watch: boolean,
  ) => Promise<boolean>;
  isAllowedOrigin: (origin: string | undefined, hostHeader: string | undefined) => boolean;
  /** Whether the upgrade request carries a session (cookie); without one the socket is refused. */
  hasSession: (req: IncomingMessage) => boolean;
  /** How long a new socket has to send its hello; default 5 s. */
  helloTimeoutMs?: number;
  /** Told about a socket that sent something malformed (for the log); the socket is closed either way. */
  onSocketError?: (labId: string, host: string, err: Error) => void;
}

// A dead peer (laptop lid closed, network gone) is noticed within two ping periods, so its shell's
// grace period starts instead of the socket lingering half-open.
const PING_INTERVAL_MS = 30_000;
// Big enough for a pasted file, small enough that one message cannot exhaust memory.
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Allows a browser page served by this server: the Origin's host:port equals the Host header. Any
 * other page, a dev server on another local port included, must be listed in MAILLAB_ALLOWED_ORIGINS.
 * A missing Origin is refused: only browsers use these sockets, and browsers always send it.
 */
export function isSameOrigin(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (!origin || !hostHeader) return false;
  let originUrl: URL;
  let hostUrl: URL;
  try {
    originUrl = new URL(origin);
    hostUrl = new URL(`http://${hostHeader}`);
  } catch {
    return false;
  }
  if (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:') return false;
  return originUrl.host === hostUrl.host;
}

export function attachTerminalServer(server: Server, opts: TerminalServerOptions): { close(): void } {
  const helloTimeoutMs = opts.helloTimeoutMs ?? 5000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', () => {});
  const alive = new WeakSet<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A socket that errors (reset, garbage) before or during the upgrade must not take the process down.
    socket.on('error', () => socket.destroy());
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const match = TERMINAL_PATH.exec(pathname);
    if (!match) return refuse(socket, 404, 'Not Found');
    if (!opts.isAllowedOrigin(req.headers.origin, req.headers.host)) return refuse(socket, 403, 'Forbidden');
    if (!opts.hasSession(req)) return refuse(socket, 401, 'Unauthorized');
    const [, labId = '', host = ''] = match;
    wss.handleUpgrade(req, socket, head, (ws) => {
      // ws reports a malformed frame (too large, unmasked, bad UTF-8, unknown opcode) as an 'error'
      // and closes with the right code; without a listener that error would end the server.
      ws.on('error', (err) => {
        opts.onSocketError?.(labId, host, err);
        ws.terminate();
      });
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      awaitHello(ws, labId, host, req);
    });
  };

  const awaitHello = (ws: WebSocket, labId: string, host: string, req: IncomingMessage) => {
    const store = new DisposableStore();
    const onMessage = (data: RawData, isBinary: boolean) => {
      store.dispose();
      const hello = isBinary ? undefined : parseClientMessage(rawText(data));
      if (hello?.t !== 'hello') {
        failSocket(ws, CloseCode.badMessage, 'The terminal must start with a hello message.');
        return;
      }
      void authorizeAndAttach(ws, labId, host, hello, req);
    };
    const onClose = () => store.dispose();
    ws.on('message', onMessage);
    ws.on('close', onClose);
    store.add(() => {
      ws.off('message', onMessage);
      ws.off('close', onClose);
    });
    store.timeout(helloTimeoutMs, () => {
      store.dispose();
      failSocket(ws, CloseCode.helloTimeout, `The terminal did not say hello within ${helloTimeoutMs} ms.`);
    });
  };

  const authorizeAndAttach = async (
    ws: WebSocket,
    labId: string,
    host: string,
    hello: { token: string; cols: number; rows: number; watch?: boolean },
    req: IncomingMessage,
  ) => {
    let allowed: boolean;
    const watch = hello.watch === true;
    try {
      allowed = await opts.authorize(labId, host, hello.token, req, watch);
    } catch (err) {
      failSocket(ws, CloseCode.internalError, `Could not check access to lab ${labId}: ${errorMessage(err)}`);
      return;
    }
    if (!allowed) {
      failSocket(
        ws,
        CloseCode.unauthorized,
        `This page's key for lab ${labId} (host ${host}) is not valid: the lab may have been finished. Reload the page.`,
      );
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    await opts.sessions.attach(ws, labId, host, { cols: hello.cols, rows: hello.rows }, { readOnly: watch });
  };

  const pinger = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, PING_INTERVAL_MS);
  pinger.unref();

  server.on('upgrade', onUpgrade);
  return {
    close() {
      server.off('upgrade', onUpgrade);
      clearInterval(pinger);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
