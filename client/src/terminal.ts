// One xterm.js terminal bound to one lab host over the protocol in server/shared/terminal-protocol.ts.
// The socket may drop (laptop sleep, server restart): the terminal reconnects with backoff, and the
// server replays the shell's recent output, so the student finds the same shell with the same screen.
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import {
  type ClientMessage,
  CloseCode,
  type ServerMessage,
  terminalPath,
} from '../../server/shared/terminal-protocol.ts';
import { h } from './dom.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'exited' | 'refused';

export interface LabTerminalOptions {
  labId: string;
  host: string;
  token: string;
  /** Where the terminal is drawn; it fills the element. */
  element: HTMLElement;
  onState?: (state: ConnectionState) => void;
  /** An instructor watching a student's shell: `token` is a watch token, and nothing typed is sent. */
  watch?: boolean;
}

// Reconnect after 0.5 s, 1 s, 2 s, 4 s, then every 5 s, indefinitely.
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 5000;
// Acknowledge rendered output in batches: at 32 KiB, or 20 ms after the first unacknowledged byte.
const ACK_BYTES = 32 * 1024;
const ACK_DELAY_MS = 20;
// Keys typed while the socket is down: enough for a command or a paste, not a runaway stream.
const TYPE_AHEAD_CHARS = 4096;

/** Terminals on the page by host, for the browser tests' `window.__maillab` hook. */
export const liveTerminals = new Map<string, LabTerminal>();

const theme = {
  background: '#0b1120',
  foreground: '#dbe4f0',
  cursor: '#5eead4',
  cursorAccent: '#0b1120',
  selectionBackground: '#334155',
  black: '#1e293b',
  red: '#f87171',
  green: '#4ade80',
  yellow: '#facc15',
  blue: '#60a5fa',
  magenta: '#c084fc',
  cyan: '#22d3ee',
  white: '#e2e8f0',
  brightBlack: '#64748b',
  brightRed: '#fca5a5',
  brightGreen: '#86efac',
  brightYellow: '#fde047',
  brightBlue: '#93c5fd',
  brightMagenta: '#d8b4fe',
  brightCyan: '#67e8f9',
  brightWhite: '#f8fafc',
};

export class LabTerminal {
  readonly host: string;
  readonly term: Terminal;
  private readonly fitAddon = new FitAddon();
  private readonly overlay: HTMLElement;
  private readonly resizeObserver: ResizeObserver;
  private socket: WebSocket | undefined;
  /** Bumped per connection, so late events of an old socket are ignored. */
  private generation = 0;
  private ready = false;
  private attempt = 0;
  private retryTimer: number | undefined;
  private ackTimer: number | undefined;
  private unacked = 0;
  private exitReason: string | undefined;
  /** The server's last 'error' message, shown when the socket then closes. */
  private lastError: string | undefined;
  private disposed = false;
  private state: ConnectionState = 'connecting';
  /** Keys typed while (re)connecting, sent once the shell is back, so a network blip loses nothing. */
  private typedAhead = '';

