// The registry of shells, one per (lab, host), and the wiring of an authorized socket to one of them.
// A socket handler here never throws: failures reach the browser as an 'error' message, then a close.
import type { RawData, WebSocket } from 'ws';
import { errorMessage } from '../errors.ts';
import type { ShellCommand } from '../runtime/runtime.ts';
import { CloseCode } from '../shared/terminal-protocol.ts';
import { DisposableStore } from './disposables.ts';
import { type Attachment, type SessionLimits, TerminalSession } from './terminal-session.ts';
import { failSocket, parseClientMessage, rawBytes, rawText, type TerminalSize } from './wire.ts';

export interface TerminalSessionsOptions {
  shellCommand: (labId: string, host: string) => Promise<ShellCommand>;
  /** How long a shell outlives its last socket; default 10 minutes. */
  graceMs?: number;
  /** Recent output replayed on reattach; default 256 KiB. */
  scrollbackBytes?: number;
  /** Pause reading the pty above this many unacknowledged bytes per socket; default 1 MiB. */
  highWatermark?: number;
  /** Resume below this; default 256 KiB. */
  lowWatermark?: number;
  /** Told when a student types into a lab's shell (not a watcher): what keeps them from being idle. */
  onInput?: (labId: string) => void;
}

const KiB = 1024;

const keyOf = (labId: string, host: string) => `${labId}/${host}`;

export class TerminalSessions {
  private readonly shellCommand: TerminalSessionsOptions['shellCommand'];
  private readonly onInput: TerminalSessionsOptions['onInput'];
  private readonly limits: SessionLimits;
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly creating = new Map<string, Promise<TerminalSession>>();
  /** Bumped by closeLab, so a shell whose creation was under way when the lab closed is not kept. */
  private readonly labEpochs = new Map<string, number>();

  constructor(opts: TerminalSessionsOptions) {
    this.shellCommand = opts.shellCommand;
    this.onInput = opts.onInput;
    this.limits = {
      graceMs: opts.graceMs ?? 10 * 60 * 1000,
      scrollbackBytes: opts.scrollbackBytes ?? 256 * KiB,
      highWatermark: opts.highWatermark ?? 1024 * KiB,
      lowWatermark: opts.lowWatermark ?? 256 * KiB,
    };
  }

  /**
   * Connects an authorized socket to the shell of (labId, host), spawning it on first use. Resolves once
   * the socket is attached or has been told why not; never rejects.
   */
  async attach(
    socket: WebSocket,
    labId: string,
    host: string,
    size: TerminalSize,
    { readOnly = false }: { readOnly?: boolean } = {},
  ): Promise<void> {
    const store = new DisposableStore();
    let attachment: Attachment | undefined;

    const onMessage = (data: RawData, isBinary: boolean) => {
      // The protocol has the client wait for 'ready'; anything earlier is ignored.
      if (!attachment) return;
      if (isBinary) {
        if (!readOnly) this.onInput?.(labId);
        attachment.input(rawBytes(data));
        return;
      }
      const message = parseClientMessage(rawText(data));
      if (!message || message.t === 'hello') {
        failSocket(
          socket,
          CloseCode.badMessage,
          'The terminal sent a message the server does not understand.',
        );
        return;
      }
      if (message.t === 'in') {
        if (!readOnly) this.onInput?.(labId);
        attachment.input(message.d);
      } else if (message.t === 'resize') attachment.resize({ cols: message.cols, rows: message.rows });
      else attachment.ack(message.n);
    };
    const onClose = () => store.dispose();
    const onError = () => socket.terminate();
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
    store.add(() => {
      socket.off('message', onMessage);
      socket.off('close', onClose);
      socket.off('error', onError);
      attachment?.detach();
    });

    try {
      // A watcher sees a shell the student opened; it never starts one.
      const open = this.sessions.get(keyOf(labId, host));
      if (readOnly && (!open || open.isOver)) throw new Error('the student has no shell open there yet');
      const session = readOnly ? (open as TerminalSession) : await this.sessionFor(labId, host, size);
      // The socket may have closed while the shell was starting; the new shell then waits out its grace.
      if (store.isDisposed) return;
      if (session.isOver) throw new Error('the shell exited as soon as it started');
      attachment = session.attach(socket, size, readOnly);
    } catch (err) {
      failSocket(socket, CloseCode.internalError, `Could not open a shell on ${host}: ${errorMessage(err)}`);
      store.dispose();
    }
  }

  /** Kills the shells of one lab (reset, finish), telling their sockets why. */
  closeLab(labId: string, reason = 'The lab was closed.'): void {
    this.labEpochs.set(labId, (this.labEpochs.get(labId) ?? 0) + 1);
    for (const session of [...this.sessions.values()]) {
      if (session.labId === labId) session.close(reason);
    }
  }

  closeAll(reason = 'The maillab server is shutting down.'): void {
    for (const labId of new Set([...this.sessions.values()].map((s) => s.labId)))
      this.closeLab(labId, reason);
  }

  /** Live shells. */
  count(): number {
    return this.sessions.size;
  }

  private sessionFor(labId: string, host: string, size: TerminalSize): Promise<TerminalSession> {
    const key = keyOf(labId, host);
    const existing = this.sessions.get(key);
    if (existing && !existing.isOver) return Promise.resolve(existing);
    let creation = this.creating.get(key);
    if (!creation) {
      creation = this.create(labId, host, size).finally(() => this.creating.delete(key));
      this.creating.set(key, creation);
    }
    return creation;
  }

  private async create(labId: string, host: string, size: TerminalSize): Promise<TerminalSession> {
    const epoch = this.labEpochs.get(labId) ?? 0;
    const command = await this.shellCommand(labId, host);
    if ((this.labEpochs.get(labId) ?? 0) !== epoch) {
      throw new Error('the lab was reset or finished while the shell was starting; reconnect to try again');
    }
    const key = keyOf(labId, host);
    const session = new TerminalSession({ labId, host, command, size }, this.limits, (gone) => {
      if (this.sessions.get(key) === gone) this.sessions.delete(key);
    });
    this.sessions.set(key, session);
    return session;
  }
}
