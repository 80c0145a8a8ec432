// The terminal wire protocol, shared by the browser (client/src/terminal.ts) and the server
// (server/terminal/). Like everything in server/shared/, this module holds only types and pure
// constants/functions, with no Node or DOM imports, because both the browser bundle and the server
// import it. One WebSocket per (lab, host) at /ws/labs/:labId/hosts/:host.
//
// Client → server, text frames holding JSON:
//   {t:'hello', token, cols, rows}  first message, within 5 s of opening; carries the lab token (kept out of
//                                   the URL so it never lands in access logs) and the terminal size.
//   {t:'hello', …, watch: true}     an instructor watching a student's open shell: the token is a watch
//                                   token, and the socket's input and size are ignored (read-only).
//   {t:'in', d}                     keystrokes / pasted text, written to the pty as-is.
//   {t:'resize', cols, rows}        after every fit; the most recently attached socket sets the pty size.
//   {t:'ack', n}                    n output bytes have been rendered (after xterm's write callback).
//   binary frames                   raw input bytes that are not UTF-8 (xterm.js's onBinary: mouse reports
//                                   in the default X10 encoding past column 95), written to the pty as-is.
// The client sends nothing but hello until it has received 'ready'.
//
// Server → client:
//   binary frames                   raw pty output bytes (not necessarily split on UTF-8 boundaries).
//   {t:'ready', replayed}           attached; the next `replayed` bytes are recent output replayed from the
//                                   session's buffer, so the client clears its screen before writing them.
//   {t:'exit', reason}              the shell is gone (exited, lab reset or finished); the socket closes next.
//   {t:'error', message}            something went wrong; the socket closes next with one of CloseCode.
//
// Flow control: the server stops reading the pty while a socket has more than ~1 MiB sent but not acked
// and resumes below ~256 KiB, so `yes` can neither freeze the tab nor grow server memory.

export type ClientMessage =
  | { t: 'hello'; token: string; cols: number; rows: number; watch?: boolean }
  | { t: 'in'; d: string }
  | { t: 'resize'; cols: number; rows: number }
  | { t: 'ack'; n: number };

export type ServerMessage =
  | { t: 'ready'; replayed: number }
  | { t: 'exit'; reason: string }
  | { t: 'error'; message: string };

/** WebSocket close codes; 4xxx are ours (the 4000–4999 range is reserved for applications). */
export const CloseCode = {
  normal: 1000,
  internalError: 1011,
  badMessage: 4400,
  unauthorized: 4401,
  helloTimeout: 4408,
} as const;

export const TERMINAL_PATH = /^\/ws\/labs\/([A-Za-z0-9_-]{1,64})\/hosts\/([a-z][a-z0-9-]{0,62})$/;

export function terminalPath(labId: string, host: string): string {
  return `/ws/labs/${encodeURIComponent(labId)}/hosts/${encodeURIComponent(host)}`;
}
