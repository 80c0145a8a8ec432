// What every learner did, kept after their labs are gone: each lab's life, every check attempt with
// its per-criterion verdicts and time, and each worked solution revealed. An attempt and its criteria
// are written in one transaction, so a crash mid-write leaves no attempt at all, never a torn pass.
import type { CriterionResult, ExerciseResult } from '../shared/check-result.ts';
import type { Db } from './database.ts';

export interface AttemptRecord {
  id: number;
  labId: string;
  owner: string;
  lesson: string;
  exercise: string;
  at: string;
  ms: number;
  score: number;
  passed: boolean;
  criteria: CriterionResult[];
}

export interface NewAttempt {
  labId: string;
  owner: string;
  lesson: string;
  result: ExerciseResult;
  at: string;
  /** How long the check took, in milliseconds. */
  ms: number;
}

/** One owner's record on one exercise, as the grid and the exports need it. */
export interface ExerciseProgress {
  owner: string;
  lesson: string;
  exercise: string;
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** The attempt with the highest score (the latest of equals). */
  best: AttemptRecord;
  latest: AttemptRecord;
  firstPassAt?: string;
}

interface AttemptRow {
  id: number;
  lab_id: string;
  owner: string;
  lesson: string;
  exercise: string;
  at: string;
  ms: number;
  score: number;
  passed: number;
  criteria_count: number;
}

interface CriterionRow {
  attempt_id: number;
  criterion: string;
  title: string;
  pass: number;
  weight: number;
  message: string;
  hint: string | null;
}

export class ProgressStore {
  constructor(private readonly db: Db) {}

  labStarted(labId: string, owner: string, lesson: string, at: string): void {
    // A reset recreates a lab under the same id: it lives again, but keeps when it was first ready
    // (time to pass counts from there).
    this.db
      .prepare(
        `INSERT INTO labs (id, owner, lesson, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET ended_at = NULL, end_reason = NULL`,
      )
      .run(labId, owner, lesson, at);
  }

  labReady(labId: string, at: string): void {
    this.db.prepare('UPDATE labs SET ready_at = ? WHERE id = ? AND ready_at IS NULL').run(at, labId);
  }

  /** A spare lab became a student's: theirs from now, started and ready at the claim. */
  labClaimed(labId: string, owner: string, at: string): void {
    this.db
      .prepare('UPDATE labs SET owner = ?, started_at = ?, ready_at = ? WHERE id = ?')
      .run(owner, at, at, labId);
  }

  labEnded(labId: string, at: string, reason: string): void {
    this.db
      .prepare('UPDATE labs SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL')
      .run(at, reason, labId);
  }

  /** When the owner's first lab for the lesson was ready: where "time to pass" is counted from. */
  firstReady(owner: string, lesson: string): string | undefined {
    const row = this.db
      .prepare('SELECT MIN(ready_at) AS at FROM labs WHERE owner = ? AND lesson = ?')
      .get(owner, lesson) as { at: string | null };
    return row.at ?? undefined;
  }

