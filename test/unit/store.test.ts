// The SQLite store: migrations from the first version on, attempts written all or nothing, and the
// lab service recording every check attempt and reveal into it.
import { chmodSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { type ProgressEvent, ProgressRecorder } from '../../server/labs/progress-recorder.ts';
import type { ExerciseResult } from '../../server/shared/check-result.ts';
import { ClassStore } from '../../server/store/class-store.ts';
import { migrate, openDatabase } from '../../server/store/database.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { MIGRATIONS } from '../../server/store/migrations.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

const tempDir = () => mkdtemp(path.join(tmpdir(), 'maillab-store-'));

const result = (passes: boolean[], id = 'listen'): ExerciseResult => ({
  id,
  title: 'Make postfix listen',
  score: (100 * passes.filter(Boolean).length) / passes.length,
  criteria: passes.map((pass, i) => ({
    id: `c${i}`,
    title: `criterion ${i}`,
    pass,
    weight: 1,
    message: pass ? 'seen' : 'not seen',
    ...(pass ? {} : { hint: 'look again' }),
  })),
});

describe('the database', () => {
  it('is readable by its owner only, with its -wal and -shm files, even made before under a loose umask', async () => {
    const dir = await tempDir();
    const old = process.umask(0o022);
    try {
      const db = openDatabase(dir);
      new ClassStore(db).create('Tuesday', ['06']);
      const modes = ['maillab.db', 'maillab.db-wal', 'maillab.db-shm'].map(
        (name) => statSync(path.join(dir, name)).mode & 0o777,
      );
      expect(modes).toEqual([0o600, 0o600, 0o600]);
      db.close();
      // A database an older maillab made at 0644 is narrowed when opened.
      chmodSync(path.join(dir, 'maillab.db'), 0o644);
      openDatabase(dir).close();
      expect(statSync(path.join(dir, 'maillab.db')).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('migrates a new data directory to the latest version and reopens it without migrating again', async () => {
    const dir = await tempDir();
    const db = openDatabase(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    new ClassStore(db).create('Tuesday', ['06-null-client']);
    db.close();
    const again = openDatabase(dir);
    expect(new ClassStore(again).list().map((c) => c.name)).toEqual(['Tuesday']);
    again.close();
  });

  it('brings an older database up step by step, keeping its data', async () => {
    const dir = await tempDir();
    const old = openDatabase(dir, MIGRATIONS);
    new ClassStore(old).create('Monday', ['01-mail-roles']);
    old.close();
    const next = [...MIGRATIONS, 'ALTER TABLE classes ADD COLUMN room TEXT;'];
    const db = openDatabase(dir, next);
    expect(db.pragma('user_version', { simple: true })).toBe(next.length);
    expect(db.prepare('SELECT name, room FROM classes').all()).toEqual([{ name: 'Monday', room: null }]);
    db.close();
  });

  it('leaves the version where it was when a step fails, and applies nothing of it', () => {
    const db = openDatabase(':memory:');
    const broken = [...MIGRATIONS, 'CREATE TABLE half (x TEXT); THIS IS NOT SQL;'];
    expect(() => migrate(db, broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
  });

  it('refuses a database written by a newer maillab, saying what to do', () => {
    const db = openDatabase(':memory:');
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer than this maillab knows.*MAILLAB_DATA_DIR/);
  });
});

describe('check attempts', () => {
  it('keeps every attempt with its criteria, in order, and derives the pass from them', () => {
    const store = new ProgressStore(openDatabase(':memory:'));
    const first = store.recordAttempt({
      labId: 'l1',
      owner: 'ann',
      lesson: '06',
      result: result([true, false]),
      at: '2026-01-01T10:00:00.000Z',
      ms: 1500,
    });
    store.recordAttempt({
      labId: 'l1',
      owner: 'ann',
      lesson: '06',
      result: result([true, true]),
      at: '2026-01-01T10:05:00.000Z',
      ms: 900,
    });
    const saved = store.attempt(first);
    expect(saved).toMatchObject({ owner: 'ann', exercise: 'listen', passed: false, ms: 1500, score: 50 });
    expect(saved?.criteria).toEqual(result([true, false]).criteria);
    const [progress] = store.progress(['ann']);
    expect(progress).toMatchObject({
      attempts: 2,
      firstAt: '2026-01-01T10:00:00.000Z',
      lastAt: '2026-01-01T10:05:00.000Z',
      firstPassAt: '2026-01-01T10:05:00.000Z',
    });
    expect(progress?.best.passed).toBe(true);
  });

  it('records nothing of an attempt whose write fails half-way, so it never counts as a pass', () => {
    const store = new ProgressStore(openDatabase(':memory:'));
    const torn = result([true, true]);
    // The second criterion cannot be written (NOT NULL): the first row and the attempt must go too.
    (torn.criteria[1] as { title: unknown }).title = null;
    expect(() =>
      store.recordAttempt({ labId: 'l1', owner: 'ann', lesson: '06', result: torn, at: 'x', ms: 1 }),
    ).toThrow();
    expect(store.attempts()).toEqual([]);
    expect(store.progress(['ann'])).toEqual([]);
  });

  it('never reads an attempt as passed when criteria rows are missing', () => {
    const db = openDatabase(':memory:');
    const store = new ProgressStore(db);
    const id = store.recordAttempt({
      labId: 'l1',
      owner: 'ann',
      lesson: '06',
      result: result([true, true]),
      at: 'x',
      ms: 1,
    });
    db.prepare('DELETE FROM attempt_criteria WHERE attempt_id = ? AND position = 1').run(id);
    expect(store.attempt(id)?.passed).toBe(false);
  });

  it('keeps the first reveal of an exercise', () => {
    const store = new ProgressStore(openDatabase(':memory:'));
    store.recordReveal('ann', '06', 'listen', 'l1', '2026-01-01T10:00:00.000Z');
    store.recordReveal('ann', '06', 'listen', 'l2', '2026-01-02T10:00:00.000Z');
    expect(store.reveals('ann', '06')).toEqual({ listen: '2026-01-01T10:00:00.000Z' });
  });
});

describe('the lab service keeps the record', () => {
  it('records each Check as an attempt, each reveal, and the lab from start to finish, telling listeners after', async () => {
    const runtime = new FakeRuntime();
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:checks/probe.sh'
        ? {
            stdout:
              '::maillab::\tpass\tlistening\tport 25 answers\t\n::maillab::\tfail\tdelivered\tno nonce\tsend it\n',
          }
        : undefined;
    const db = openDatabase(':memory:');
    const progress = new ProgressStore(db);
    const recorder = new ProgressRecorder(progress);
    const events: ProgressEvent[] = [];
    recorder.subscribe((e) => events.push(e));
    const grader = new GraderStore(runtime);
    const labs = new LabService({
      runtime,
      store: grader,
      lessons: await fixtureCatalog(['06-null-client']),
      checker: new Checker(runtime, grader),
      image: async () => 'x',
      recorder,
    });
    const lab = await labs.start('ann', '06');
    await lab.ready;
    await labs.check(lab.labId, 'listen');
    await labs.check(lab.labId, 'listen');
    await labs.reveal(lab.labId, 'listen');
    await labs.finish(lab.labId);

    const attempts = progress.attempts(['ann']);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.criteria.map((c) => [c.id, c.pass])).toEqual([
      ['listening', true],
      ['delivered', false],
    ]);
    expect(progress.reveals('ann', '06-null-client')).toHaveProperty('listen');
    const row = db.prepare('SELECT ready_at, ended_at, end_reason FROM labs WHERE id = ?').get(lab.labId) as {
      ready_at: string;
      end_reason: string;
    };
    expect(row.ready_at).toBeTruthy();
    expect(row.end_reason).toBe('finished');
    expect(events.map((e) => e.kind)).toEqual(['lab', 'lab', 'attempt', 'attempt', 'reveal', 'lab']);
    // An event is sent only after its row is in the store.
    const firstAttempt = events.find((e) => e.kind === 'attempt');
    expect(firstAttempt?.kind === 'attempt' && progress.attempt(firstAttempt.attemptId)).toBeTruthy();
  });
});
