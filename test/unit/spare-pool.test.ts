// Spare labs: made ahead under the reserved owner "spare", claimed whole by a student's start (one winner
// across processes), never handed out when their creation failed, giving way to students at the lab
// limit, and removed when the server stops.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { parseSpareSetting, SparePool } from '../../server/labs/spare-pool.ts';
import { type LessonCatalog, loadLessons } from '../../server/lessons/catalog.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { SpareClaims } from '../../server/store/spare-claims.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const FAULTS = `faults:
  - { id: typo, title: a typo }
  - { id: loopback, title: loopback-only }
`;

async function catalog(): Promise<LessonCatalog> {
  const root = await tempLessons();
  await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
  await writeLesson(root, '04-aliases', VALID_FRONT_MATTER);
  await writeLesson(
    root,
    '09-troubleshooting',
    VALID_FRONT_MATTER.replace('exercises:', `${FAULTS}exercises:`),
  );
  await writeLesson(
    root,
    '13-capstone',
    VALID_FRONT_MATTER.replace('exercises:', 'exam:\n  minutes: 60\nexercises:'),
  );
  return loadLessons(root);
}

interface Setup {
  runtime: FakeRuntime;
  lessons: LessonCatalog;
  stateDir: string;
}

async function setup(): Promise<Setup> {
  return {
    runtime: new FakeRuntime(),
    lessons: await catalog(),
    stateDir: await mkdtemp(path.join(tmpdir(), 'maillab-spares-')),
  };
}

/** A LabService as one process builds it; two of them on one runtime and state dir are two processes. */
function service({ runtime, lessons, stateDir }: Setup, maxLabs = 20, started: string[] = []) {
  const store = new GraderStore(runtime);
  return new LabService({
    runtime,
    store,
    lessons,
    checker: new Checker(runtime, store),
    image: async () => 'x',
    maxLabs,
    claims: new SpareClaims(stateDir),
    onLabStarted: (lesson) => started.push(lesson),
  });
}

describe('the spare lab setting', () => {
  it('reads the personal default, none, counts per lesson, and every lesson', () => {
    expect(parseSpareSetting('')).toEqual({ mode: 'personal' });
    expect(parseSpareSetting('0')).toEqual({ mode: 'fixed', counts: new Map() });
    expect(parseSpareSetting('06=3, 07=2')).toEqual({
      mode: 'fixed',
      counts: new Map([
        ['06', 3],
        ['07', 2],
      ]),
    });
    expect(parseSpareSetting('*=1')).toEqual({ mode: 'fixed', counts: new Map([['*', 1]]) });
  });

  it('refuses anything else, saying what it takes', () => {
    expect(() => parseSpareSetting('lots')).toThrow(/lesson=count pairs such as "06=3,07=2"/);
  });
});