  /** Records one check attempt and its criteria, all or nothing; `passed` is derived from the rows. */
  recordAttempt(attempt: NewAttempt): number {
    const { result } = attempt;
    const write = this.db.transaction(() => {
      const passed = result.criteria.length > 0 && result.criteria.every((c) => c.pass === true);
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO attempts (lab_id, owner, lesson, exercise, at, ms, score, passed, criteria_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          attempt.labId,
          attempt.owner,
          attempt.lesson,
          result.id,
          attempt.at,
          Math.round(attempt.ms),
          result.score,
          passed ? 1 : 0,
          result.criteria.length,
        );
      const insert = this.db.prepare(
        `INSERT INTO attempt_criteria (attempt_id, position, criterion, title, pass, weight, message, hint)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      result.criteria.forEach((c, i) => {
        insert.run(lastInsertRowid, i, c.id, c.title, c.pass ? 1 : 0, c.weight, c.message, c.hint ?? null);
      });
      return Number(lastInsertRowid);
    });
    return write.immediate();
  }

  /** Records the first time an owner revealed an exercise's worked solution; later reveals change nothing. */
  recordReveal(owner: string, lesson: string, exercise: string, labId: string, at: string): void {
    this.db
      .prepare(
        'INSERT INTO reveals (owner, lesson, exercise, lab_id, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      )
      .run(owner, lesson, exercise, labId, at);
  }

  /** When each exercise of a lesson was first revealed by the owner. */
  reveals(owner: string, lesson: string): Record<string, string> {
    const rows = this.db
      .prepare('SELECT exercise, at FROM reveals WHERE owner = ? AND lesson = ?')
      .all(owner, lesson) as { exercise: string; at: string }[];
    return Object.fromEntries(rows.map((r) => [r.exercise, r.at]));
  }

  attempt(id: number): AttemptRecord | undefined {
    const row = this.db.prepare('SELECT * FROM attempts WHERE id = ?').get(id) as AttemptRow | undefined;
    return row ? this.withCriteria([row])[0] : undefined;
  }

  /** Every attempt of these owners (all when omitted), oldest first. */
  attempts(owners?: string[]): AttemptRecord[] {
    const rows = owners
      ? (this.db
          .prepare(`SELECT * FROM attempts WHERE owner IN (SELECT value FROM json_each(?)) ORDER BY at, id`)
          .all(JSON.stringify(owners)) as AttemptRow[])
      : (this.db.prepare('SELECT * FROM attempts ORDER BY at, id').all() as AttemptRow[]);
    return this.withCriteria(rows);
  }

  /** Per owner and exercise: attempts, first and last, the best and the latest, the first pass. */
  progress(owners: string[]): ExerciseProgress[] {
    const byKey = new Map<string, ExerciseProgress>();
    for (const a of this.attempts(owners)) {
      const key = `${a.owner}\0${a.lesson}\0${a.exercise}`;
      const seen = byKey.get(key);
      if (!seen) {
        byKey.set(key, {
          owner: a.owner,
          lesson: a.lesson,
          exercise: a.exercise,
          attempts: 1,
          firstAt: a.at,
          lastAt: a.at,
          best: a,
          latest: a,
          ...(a.passed ? { firstPassAt: a.at } : {}),
        });
        continue;
      }
      seen.attempts++;
      seen.lastAt = a.at;
      seen.latest = a;
      if (a.score >= seen.best.score) seen.best = a;
      if (a.passed && !seen.firstPassAt) seen.firstPassAt = a.at;
    }
    return [...byKey.values()];
  }

  /** Every reveal of these owners. */
  allReveals(owners: string[]): { owner: string; lesson: string; exercise: string; at: string }[] {
    return this.db
      .prepare(
        'SELECT owner, lesson, exercise, at FROM reveals WHERE owner IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(owners)) as { owner: string; lesson: string; exercise: string; at: string }[];
  }

  /** The first ready time of every lab of these owners, per owner and lesson. */
  firstReadyTimes(owners: string[]): { owner: string; lesson: string; at: string }[] {
    return this.db
      .prepare(
        `SELECT owner, lesson, MIN(ready_at) AS at FROM labs
         WHERE ready_at IS NOT NULL AND owner IN (SELECT value FROM json_each(?)) GROUP BY owner, lesson`,
      )
      .all(JSON.stringify(owners)) as { owner: string; lesson: string; at: string }[];
  }

  private withCriteria(rows: AttemptRow[]): AttemptRecord[] {
    if (!rows.length) return [];
    const criteria = this.db
      .prepare(
        `SELECT * FROM attempt_criteria WHERE attempt_id IN (SELECT value FROM json_each(?)) ORDER BY attempt_id, position`,
      )
      .all(JSON.stringify(rows.map((r) => r.id))) as CriterionRow[];
    const byAttempt = new Map<number, CriterionResult[]>();
    for (const c of criteria) {
      const list = byAttempt.get(c.attempt_id) ?? [];
      list.push({
        id: c.criterion,
        title: c.title,
        pass: c.pass === 1,
        weight: c.weight,
        message: c.message,
        ...(c.hint !== null ? { hint: c.hint } : {}),
      });
      byAttempt.set(c.attempt_id, list);
    }
    return rows.map((r) => {
      const list = byAttempt.get(r.id) ?? [];
      return {
        id: r.id,
        labId: r.lab_id,
        owner: r.owner,
        lesson: r.lesson,
        exercise: r.exercise,
        at: r.at,
        ms: r.ms,
        score: r.score,
        // Trust the rows, not the flag alone: a pass needs every criterion it was written with.
        passed: r.passed === 1 && list.length === r.criteria_count && list.every((c) => c.pass),
        criteria: list,
      };
    });
  }
}
