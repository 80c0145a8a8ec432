// Writes what LabService reports into the progress store, and tells listeners (the instructor
// dashboard's live stream) once it is written, so a page never shows what the store does not hold.
// A write can fail (the data directory's disk full, or read-only): then nobody is told of it, the
// failure is logged, and the lab goes on; an attempt says it was not recorded (lab-service.ts).
import { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { ExerciseResult } from '../shared/check-result.ts';
import type { ProgressStore } from '../store/progress-store.ts';
import type { LabRecorder } from './lab-service.ts';

export type ProgressEvent =
  | { kind: 'attempt'; owner: string; lesson: string; exercise: string; attemptId: number; passed: boolean }
  | { kind: 'reveal'; owner: string; lesson: string; exercise: string }
  | { kind: 'lab'; owner: string; lesson: string; labId: string; state: 'started' | 'ready' | 'ended' };

export class ProgressRecorder implements LabRecorder {
  private readonly events = new EventEmitter();
  /** Owner and lesson of the labs this process has seen, for the events of labs that end. */
  private readonly known = new Map<string, { owner: string; lesson: string }>();

  constructor(
    private readonly store: ProgressStore,
    private readonly now: () => Date = () => new Date(),
    private readonly log: Logger = silentLogger,
  ) {
    // One listener per open dashboard; a class of 30 with a few instructor tabs stays far below this.
    this.events.setMaxListeners(1000);
  }

  /** Calls `listener` after each recorded event; returns the function that stops it. */
  subscribe(listener: (event: ProgressEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private emit(event: ProgressEvent): void {
    this.events.emit('event', event);
  }

  /** Runs one store write; false (logged) when the store refused it, e.g. SQLITE_FULL or SQLITE_READONLY. */
  private write(what: string, labId: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (err) {
      this.log.error({ lab: labId, err: errorMessage(err) }, `could not record ${what}`);
      return false;
    }
  }

  labStarted(lab: { labId: string; owner: string; lesson: string }): void {
    this.known.set(lab.labId, { owner: lab.owner, lesson: lab.lesson });
    if (
      !this.write('lab start', lab.labId, () =>
        this.store.labStarted(lab.labId, lab.owner, lab.lesson, this.now().toISOString()),
      )
    )
      return;
    this.emit({ kind: 'lab', owner: lab.owner, lesson: lab.lesson, labId: lab.labId, state: 'started' });
  }

  labReady(lab: { labId: string; owner: string; lesson: string }): void {
    this.known.set(lab.labId, { owner: lab.owner, lesson: lab.lesson });
    if (!this.write('lab ready', lab.labId, () => this.store.labReady(lab.labId, this.now().toISOString())))
      return;
    this.emit({ kind: 'lab', owner: lab.owner, lesson: lab.lesson, labId: lab.labId, state: 'ready' });
  }

  labClaimed(lab: { labId: string; owner: string; lesson: string }): void {
    this.known.set(lab.labId, { owner: lab.owner, lesson: lab.lesson });
    if (
      !this.write('lab claim', lab.labId, () =>
        this.store.labClaimed(lab.labId, lab.owner, this.now().toISOString()),
      )
    )
      return;
    this.emit({ kind: 'lab', owner: lab.owner, lesson: lab.lesson, labId: lab.labId, state: 'ready' });
  }

  labEnded(labId: string, reason: 'finished' | 'reset' | 'expired'): void {
    const written = this.write('lab end', labId, () =>
      this.store.labEnded(labId, this.now().toISOString(), reason),
    );
    const lab = this.known.get(labId);
    if (reason !== 'reset') this.known.delete(labId);
    if (lab && written) this.emit({ kind: 'lab', ...lab, labId, state: 'ended' });
  }

  attempt(
    lab: { labId: string; owner: string; lesson: string },
    result: ExerciseResult,
    ms: number,
  ): boolean {
    let attemptId = 0;
    const written = this.write('attempt', lab.labId, () => {
      attemptId = this.store.recordAttempt({
        labId: lab.labId,
        owner: lab.owner,
        lesson: lab.lesson,
        result,
        at: this.now().toISOString(),
        ms,
      });
    });
    if (!written) return false;
    const passed = result.criteria.length > 0 && result.criteria.every((c) => c.pass);
    this.emit({
      kind: 'attempt',
      owner: lab.owner,
      lesson: lab.lesson,
      exercise: result.id,
      attemptId,
      passed,
    });
    return true;
  }

  reveal(lab: { labId: string; owner: string; lesson: string }, exerciseId: string, at: string): void {
    if (
      !this.write('reveal', lab.labId, () =>
        this.store.recordReveal(lab.owner, lab.lesson, exerciseId, lab.labId, at),
      )
    )
      return;
    this.emit({ kind: 'reveal', owner: lab.owner, lesson: lab.lesson, exercise: exerciseId });
  }
}