  constructor(private readonly opts: LabTerminalOptions) {
    this.host = opts.host;
    this.term = new Terminal({
      fontFamily:
        '"JetBrains Mono", "Fira Code", "Cascadia Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 14,
      lineHeight: 1.15,
      // A steady cursor: with blinking on, every key restarts xterm's blink and re-renders the cursor
      // row on the page's main thread before the echo can be handled. Measured in Chromium on the
      // lesson page (test/bench): echo p50 8.7 ms blinking, 2.4 ms steady (wetty 5.0 ms).
      cursorBlink: false,
      disableStdin: opts.watch === true,
      scrollback: 5000,
      theme,
    });
    this.term.loadAddon(this.fitAddon);
    const screen = h('div', { class: 'xterm-host' });
    this.overlay = h('div', { class: 'terminal-overlay', hidden: true });
    opts.element.append(screen, this.overlay);
    this.term.open(screen);

    this.term.onData((data) => this.type(data));
    // Bytes that are not UTF-8 (old-style mouse reports); worthless later, so never typed ahead.
    this.term.onBinary((data: string) => {
      if (this.ready) this.sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
    });
    this.term.onResize(({ cols, rows }) => this.send({ t: 'resize', cols, rows }));
    // Fit whenever the pane changes size (window resize, split drag, tab shown); one fit per frame.
    let frame = 0;
    this.resizeObserver = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => this.fit());
    });
    this.resizeObserver.observe(opts.element);
    window.addEventListener('online', this.reconnectNow);
    liveTerminals.set(this.host, this);
    this.connect();
  }

  /** Types `text` into the shell as if the student had; false when the terminal is not connected. */
  sendInput(text: string): boolean {
    if (!this.ready) return false;
    this.send({ t: 'in', d: text });
    return true;
  }

  private type(data: string): void {
    if (this.opts.watch) return;
    if (this.ready) {
      this.send({ t: 'in', d: data });
      return;
    }
    // An exited or refused shell takes no input; while reconnecting, keep a bounded amount.
    if (this.state !== 'connecting' && this.state !== 'reconnecting') return;
    this.typedAhead = (this.typedAhead + data).slice(-TYPE_AHEAD_CHARS);
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  focus(): void {
    this.term.focus();
  }

  fit(): void {
    if (this.disposed || this.opts.element.clientWidth === 0 || this.opts.element.clientHeight === 0) return;
    try {
      this.fitAddon.fit();
    } catch {
      // The renderer has not measured its font yet; the next resize fits.
    }
  }

  /** The visible buffer as text, one line per row, trailing blank lines dropped. */
  readBuffer(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  /** Opens a new connection now (after an exit, or to skip the backoff wait). */
  readonly reconnectNow = (): void => {
    if (this.disposed || this.ready) return;
    this.connect();
  };

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.generation++;
    window.clearTimeout(this.retryTimer);
    window.clearTimeout(this.ackTimer);
    window.removeEventListener('online', this.reconnectNow);
    this.resizeObserver.disconnect();
    this.socket?.close(1000);
    this.term.dispose();
    if (liveTerminals.get(this.host) === this) liveTerminals.delete(this.host);
  }

  private connect(): void {
    window.clearTimeout(this.retryTimer);
    this.socket?.close(1000);
    const generation = ++this.generation;
    this.ready = false;
    this.exitReason = undefined;
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');

    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${terminalPath(this.opts.labId, this.host)}`);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    const current = () => generation === this.generation;

    socket.onopen = () => {
      if (!current()) return;
      this.fit();
      const hello: ClientMessage = {
        t: 'hello',
        token: this.opts.token,
        cols: this.term.cols,
        rows: this.term.rows,
        ...(this.opts.watch ? { watch: true } : {}),
      };
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (!current()) return;
      if (typeof event.data === 'string') {
        this.onControl(JSON.parse(event.data) as ServerMessage);
        return;
      }
      const bytes = new Uint8Array(event.data);
      this.term.write(bytes, () => {
        if (current()) this.acknowledge(bytes.length);
      });
    };
    socket.onclose = (event) => {
      if (!current() || this.disposed) return;
      this.ready = false;
      if (this.exitReason !== undefined) this.showExited(this.exitReason);
      else if (event.code === CloseCode.unauthorized) this.showRefused();
      else this.scheduleReconnect();
    };
  }

  private onControl(message: ServerMessage): void {
    switch (message.t) {
      case 'ready':
        this.ready = true;
        this.attempt = 0;
        this.unacked = 0;
        // The replay that follows repaints the screen: clear first (RIS, in write order) so nothing doubles.
        this.term.write('\x1bc');
        this.hideOverlay();
        this.setState('open');
        this.fit();
        if (this.typedAhead) {
          this.send({ t: 'in', d: this.typedAhead });
          this.typedAhead = '';
        }
        break;
      case 'exit':
        this.exitReason = message.reason;
        break;
      case 'error':
        this.lastError = message.message;
        break;
    }
  }

  private acknowledge(bytes: number): void {
    this.unacked += bytes;
    if (this.unacked >= ACK_BYTES) this.flushAck();
    else this.ackTimer ??= window.setTimeout(() => this.flushAck(), ACK_DELAY_MS);
  }

  private flushAck(): void {
    window.clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.unacked === 0) return;
    this.send({ t: 'ack', n: this.unacked });
    this.unacked = 0;
  }

  private send(message: ClientMessage): void {
    // Until 'ready', only hello may be sent (terminal-protocol.ts); keys typed meanwhile wait in typedAhead.
    if (!this.ready || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  private sendBytes(bytes: Uint8Array): void {
    if (!this.ready || this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(bytes);
  }

  private scheduleReconnect(): void {
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.attempt);
    this.attempt++;
    this.setState('reconnecting');
    // A watcher is told the server's reason (often: the student has no shell open there yet) and
    // attaches by itself once one opens; it is offered nothing to do, as it can do nothing.
    const why = this.opts.watch ? this.lastError : undefined;
    this.showOverlay('small', [
      h('span', { class: 'spinner', 'aria-hidden': 'true' }),
      why
        ? h('span', { 'data-testid': 'watch-waiting' }, `${capitalise(why)}. Watching again when it opens…`)
        : h('span', { title: this.lastError ?? 'The connection to the terminal was lost.' }, 'Reconnecting…'),
      ...(this.opts.watch
        ? []
        : [h('button', { type: 'button', class: 'link-button', onclick: this.reconnectNow }, 'Retry now')]),
    ]);
    this.lastError = undefined;
    this.retryTimer = window.setTimeout(() => this.connect(), delay);
  }

  private showExited(reason: string): void {
    this.setState('exited');
    this.attempt = 0;
    if (this.opts.watch) {
      // A read-only view cannot start a shell: it says why the shell closed and watches for the next.
      this.lastError = reason.replace(/\.$/, '');
      this.scheduleReconnect();
      return;
    }
    this.showOverlay('card', [
      h('p', { class: 'overlay-title' }, 'Shell closed'),
      h('p', {}, reason),
      h(
        'button',
        { type: 'button', class: 'button primary', onclick: this.reconnectNow },
        'Start a new shell',
      ),
    ]);
  }

  private showRefused(): void {
    this.setState('refused');
    this.showOverlay('card', [
      h('p', { class: 'overlay-title' }, 'Terminal refused'),
      h('p', {}, this.lastError ?? 'The server did not accept this terminal. Reload the page.'),
      h('button', { type: 'button', class: 'button', onclick: () => location.reload() }, 'Reload page'),
    ]);
    this.lastError = undefined;
  }

  private showOverlay(kind: 'small' | 'card', content: Node[]): void {
    this.overlay.className = `terminal-overlay ${kind}`;
    this.overlay.setAttribute('role', 'status');
    this.overlay.replaceChildren(...content);
    this.overlay.hidden = false;
  }

  private hideOverlay(): void {
    this.overlay.hidden = true;
    this.overlay.replaceChildren();
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.opts.onState?.(state);
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
