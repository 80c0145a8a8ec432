// Classroom mode through the HTTP API, in-process on a fake runtime: joining, who may call what, a
// student's way back on a new device, and grades exported exactly from a known history.
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { Classroom } from '../../server/classroom/classroom.ts';
import { gradesCsv } from '../../server/classroom/grades.ts';
import { createApp } from '../../server/http/app.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { ProgressRecorder } from '../../server/labs/progress-recorder.ts';
import type { ClassRecord } from '../../server/store/class-store.ts';
import { ClassStore } from '../../server/store/class-store.ts';
import { openDatabase } from '../../server/store/database.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

/** The grader's verdicts the next check reads: listening, delivered. */
let verdicts: [boolean, boolean] = [false, false];
let clock = Date.parse('2026-03-02T09:00:00.000Z');
const now = () => new Date(clock);
const advance = (seconds: number) => {
  clock += seconds * 1000;
};

let base: string;
let close: () => Promise<void>;
let labs: LabService;
let classroom: Classroom;
let session: SessionGate;
let runtime: FakeRuntime;
let tuesday: ClassRecord;
let other: ClassRecord;

beforeEach(async () => {
  verdicts = [false, false];
  clock = Date.parse('2026-03-02T09:00:00.000Z');
  runtime = new FakeRuntime();
  runtime.reply = (_host, argv) =>
    argv[5] === 'maillab:checks/probe.sh'
      ? {
          stdout: `::maillab::\t${verdicts[0] ? 'pass' : 'fail'}\tlistening\tport 25\trestart\n::maillab::\t${verdicts[1] ? 'pass' : 'fail'}\tdelivered\tthe nonce\tsend it\n`,
        }
      : undefined;
  const lessons = await fixtureCatalog(['01-roles', '06-null-client', '07-auth']);
  const db = openDatabase(':memory:');
  const progress = new ProgressStore(db);
  const grader = new GraderStore(runtime);
  const recorder = new ProgressRecorder(progress, now);
  labs = new LabService({
    runtime,
    store: grader,
    lessons,
    checker: new Checker(runtime, grader),
    image: async () => 'x',
    recorder,
    maxLabs: 10,
  });
  classroom = new Classroom({ classes: new ClassStore(db), progress, lessons, labs, now });
  tuesday = classroom.create('Tuesday', ['06', '01']);
  other = classroom.create('Wednesday', ['07']);
  session = SessionGate.ephemeral();
  const app = createApp({
    session,
    lessons,
    labs,
    checker: new Checker(runtime, grader),
    classroom: { classroom, recorder },
    status: {
      engine: async () => ({ ok: true }),
      image: () => ({ flavor: 'offline', tag: 't', description: 'd' }),
      disk: async () => ({ capped: false, line: 'disk: NOT capped (overlay2 on extfs)' }),
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  await close();
});

async function call(cookie: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  // CSV and other text stay text.
  const parsed = (() => {
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return text;
    }
  })();
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the JSON shape it expects.
  return { status: res.status, body: parsed as any, headers: res.headers };
}

const cookieFrom = (res: { headers: Headers }) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

async function join(name: string, code = tuesday.joinCode, studentNumber?: string) {
  const res = await call('', 'POST', '/api/join', {
    code,
    name,
    ...(studentNumber ? { studentNumber } : {}),
  });
  expect(res.status).toBe(201);
  return { cookie: cookieFrom(res), id: res.body.student.id as string, link: res.body.link as string };
}

const instructorOf = (klass: ClassRecord) =>
  `${SESSION_COOKIE}=${session.newSessionCookie('instructor', klass.id)}`;

async function readyLab(cookie: string, lesson = '06') {
  const started = await call(cookie, 'POST', `/api/lessons/${lesson}/lab`);
  expect(started.status).toBeLessThan(300);
  await labs.readyLab(started.body.labId);
  return started.body.labId as string;
}

describe('joining a class', () => {
  it('draws join codes too long to guess, since a right code is never throttled, and takes them grouped', async () => {
    expect(tuesday.joinCode).toMatch(/^[A-HJKMNP-Z2-9]{10}$/);
    const grouped = `${tuesday.joinCode.slice(0, 5)}-${tuesday.joinCode.slice(5)}`.toLowerCase();
    expect((await call('', 'POST', '/api/join', { code: grouped, name: 'Ann' })).status).toBeLessThan(300);
  });

  it('gives a student a session, their own link back, and only their class’s lessons', async () => {
    const ann = await join('Ann', tuesday.joinCode.toLowerCase(), 'S-101');
    expect(ann.cookie).toMatch(/^maillab_session=v2\.student\./);
    const me = await call(ann.cookie, 'GET', '/api/me');
    expect(me.body).toMatchObject({ role: 'student', class: { id: tuesday.id, name: 'Tuesday' } });
    const listed = await call(ann.cookie, 'GET', '/api/lessons');
    expect(listed.body.map((l: { id: string }) => l.id)).toEqual(['01-roles', '06-null-client']);
    expect((await call(ann.cookie, 'GET', '/api/lessons/07')).status).toBe(403);
    expect((await call(ann.cookie, 'POST', '/api/lessons/07/lab')).status).toBe(403);
    expect(runtime.labs.size).toBe(0);
  });

  it('refuses a bad join code, and answers 429 to whoever keeps guessing wrong', async () => {
    const bad = await call('', 'POST', '/api/join', { code: 'ZZZZZZ', name: 'Mallory' });
    expect(bad.status).toBe(403);
    expect(bad.body.error.message).toMatch(/join code is not one of this maillab’s classes/);
    expect(bad.headers.get('set-cookie')).toBeNull();
    for (let i = 0; i < 9; i++) await call('', 'POST', '/api/join', { code: `ZZZZZ${i}`, name: 'M' });
    const limited = await call('', 'POST', '/api/join', { code: 'ZZZZZX', name: 'M' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/Too many wrong join codes/);
  });

  it('lets a student with the right code in from an address whose other users guessed wrong', async () => {
    for (let i = 0; i < 15; i++) await call('', 'POST', '/api/join', { code: `ZZZZZ${i}`, name: 'M' });
    const ann = await call('', 'POST', '/api/join', { code: tuesday.joinCode, name: 'Ann' });
    expect(ann.status).toBe(201);
    expect(classroom.grid(tuesday.id).students.map((s) => s.displayName)).toEqual(['Ann']);
  });

  it('paces successful joins from one address: the 11th in a row is told when to press Join again', async () => {
    for (let i = 0; i < 10; i++) await join(`Student ${i}`);
    const eleventh = await call('', 'POST', '/api/join', { code: tuesday.joinCode, name: 'Student 10' });
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers.get('retry-after')).toBe('1');
    expect(eleventh.body.error.message).toMatch(/Wait 1 s, then press Join again/);
    // Another class behind the same address is not slowed by this one's joins.
    expect((await call('', 'POST', '/api/join', { code: other.joinCode, name: 'Cy' })).status).toBe(201);
  });

  it('refuses a join sent from another site', async () => {
    const res = await fetch(`${base}/api/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ code: tuesday.joinCode, name: 'Lured' }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(classroom.grid(tuesday.id).students).toHaveLength(0);
  });

  it('refuses an empty name', async () => {
    const res = await call('', 'POST', '/api/join', { code: tuesday.joinCode, name: '   ' });
    expect(res.status).toBe(400);
  });

  it('lets a student come back on a new device with their link and find their lab', async () => {
    const ann = await join('Ann');
    const labId = await readyLab(ann.cookie);
    const key = new URL(ann.link).searchParams.get('key');
    const opened = await fetch(`${base}/?key=${key}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const device2 = cookieFrom(opened);
    const page = await call(device2, 'GET', '/api/lessons/06');
    expect(page.body.lab.labId).toBe(labId);
    // A forged student key (another id, the same signature) opens nothing.
    const forged = String(key).replace(ann.id, 'st0000000000000000');
    expect((await fetch(`${base}/?key=${forged}`, { redirect: 'manual' })).status).toBe(401);
  });

  it('opens the instructor link on the class dashboard', async () => {
    const res = await fetch(`${base}/?key=${session.keyFor('instructor', tuesday.id)}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/class/${tuesday.id}`);
    const grid = await call(cookieFrom(res), 'GET', `/api/classes/${tuesday.id}/grid`);
    expect(grid.status).toBe(200);
  });
});

describe('what a student can never do', () => {
  it('see, reach, reset, grade, reveal or finish another student’s lab', async () => {
    const ann = await join('Ann');
    const bob = await join('Bob');
    const annLab = await readyLab(ann.cookie);
    const attempts = [
      ['GET', `/api/labs/${annLab}`],
      ['POST', `/api/labs/${annLab}/reset`],
      ['POST', `/api/labs/${annLab}/exercises/listen/check`],
      ['POST', `/api/labs/${annLab}/exercises/listen/reveal`],
      ['GET', `/api/labs/${annLab}/exercises/roles/answers`],
      ['DELETE', `/api/labs/${annLab}`],
    ] as const;
    for (const [method, path] of attempts) {
      const res = await call(bob.cookie, method, path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(labs.get(annLab).token);
    }
    // Bob's own lesson page shows no lab (his own), never Ann's.
    expect((await call(bob.cookie, 'GET', '/api/lessons/06')).body.lab).toBeNull();
    expect(runtime.labs.has(annLab)).toBe(true);
    expect(labs.get(annLab).results).toEqual({});
  });

  it('learn whether the disk is capped: only the machine’s owner is told', async () => {
    const ann = await join('Ann');
    const student = await call(ann.cookie, 'GET', '/api/status');
    expect(student.status).toBe(200);
    expect(student.body.disk).toBeUndefined();
    const instructor = await call(instructorOf(tuesday), 'GET', '/api/status');
    expect(instructor.body.disk).toBeUndefined();
    const owner = await call(`${SESSION_COOKIE}=${session.newSessionCookie()}`, 'GET', '/api/status');
    expect(owner.body.disk).toEqual({ capped: false, line: 'disk: NOT capped (overlay2 on extfs)' });
  });

  it('call an instructor route, of their class or any other', async () => {
    const ann = await join('Ann');
    const annLab = await readyLab(ann.cookie);
    for (const klass of [tuesday, other])
      for (const [method, path] of [
        ['GET', '/grid'],
        ['GET', '/export.csv'],
        ['GET', '/export.json'],
        ['GET', '/events'],
        ['GET', '/attempts/1'],
        ['POST', `/labs/${annLab}/reset`],
        ['POST', `/labs/${annLab}/extend`],
        ['GET', `/labs/${annLab}/watch`],
      ] as const) {
        const res = await call(ann.cookie, method, `/api/classes/${klass.id}${path}`);
        expect(res.status, `${method} ${path}`).toBe(403);
      }
  });

  it('lets an instructor act only on their own class', async () => {
    const ann = await join('Ann');
    const annLab = await readyLab(ann.cookie);
    const wednesday = instructorOf(other);
    expect((await call(wednesday, 'GET', `/api/classes/${tuesday.id}/grid`)).status).toBe(403);
    // Through their own class's routes, a lab of another class is not found.
    expect((await call(wednesday, 'POST', `/api/classes/${other.id}/labs/${annLab}/reset`)).status).toBe(404);
    expect((await call(wednesday, 'GET', `/api/classes/${other.id}/labs/${annLab}/watch`)).status).toBe(404);
    const reset = await call(
      instructorOf(tuesday),
      'POST',
      `/api/classes/${tuesday.id}/labs/${annLab}/reset`,
    );
    expect(reset.status).toBe(202);
  });

  it('tells the student of an instructor’s reset: their shells hear who and when, and the lab is new at once', async () => {
    const ann = await join('Ann');
    const annLab = await readyLab(ann.cookie);
    const closed: (string | undefined)[] = [];
    labs.setOnLabGone((_labId, reason) => closed.push(reason));
    // The old hosts take a while to go; a page asking meanwhile must not see them "ready".
    let removed = () => {};
    const destroy = runtime.destroyLab.bind(runtime);
    runtime.destroyLab = (labId) => new Promise<void>((resolve) => (removed = () => resolve(destroy(labId))));
    const reset = call(instructorOf(tuesday), 'POST', `/api/classes/${tuesday.id}/labs/${annLab}/reset`);
    await expect.poll(() => closed.length).toBe(1);
    expect(closed[0]).toMatch(
      /^Your instructor reset this lab at \d\d:\d\d UTC: .*Your attempts so far are kept\.$/,
    );
    const during = await call(ann.cookie, 'GET', `/api/labs/${annLab}`);
    expect(during.body).toMatchObject({ status: 'starting', results: {}, reset: { by: 'instructor' } });
    removed();
    runtime.destroyLab = destroy;
    expect((await reset).status).toBe(202);
    await labs.readyLab(annLab);
    const after = await call(ann.cookie, 'GET', `/api/labs/${annLab}`);
    expect(after.body).toMatchObject({
      status: 'ready',
      reset: { by: 'instructor', at: during.body.reset.at },
    });
    // A student's own reset is no news to them: their shells are closed without an instructor's note.
    await call(ann.cookie, 'POST', `/api/labs/${annLab}/reset`);
    expect(closed[1]).toBeUndefined();
  });

  it('is refused by a personal-mode server: only the owner’s key opens it', async () => {
    const personal = createApp({
      session,
      lessons: await fixtureCatalog(),
      labs,
      checker: new Checker(runtime, new GraderStore(runtime)),
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
    });
    const server = personal.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const student = `${SESSION_COOKIE}=${session.newSessionCookie('student', 'st1')}`;
      expect((await fetch(`${url}/api/lessons`, { headers: { cookie: student } })).status).toBe(401);
      expect(
        (await fetch(`${url}/?key=${session.keyFor('student', 'st1')}`, { redirect: 'manual' })).status,
      ).toBe(401);
      expect((await fetch(`${url}/api/join`, { method: 'POST' })).status).toBe(401);
    } finally {
      server.close();
    }
  });
});

describe('grades', () => {
  /** Ann: a partial attempt, then a pass 5 minutes after her lab was ready, then a reveal. Bob: one
   *  failed attempt. Cy: joined, never checked. */
  async function knownHistory() {
    const ann = await join('Ann', tuesday.joinCode, 'S-101');
    advance(1);
    const bob = await join('=Bob, "the builder"');
    advance(1);
    await join('Cy');
    const annLab = await readyLab(ann.cookie); // ready at 09:00:02
    const bobLab = await readyLab(bob.cookie);
    advance(60);
    verdicts = [true, false];
    await call(ann.cookie, 'POST', `/api/labs/${annLab}/exercises/listen/check`); // 09:01:02
    verdicts = [false, false];
    await call(bob.cookie, 'POST', `/api/labs/${bobLab}/exercises/listen/check`); // 09:01:02
    advance(240);
    verdicts = [true, true];
    await call(ann.cookie, 'POST', `/api/labs/${annLab}/exercises/listen/check`); // 09:05:02
    advance(100);
    await call(ann.cookie, 'POST', `/api/labs/${annLab}/exercises/listen/reveal`); // 09:06:42 (real time)
    return { ann, bob };
  }

  it('export one row per student per exercise, exactly as the history says', async () => {
    const { ann, bob } = await knownHistory();
    const json = await call(instructorOf(tuesday), 'GET', `/api/classes/${tuesday.id}/export.json`);
    expect(json.status).toBe(200);
    const revealed = json.body.find(
      (r: { student_id: string; exercise: string }) => r.student_id === ann.id && r.exercise === 'listen',
    ).revealed;
    expect(typeof revealed).toBe('string');
    const cyId = json.body[8].student_id;
    const notTried = {
      status: 'not tried',
      score: null,
      passed_criteria: [],
      attempts: 0,
      first_attempt: null,
      last_attempt: null,
      time_to_pass_s: null,
      revealed: null,
    };
    /** A student's four rows: lesson 06 then 01 (the class's order), each with listen and roles. */
    const rowsOf = (student_id: string, display_name: string, student_number: string, listen06: object) =>
      [
        ['06-null-client', 'listen', 2, listen06],
        ['06-null-client', 'roles', 1, notTried],
        ['01-roles', 'listen', 2, notTried],
        ['01-roles', 'roles', 1, notTried],
      ].map(([lesson, exercise, criteria_total, rest]) => ({
        class_id: tuesday.id,
        class_name: 'Tuesday',
        student_id,
        display_name,
        student_number,
        lesson,
        exercise,
        criteria_total,
        ...(rest as object),
      }));
    expect(json.body).toEqual([
      ...rowsOf(ann.id, 'Ann', 'S-101', {
        status: 'passed',
        score: 100,
        passed_criteria: ['listening', 'delivered'],
        attempts: 2,
        first_attempt: '2026-03-02T09:01:02.000Z',
        last_attempt: '2026-03-02T09:05:02.000Z',
        time_to_pass_s: 300,
        revealed,
      }),
      ...rowsOf(bob.id, '=Bob, "the builder"', '', {
        status: 'failed',
        score: 0,
        passed_criteria: [],
        attempts: 1,
        first_attempt: '2026-03-02T09:01:02.000Z',
        last_attempt: '2026-03-02T09:01:02.000Z',
        time_to_pass_s: null,
        revealed: null,
      }),
      ...rowsOf(cyId, 'Cy', '', notTried),
    ]);

    const csv = await call(instructorOf(tuesday), 'GET', `/api/classes/${tuesday.id}/export.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(csv.body).split('\r\n');
    expect(lines[0]).toBe(
      'class_id,class_name,student_id,display_name,student_number,lesson,exercise,status,score,passed_criteria,criteria_total,attempts,first_attempt,last_attempt,time_to_pass_s,revealed',
    );
    expect(lines[1]).toBe(
      `${tuesday.id},Tuesday,${ann.id},Ann,S-101,06-null-client,listen,passed,100,listening delivered,2,2,2026-03-02T09:01:02.000Z,2026-03-02T09:05:02.000Z,300,${revealed}`,
    );
    // A name a spreadsheet would run as a formula is defused; commas and quotes are quoted.
    expect(lines[5]).toBe(
      `${tuesday.id},Tuesday,${bob.id},"'=Bob, ""the builder""",,06-null-client,listen,failed,0,,2,1,2026-03-02T09:01:02.000Z,2026-03-02T09:01:02.000Z,,`,
    );
    expect(lines).toHaveLength(1 + 12 + 1);
    expect(String(csv.body)).toBe(gradesCsv(classroom.grades(tuesday.id)));
  });

  it('show on the grid, with the best attempt’s criteria a cell opens', async () => {
    const { ann, bob } = await knownHistory();
    const grid = await call(instructorOf(tuesday), 'GET', `/api/classes/${tuesday.id}/grid`);
    const row = (id: string) => grid.body.students.find((s: { id: string }) => s.id === id);
    expect(row(ann.id).cells['06-null-client/listen']).toMatchObject({
      status: 'passed',
      score: 100,
      attempts: 2,
    });
    expect(row(bob.id).cells['06-null-client/listen']).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row(ann.id).labs).toHaveLength(1);
    const attempt = await call(
      instructorOf(tuesday),
      'GET',
      `/api/classes/${tuesday.id}/attempts/${row(bob.id).cells['06-null-client/listen'].attemptId}`,
    );
    expect(attempt.body.criteria.map((c: { id: string; pass: boolean }) => [c.id, c.pass])).toEqual([
      ['listening', false],
      ['delivered', false],
    ]);
    // Another class's instructor cannot open it through their own class.
    const cross = await call(
      instructorOf(other),
      'GET',
      `/api/classes/${other.id}/attempts/${attempt.body.id}`,
    );
    expect(cross.status).toBe(404);
  });

  it('show a student their own progress across the class’s lessons', async () => {
    const { ann } = await knownHistory();
    const mine = await call(ann.cookie, 'GET', '/api/me/progress');
    expect(mine.body.me.id).toBe(ann.id);
    expect(mine.body.me.cells['06-null-client/listen'].status).toBe('passed');
    expect(mine.body.columns).toHaveLength(4);
  });
});

describe('who is idle', () => {
  it('shows a student idle after five minutes without a request, and active again when they come back', async () => {
    const ann = await join('Ann');
    const row = () => classroom.grid(tuesday.id).students.find((s) => s.id === ann.id);
    expect(row()?.idle).toBe(false);
    advance(6 * 60);
    expect(row()?.idle).toBe(true);
    await call(ann.cookie, 'GET', '/api/lessons');
    expect(row()?.idle).toBe(false);
    // An instructor looking at the class does not make anyone active.
    advance(6 * 60);
    await call(instructorOf(tuesday), 'GET', `/api/classes/${tuesday.id}/grid`);
    expect(row()?.idle).toBe(true);
  });
});

describe('the live stream', () => {
  it('tells the class’s dashboard of a check once it is recorded, and nothing of other classes', async () => {
    const ann = await join('Ann');
    const wed = await join('Wes', other.joinCode);
    const annLab = await readyLab(ann.cookie);
    const wesLab = await readyLab(wed.cookie, '07');
    const controller = new AbortController();
    const res = await fetch(`${base}/api/classes/${tuesday.id}/events`, {
      headers: { cookie: instructorOf(tuesday) },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    await call(wed.cookie, 'POST', `/api/labs/${wesLab}/exercises/listen/check`);
    await call(ann.cookie, 'POST', `/api/labs/${annLab}/exercises/listen/check`);
    while (!text.includes('"kind":"attempt"')) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    expect(events.every((e) => e.owner === ann.id)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'attempt', exercise: 'listen', passed: false });
  });
});
