// Both directions of the terminal wire protocol (documented in server/shared/terminal-protocol.ts) on
// the server side: what a browser sends is validated to exactly one of the four shapes, never half-trusted.
import { type RawData, WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../shared/terminal-protocol.ts';

export interface TerminalSize {
  cols: number;
  rows: number;
}

const MAX_COLS = 1000;
const MAX_ROWS = 500;

function isDimension(value: unknown, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= max;
}

export function parseClientMessage(raw: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  switch (m.t) {
    case 'hello':
      if (typeof m.token !== 'string' || !isDimension(m.cols, MAX_COLS) || !isDimension(m.rows, MAX_ROWS)) {
        return undefined;
      }
      if (m.watch !== undefined && m.watch !== true) return undefined;
      return { t: 'hello', token: m.token, cols: m.cols, rows: m.rows, ...(m.watch ? { watch: true } : {}) };
    case 'in':
      return typeof m.d === 'string' ? { t: 'in', d: m.d } : undefined;
    case 'resize':
      if (!isDimension(m.cols, MAX_COLS) || !isDimension(m.rows, MAX_ROWS)) return undefined;
      return { t: 'resize', cols: m.cols, rows: m.rows };
    case 'ack':
      return Number.isInteger(m.n) && (m.n as number) >= 0 ? { t: 'ack', n: m.n as number } : undefined;
    default:
      return undefined;
  }
}

/** Sends a control message if the socket is still open; a closed socket is not an error. */
export function sendControl(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

/** Sends an error control message, then closes: how every failure reaches a terminal socket. */
export function failSocket(socket: WebSocket, code: number, message: string): void {
  sendControl(socket, { t: 'error', message });
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
    socket.close(code);
  }
}

export function rawBytes(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data));
  return data;
}

export function rawText(data: RawData): string {
  return rawBytes(data).toString('utf8');
}
