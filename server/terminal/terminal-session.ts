// One shell (a node-pty process) for one (lab, host), alive apart from any socket: sockets attach and
// re-attach, get recent output replayed, and the shell is killed only after a grace period with none.
import * as pty from 'node-pty';
import { WebSocket } from 'ws';
import type { ShellCommand } from '../runtime/runtime.ts';
import { AlternateScreen } from './alternate-screen.ts';
import { sendControl, type TerminalSize } from './wire.ts';

export interface SessionLimits {
  /** Recent output kept for replay to a (re)attaching socket. */
  scrollbackBytes: number;
  /** Stop reading the pty while any socket has more than this many bytes sent but not acknowledged… */
  highWatermark: number;
  /** …and read again once every socket is below this. */
  lowWatermark: number;
  /** How long the shell outlives its last socket. */
  graceMs: number;
}

/** One socket's view of the session; the socket wiring lives in terminal-sessions.ts. */
export interface Attachment {
  input(data: string | Buffer): void;
  resize(size: TerminalSize): void;
  ack(bytes: number): void;
  detach(): void;
}

interface AttachedSocket {
  socket: WebSocket;
  size: TerminalSize;
  unacked: number;
  /** Attach order; the highest sets the pty size. */
  seq: number;
  /** A watcher: gets the output, but its input and size are ignored. */
  readOnly: boolean;
}

// Output is sent in batches: at most every 5 ms, or at once when 64 KiB are waiting.
const FLUSH_MS = 5;
const FLUSH_BYTES = 64 * 1024;
// SIGHUP first (what closing a terminal sends), SIGKILL if the process group ignores it.
const KILL_ESCALATION_MS = 2000;
// A repaint is asked for by changing the size and changing it back this much later: the engine's exec
// client reads the size when its SIGWINCH arrives, so two changes at once would reach the host as none.
const REPAINT_RESIZE_MS = 100;

/** Keeps the last `capacity` bytes of output. */
class OutputRing {
  private chunks: Buffer[] = [];
  private size = 0;
  private trimmed = false;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.capacity) {
      const first = this.chunks[0] as Buffer;
      const excess = this.size - this.capacity;
      this.trimmed = true;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  /** The kept output; once trimmed, it starts after the first newline so no half escape sequence leads. */
  contents(): Buffer {
    const all = Buffer.concat(this.chunks, this.size);
    if (!this.trimmed) return all;
    const newline = all.indexOf(0x0a);
    return newline === -1 ? all : all.subarray(newline + 1);
  }
}

export class TerminalSession {
  readonly labId: string;
  readonly host: string;
  private readonly shell: pty.IPty;
  private readonly ring: OutputRing;
  private readonly sockets = new Set<AttachedSocket>();
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlushAt = 0;
  private graceTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private exited = false;
  private closed = false;
  private nextSeq = 0;
  private readonly screen = new AlternateScreen();
  private repaintTimer: NodeJS.Timeout | undefined;

  constructor(
    opts: { labId: string; host: string; command: ShellCommand; size: TerminalSize },
    private readonly limits: SessionLimits,
    /** Called once when the session is over (exit, kill or close), so the registry can forget it. */
    private readonly onGone: (session: TerminalSession) => void,
  ) {
    this.labId = opts.labId;
    this.host = opts.host;
    this.ring = new OutputRing(limits.scrollbackBytes);
    // The engine's exec client needs the usual environment (PATH, HOME, DOCKER_HOST…), as any child
    // process would inherit it; the runtime's variables go on top.
    this.shell = pty.spawn(opts.command.file, opts.command.args, {
      name: opts.command.env.TERM ?? 'xterm-256color',
      cols: opts.size.cols,
      rows: opts.size.rows,
      env: { ...process.env, ...opts.command.env },
      // Raw bytes: UTF-8 sequences split across reads are reassembled by xterm.js, not mangled here.
      encoding: null,
    });
    // With encoding null node-pty delivers Buffers, although its typings say string.
    this.shell.onData((data: string | Buffer) =>
      this.onOutput(typeof data === 'string' ? Buffer.from(data) : data),
    );
    this.shell.onExit(({ exitCode, signal }) => this.onExit(exitCode, signal));
    if (opts.command.banner) this.onOutput(Buffer.from(opts.command.banner));
    // Until a socket attaches, the shell lives on the same grace period as one whose socket left.
    this.startGrace();
  }

  get pid(): number {
    return this.shell.pid;
  }