describe('claiming a spare', () => {
  it('gives a student a ready spare at once, under their name', async () => {
    const s = await setup();
    const started: string[] = [];
    const labs = service(s, 20, started);
    const spare = labs.startSpare('03');
    await spare.ready;
    const execsBefore = s.runtime.execs.length;
    const mine = await labs.start('ann', '03');
    expect(mine.labId).toBe(spare.labId);
    expect(mine.status).toBe('ready');
    expect(mine.owner).toBe('ann');
    expect(started).toEqual(['03-receiving']);
    // No setup ran for the claim: it was done ahead.
    expect(s.runtime.execs.slice(execsBefore).filter((e) => e.argv[5]?.startsWith('maillab:'))).toEqual([]);
    expect(await labs.spares()).toEqual([]);
    // Another process sees the lab as ann's.
    expect((await service(s).find('ann', '03'))?.labId).toBe(spare.labId);
    // Without a spare, a start makes a new lab as before.
    const bob = await labs.start('bob', '03');
    expect(bob.labId).not.toBe(spare.labId);
    expect(bob.status).toBe('starting');
  });

  it('hands one spare to exactly one of two processes starting at once', async () => {
    const s = await setup();
    const maker = service(s);
    const spare = maker.startSpare('03');
    await spare.ready;
    const [a, b] = await Promise.all([service(s).start('ann', '03'), service(s).start('bob', '03')]);
    expect([a.labId, b.labId].filter((id) => id === spare.labId)).toHaveLength(1);
    expect(a.labId).not.toBe(b.labId);
  });

  it('leaves alone the spares of a maillab with another state directory on the same engine', async () => {
    const s = await setup();
    const other = { ...s, stateDir: await mkdtemp(path.join(tmpdir(), 'maillab-spares-other-')) };
    const theirs = service(other).startSpare('03');
    await theirs.ready;
    const mine = await service(s).start('ann', '03');
    expect(mine.labId).not.toBe(theirs.labId);
    expect((await service(other).spares()).map((l) => l.labId)).toEqual([theirs.labId]);
    expect(service(s).spareOwner).not.toBe(service(other).spareOwner);
  });

  it('never hands out a spare still being made or one that failed', async () => {
    const s = await setup();
    const labs = service(s);
    s.runtime.failCreate = new Error('boot failed');
    const broken = labs.startSpare('03');
    await broken.ready.catch(() => {});
    s.runtime.failCreate = undefined;
    const mine = await labs.start('ann', '03');
    expect(mine.labId).not.toBe(broken.labId);
  });

  it('starts an exam spare’s clock when a student takes it, not when it was made', async () => {
    const s = await setup();
    const labs = service(s);
    const spare = labs.startSpare('13');
    await spare.ready;
    expect(await new GraderStore(s.runtime).exam(spare.labId)).toBeUndefined();
    const mine = await labs.start('ann', '13');
    expect(mine.labId).toBe(spare.labId);
    const exam = await new GraderStore(s.runtime).exam(mine.labId);
    expect(Date.parse(exam?.deadline ?? '') - Date.now()).toBeGreaterThan(59 * 60_000);
  });

  it('makes none for a break-fix lesson, whose fault is drawn per lab', async () => {
    const s = await setup();
    expect(() => service(s).startSpare('09')).toThrow(/draws a fault per lab/);
    const pool = new SparePool(service(s), s.lessons, parseSpareSetting('*=1'), 20);
    expect([...pool.targets().keys()]).toEqual(['03-receiving', '04-aliases', '13-capstone']);
  });
});

describe('the spare pool', () => {
  it('keeps, for one person, a spare of the lesson in use and of the next one', async () => {
    const s = await setup();
    const labs = service(s);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting(''), 20);
    expect(pool.targets().size).toBe(0);
    pool.noteStart('03-receiving');
    await pool.fillNow();
    expect((await labs.spares()).map((l) => [l.lesson, l.status])).toEqual([
      ['03-receiving', 'ready'],
      ['04-aliases', 'ready'],
    ]);
  });

  it('in a classroom, makes spares only of lessons that a class has, not of the lesson after', async () => {
    const s = await setup();
    const labs = service(s);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting(''), 20);
    pool.setLessonFilter((id) => id === '03-receiving');
    pool.noteStart('03-receiving');
    await pool.fillNow();
    expect((await labs.spares()).map((l) => l.lesson)).toEqual(['03-receiving']);
    const every = new SparePool(labs, s.lessons, parseSpareSetting('*=1'), 20);
    every.setLessonFilter((id) => id === '13-capstone');
    expect([...every.targets().keys()]).toEqual(['13-capstone']);
  });

  it('fills to the counts an instructor sets, and stops at the lab limit', async () => {
    const s = await setup();
    const labs = service(s, 3);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting('03=5'), 3);
    await pool.fillNow();
    expect((await labs.spares()).length).toBe(3);
  });

  it('gives way to a student at the lab limit: a spare of another lesson is removed to make room', async () => {
    const s = await setup();
    const labs = service(s, 2);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting('04=2'), 2);
    await pool.fillNow();
    const mine = await labs.start('ann', '03');
    expect(mine.owner).toBe('ann');
    expect((await labs.spares()).length).toBe(1);
  });

  it('removes a spare that failed, and does not hand it out', async () => {
    const s = await setup();
    const labs = service(s);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting('03=1'), 20);
    s.runtime.failCreate = new Error('boot failed');
    await pool.fillNow();
    expect(await labs.spares()).toEqual([]);
    expect(s.runtime.labs.size).toBe(0);
  });

  it('removes every spare when it stops, so none runs on unnoticed', async () => {
    const s = await setup();
    const labs = service(s);
    const pool = new SparePool(labs, s.lessons, parseSpareSetting('03=2'), 20);
    await pool.fillNow();
    const mine = await labs.start('ann', '03');
    expect(await pool.stop()).toBe(1);
    expect([...s.runtime.labs.values()].map((l) => l.labId)).toEqual([mine.labId]);
    expect(labs.list(labs.spareOwner)).toEqual([]);
  });
});
