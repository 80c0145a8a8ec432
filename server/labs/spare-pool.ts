// Spare labs: labs of a lesson made ahead, so a student's Start takes a ready one in well under a
// second instead of waiting for three hosts to boot and the lesson's setup to run. The pool refills in
// the background, one lab at a time (a start is CPU-heavy on small machines), never hands out a lab
// whose creation failed (LabService claims only ready ones), and gives way to students: spares count
// against the lab limit and are the first removed when a student needs room.
import { errorMessage, MaillabError } from '../errors.ts';
import type { LessonCatalog } from '../lessons/catalog.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { LabService } from './lab-service.ts';

/**
 * MAILLAB_SPARE_LABS: "" (the default, for one person) keeps one spare of the lesson last started and
 * one of the lesson after it; "0" none; "06=3,07=2" that many of those lessons (before a class);
 * "*=1" one of every lesson.
 */
export type SpareSetting = { mode: 'personal' } | { mode: 'fixed'; counts: Map<string, number> };

export function parseSpareSetting(text: string): SpareSetting {
  const value = text.trim();
  if (value === '') return { mode: 'personal' };
  if (value === '0') return { mode: 'fixed', counts: new Map() };
  const counts = new Map<string, number>();
  for (const part of value.split(',')) {
    const match = /^\s*(\*|\d{2}(?:-[a-z0-9-]+)?)\s*=\s*(\d{1,3})\s*$/.exec(part);
    if (!match)
      throw new MaillabError(
        'bad_request',
        `MAILLAB_SPARE_LABS must be empty (one spare of the lesson in use), 0, or lesson=count pairs such as "06=3,07=2" or "*=1", not "${text}"`,
      );
    counts.set(match[1] as string, Number(match[2]));
  }
  return { mode: 'fixed', counts };
}

/** How long a lesson whose spare failed to start waits before the pool tries it again. */
const FAILURE_BACKOFF_MS = 60_000;

export class SparePool {
  private filling: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private recent: string[] = [];
  private readonly failedAt = new Map<string, number>();
  private allowed: ((lessonId: string) => boolean) | undefined;

  constructor(
    private readonly labs: LabService,
    private readonly lessons: LessonCatalog,
    private setting: SpareSetting,
    private readonly maxLabs: number,
    private readonly log: Logger = silentLogger,
  ) {}

  /**
   * Which lessons may have spares at all: a classroom server keeps them only for lessons of its classes
   * (a workshop found spares, and prepared images, made for a lesson that no class had).
   */
  setLessonFilter(allowed: ((lessonId: string) => boolean) | undefined): void {
    this.allowed = allowed;
  }

  /** How many spares of each lesson the pool keeps now (lesson folder ids). */
  targets(): Map<string, number> {
    const out = this.unfilteredTargets();
    const allowed = this.allowed;
    if (allowed) for (const id of [...out.keys()]) if (!allowed(id)) out.delete(id);
    return out;
  }

  private unfilteredTargets(): Map<string, number> {
    const out = new Map<string, number>();
    const poolable = this.lessons.list().filter((l) => !l.faults.length);
    if (this.setting.mode === 'personal') {
      for (const id of this.recent) if (poolable.some((l) => l.id === id)) out.set(id, 1);
      return out;
    }
    for (const [name, count] of this.setting.counts) {
      if (name === '*') {
        for (const l of poolable) if (!out.has(l.id)) out.set(l.id, count);
        continue;
      }
      const lesson = this.lessons.get(name);
      if (!lesson.faults.length) out.set(lesson.id, count);
    }
    return out;
  }

  /** Replaces the setting (an instructor raising the pool before a class); kick() or fillNow() fills. */
  setTargets(setting: SpareSetting): void {
    this.setting = setting;
  }

  /** A student started a lesson: for one person, the next spares are that lesson's and the next one's. */
  noteStart(lessonId: string): void {
    const all = this.lessons.list();
    const index = all.findIndex((l) => l.id === lessonId);
    const next = index >= 0 ? all[index + 1] : undefined;
    this.recent = [lessonId, ...(next ? [next.id] : [])];
    this.kick();
  }

  /** Fills the pool in the background; a call while filling makes it look again when done. */
  kick(): void {
    if (this.stopped) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = this.fill()
      .catch((err) => this.log.warn({ err: errorMessage(err) }, 'spare pool fill failed'))
      .finally(() => {
        this.filling = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when the pool holds its targets (or can hold no more); for `maillab spares fill`. */
  async fillNow(onProgress: (line: string) => void = () => {}): Promise<void> {
    await this.filling;
    await this.fill(onProgress);
  }

  private async fill(onProgress: (line: string) => void = () => {}): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const lesson = await this.nextToMake();
      if (!lesson) return;
      onProgress(`Preparing a spare lab of lesson ${lesson}…`);
      const spare = this.labs.startSpare(lesson);
      try {
        await spare.ready;
        this.log.info({ lab: spare.labId, lesson }, 'spare lab ready');
        onProgress(`  spare ${spare.labId} of ${lesson} is ready`);
      } catch (err) {
        // A spare that failed is never handed out: it goes, and its lesson waits a while.
        this.failedAt.set(lesson, Date.now());
        this.log.warn({ lab: spare.labId, lesson, err: errorMessage(err) }, 'spare lab failed; removed');
        onProgress(`  a spare of ${lesson} failed to start: ${errorMessage(err)}`);
        await this.labs.finish(spare.labId).catch(() => {});
      }
    }
  }

  /** The lesson most short of its target, if the lab limit leaves room and it did not just fail. */
  private async nextToMake(): Promise<string | undefined> {
    const spares = (await this.labs.spares()).filter((l) => l.status !== 'failed');
    const running = this.labs.list().filter((l) => l.status !== 'failed').length;
    if (running >= this.maxLabs) return undefined;
    let best: { lesson: string; missing: number } | undefined;
    for (const [lesson, target] of this.targets()) {
      const failed = this.failedAt.get(lesson);
      if (failed && Date.now() - failed < FAILURE_BACKOFF_MS) continue;
      const missing = target - spares.filter((l) => l.lesson === lesson).length;
      if (missing > 0 && (!best || missing > best.missing)) best = { lesson, missing };
    }
    return best?.lesson;
  }

  /** Removes spares beyond the targets (or all, on stop); returns how many went. */
  async trim(all = false): Promise<number> {
    const targets = all ? new Map<string, number>() : this.targets();
    let removed = 0;
    const byLesson = new Map<string, number>();
    for (const spare of await this.labs.spares()) {
      const kept = byLesson.get(spare.lesson) ?? 0;
      if (kept < (targets.get(spare.lesson) ?? 0) && spare.status !== 'failed') {
        byLesson.set(spare.lesson, kept + 1);
        continue;
      }
      await this.labs.finish(spare.labId).catch(() => {});
      removed++;
    }
    return removed;
  }

  /** Stops refilling and removes every spare, so none runs on unnoticed after the server stops. */
  async stop(): Promise<number> {
    this.stopped = true;
    await this.filling;
    return this.trim(true);
  }
}
