// Classrooms reclaim idle labs: a lab nobody has typed into or checked for `idleMs` is finished (its
// recorded attempts and reveals stay in the store), after `warnMs` during which the student's page
// says when and offers to keep it. An instructor can extend a lab. After a restart every lab gets a
// full idle period from the moment this process first sees it.
import type { LabService } from './lab-service.ts';

export interface IdleExpiryOptions {
  labs: LabService;
  idleMs: number;
  /** How long before expiry the student is warned. */
  warnMs: number;
  /** What an instructor's extend adds, from now or from the current deadline if later. */
  extendMs: number;
  now?: () => number;
}

export class IdleExpiry {
  private readonly deadlines = new Map<string, number>();

  constructor(private readonly opts: IdleExpiryOptions) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private deadline(labId: string): number {
    let at = this.deadlines.get(labId);
    if (at === undefined) {
      at = this.now() + this.opts.idleMs;
      this.deadlines.set(labId, at);
    }
    return at;
  }

  /** The student did something with the lab: it lives at least `idleMs` from now. */
  touch(labId: string): void {
    this.deadlines.set(labId, Math.max(this.deadline(labId), this.now() + this.opts.idleMs));
  }

  /** An instructor gives the lab `extendMs` more. */
  extend(labId: string): string {
    const at = Math.max(this.deadline(labId), this.now()) + this.opts.extendMs;
    this.deadlines.set(labId, at);
    return new Date(at).toISOString();
  }

  expiresAt(labId: string): string {
    return new Date(this.deadline(labId)).toISOString();
  }

  /** Whether the lab is inside its warning window. */
  warning(labId: string): boolean {
    return this.deadline(labId) - this.now() <= this.opts.warnMs;
  }

  /** Finishes every ready lab past its deadline; returns their ids. */
  async sweep(): Promise<string[]> {
    const expired: string[] = [];
    const live = new Set<string>();
    for (const lab of this.opts.labs.list()) {
      live.add(lab.labId);
      // A spare lab waits for a student by design; its idle time starts when one takes it.
      if (lab.owner === this.opts.labs.spareOwner) {
        this.deadlines.delete(lab.labId);
        continue;
      }
      if (lab.status === 'starting') {
        this.touch(lab.labId);
        continue;
      }
      if (this.deadline(lab.labId) > this.now()) continue;
      await this.opts.labs.finish(lab.labId, 'expired');
      this.deadlines.delete(lab.labId);
      expired.push(lab.labId);
    }
    for (const id of [...this.deadlines.keys()]) if (!live.has(id)) this.deadlines.delete(id);
    return expired;
  }
}
