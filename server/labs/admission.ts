// The fair queue in front of LabService.start for classrooms: when the machine runs as many labs as it
// may, a student asking for one gets a ticket instead of an error. A ticket looks to the page like a lab
// that is starting (its progress says the place in the queue), so the lesson page follows it as it does
// any starting lab, and finds the real lab under it once admitted. Tickets are served students with
// no running lab first, then in the order they asked; a ticket nobody polls for a minute is dropped
// (a closed tab must not hold a place). The queue lives in memory: after a restart, waiting pages
// simply ask again.
import { randomBytes } from 'node:crypto';
import { type Logger, silentLogger } from '../log.ts';
import type { LabService, LabState } from './lab-service.ts';

export interface Ticket {
  id: string;
  owner: string;
  lesson: string;
  askedAt: number;
  /** Order of arrival, for tickets asked in the same millisecond. */
  seq: number;
  lastPollAt: number;
  /** Set once the lab was started for it: where the page is sent next. */
  labId?: string;
}

export interface AdmissionOptions {
  labs: LabService;
  maxLabs: number;
  /** A ticket not asked about for this long is dropped; default 60 s (the page polls every second). */
  ticketTtlMs?: number;
  now?: () => number;
  log?: Logger;
}

export class Admission {
  private readonly tickets = new Map<string, Ticket>();
  private readonly ttlMs: number;
  private seq = 0;
  /** Decisions to start a lab run one at a time: thirty students asking at once must not all see room. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: AdmissionOptions) {
    this.ttlMs = opts.ticketTtlMs ?? 60_000;
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Labs that hold a place; spare labs (made ahead) do not: a student's start takes or removes one. */
  private running(): LabState[] {
    return this.opts.labs
      .list()
      .filter((l) => l.status !== 'failed' && l.owner !== this.opts.labs.spareOwner);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => {});
    return run;
  }

  /** The owner's lab for the lesson now, or their ticket in the queue. */
  request(owner: string, lesson: string): Promise<LabState | Ticket> {
    return this.exclusive(() => this.decide(owner, lesson));
  }

  private async decide(owner: string, lesson: string): Promise<LabState | Ticket> {
    const existing = await this.opts.labs.find(owner, lesson);
    if (existing && existing.status !== 'failed') return existing;
    const waiting = this.ticketFor(owner, lesson);
    if (waiting) return this.poll(waiting.id) ?? waiting;
    // Nobody waits and there is room: straight in, as without a queue.
    if (this.waiting().length === 0 && this.running().length < this.opts.maxLabs)
      return this.opts.labs.start(owner, lesson);
    const at = this.now();
    const ticket: Ticket = {
      id: `q${randomBytes(10).toString('hex')}`,
      owner,
      lesson,
      askedAt: at,
      seq: this.seq++,
      lastPollAt: at,
    };
    this.tickets.set(ticket.id, ticket);
    (this.opts.log ?? silentLogger).info({ owner, lesson, position: this.position(ticket) }, 'lab queued');
    await this.admit();
    return ticket;
  }

  /** A page asks about its ticket: it keeps its place; once admitted, the lab it became. */
  poll(ticketId: string): Ticket | undefined {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) return undefined;
    ticket.lastPollAt = this.now();
    return ticket;
  }

  ticketFor(owner: string, lesson: string): Ticket | undefined {
    return [...this.tickets.values()].find((t) => t.owner === owner && t.lesson === lesson && !t.labId);
  }

  /** Waiting tickets in the order they will be served. */
  waiting(): Ticket[] {
    const labsOf = new Map<string, number>();
    for (const lab of this.running()) labsOf.set(lab.owner, (labsOf.get(lab.owner) ?? 0) + 1);
    return [...this.tickets.values()]
      .filter((t) => !t.labId)
      .sort(
        (a, b) =>
          (labsOf.get(a.owner) ?? 0) - (labsOf.get(b.owner) ?? 0) || a.askedAt - b.askedAt || a.seq - b.seq,
      );
  }

  /** 1 for the next ticket served; 0 once admitted or gone. */
  position(ticket: Ticket): number {
    return this.waiting().findIndex((t) => t.id === ticket.id) + 1;
  }

  /** An owner's places in the queue (the dashboard shows who waits). */
  queued(owner: string): { lesson: string; position: number }[] {
    return this.waiting()
      .map((t, i) => ({ t, position: i + 1 }))
      .filter(({ t }) => t.owner === owner)
      .map(({ t, position }) => ({ lesson: t.lesson, position }));
  }

  /** What the page shows of a waiting ticket. */
  describe(ticket: Ticket): string {
    const position = this.position(ticket);
    return `Waiting for a free lab: you are number ${position} in the queue (this machine runs ${this.opts.maxLabs} labs at once). It starts by itself when your turn comes; keep this page open.`;
  }

  /** Drops abandoned tickets and starts labs for the next ones while there is room. */
  pump(): Promise<void> {
    return this.exclusive(() => this.admit());
  }

  private async admit(): Promise<void> {
    const now = this.now();
    for (const t of [...this.tickets.values()])
      if (now - t.lastPollAt > this.ttlMs) this.tickets.delete(t.id);
    while (this.running().length < this.opts.maxLabs) {
      const next = this.waiting()[0];
      if (!next) return;
      try {
        const lab = await this.opts.labs.start(next.owner, next.lesson);
        next.labId = lab.labId;
        next.lastPollAt = this.now();
        (this.opts.log ?? silentLogger).info(
          { owner: next.owner, lab: lab.labId },
          'lab admitted from the queue',
        );
      } catch (err) {
        // Not a reason to stall everyone behind it (the lesson is gone, the engine refused): drop it.
        this.tickets.delete(next.id);
        (this.opts.log ?? silentLogger).warn(
          { owner: next.owner, err: String(err) },
          'queued lab could not start',
        );
      }
    }
  }
}