  get attachedCount(): number {
    return this.sockets.size;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isOver(): boolean {
    return this.closed || this.exited;
  }

  /** Sends 'ready' and the replay to `socket`, then live output. */
  attach(socket: WebSocket, size: TerminalSize, readOnly = false): Attachment {
    // A watcher does not keep a shell alive: only the student's own sockets do.
    if (!readOnly) this.cancelGrace();
    // Output read so far goes to the sockets already attached; the new one gets it inside the replay.
    this.flush();
    const attached: AttachedSocket = { socket, size, unacked: 0, seq: this.nextSeq++, readOnly };
    this.sockets.add(attached);
    this.applySize();

    const replay = this.ring.contents();
    sendControl(socket, { t: 'ready', replayed: replay.length });
    if (replay.length > 0) this.send(attached, replay);
    if (this.screen.active) this.askForRepaint();

    return {
      input: (data) => {
        if (!this.isOver && !readOnly) this.shell.write(data);
      },
      resize: (next) => {
        if (readOnly) return;
        attached.size = next;
        this.applySize();
      },
      ack: (bytes) => {
        attached.unacked = Math.max(0, attached.unacked - bytes);
        this.updateFlow();
      },
      detach: () => this.detach(attached),
    };
  }

  /** Tells every socket why the shell is going, closes them, and kills the shell. */
  close(reason: string): void {
    if (this.closed) return;
    for (const { socket } of this.sockets) {
      sendControl(socket, { t: 'exit', reason });
      socket.close(1000);
    }
    this.sockets.clear();
    this.kill();
  }

  /** Kills the shell's whole process group; node-pty reaps the child, so nothing is left as a zombie. */
  kill(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelGrace();
    clearTimeout(this.flushTimer);
    clearTimeout(this.repaintTimer);
    this.pending = [];
    this.pendingBytes = 0;
    this.onGone(this);
    if (this.exited) return;
    this.signalGroup('SIGHUP');
    this.killTimer = setTimeout(() => this.signalGroup('SIGKILL'), KILL_ESCALATION_MS);
    this.killTimer.unref();
  }

  private signalGroup(signal: NodeJS.Signals): void {
    if (this.exited) return;
    // node-pty starts the shell as a session leader, so its pid is also its process group id.
    try {
      process.kill(-this.shell.pid, signal);
    } catch {
      // Already gone.
    }
    try {
      this.shell.kill(signal);
    } catch {
      // Already gone.
    }
  }

  private detach(attached: AttachedSocket): void {
    if (!this.sockets.delete(attached)) return;
    this.applySize();
    this.updateFlow();
    if (![...this.sockets].some((s) => !s.readOnly)) this.startGrace();
  }

  private startGrace(): void {
    if (this.isOver) return;
    this.cancelGrace();
    this.graceTimer = setTimeout(() => this.kill(), this.limits.graceMs);
    this.graceTimer.unref();
  }

  private cancelGrace(): void {
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
  }

  private onOutput(chunk: Buffer): void {
    if (this.closed) return;
    this.ring.push(chunk);
    this.screen.observe(chunk);
    // With no socket attached, output only goes to the ring, and reading never pauses.
    if (this.sockets.size === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    // After a quiet spell output goes out at once, so a typed key echoes without waiting for the
    // timer (measured: the timer alone added 5 ms to every echo); a stream is batched from then on.
    const quiet = this.flushTimer === undefined && Date.now() - this.lastFlushAt >= FLUSH_MS;
    if (quiet || this.pendingBytes >= FLUSH_BYTES) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingBytes === 0) return;
    this.lastFlushAt = Date.now();
    const batch = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    for (const attached of this.sockets) this.send(attached, batch);
    this.updateFlow();
  }

  private send(attached: AttachedSocket, data: Buffer): void {
    if (attached.socket.readyState !== WebSocket.OPEN) return;
    attached.socket.send(data, { binary: true });
    attached.unacked += data.length;
  }

  private updateFlow(): void {
    if (this.isOver) return;
    let mostUnacked = 0;
    for (const { unacked } of this.sockets) mostUnacked = Math.max(mostUnacked, unacked);
    if (!this.paused && mostUnacked > this.limits.highWatermark) {
      this.paused = true;
      this.shell.pause();
    } else if (this.paused && mostUnacked < this.limits.lowWatermark) {
      this.paused = false;
      this.shell.resume();
    }
  }

  /**
   * A full-screen program (vim editing main.cf, say) cannot be rebuilt from replayed output: a size
   * change makes it redraw the whole screen, and the size goes back a moment later.
   */
  private askForRepaint(): void {
    if (this.isOver || this.repaintTimer) return;
    const { cols, rows } = this.shell;
    try {
      this.shell.resize(cols, rows > 2 ? rows - 1 : rows + 1);
    } catch {
      return;
    }
    this.repaintTimer = setTimeout(() => {
      this.repaintTimer = undefined;
      this.applySize();
    }, REPAINT_RESIZE_MS);
  }

  /** The most recently attached socket decides the size; a resize that changes nothing is skipped. */
  private applySize(): void {
    let latest: AttachedSocket | undefined;
    for (const attached of this.sockets)
      if (!attached.readOnly && (!latest || attached.seq > latest.seq)) latest = attached;
    if (!latest || this.isOver) return;
    const { cols, rows } = latest.size;
    if (cols === this.shell.cols && rows === this.shell.rows) return;
    try {
      this.shell.resize(cols, rows);
    } catch {
      // The pty closed in the meantime; onExit reports it.
    }
  }

  private onExit(exitCode: number, signal: number | undefined): void {
    this.exited = true;
    clearTimeout(this.killTimer);
    if (this.closed) return;
    this.flush();
    const how = signal ? `was ended by signal ${signal}` : `exited with code ${exitCode}`;
    this.close(`The shell on ${this.host} ${how}.`);
  }
}
