// Capacity in a classroom: a fair queue in front of the lab limit that moves by itself, and idle labs
// warned, then reclaimed with their record kept, unless the student or an instructor keeps them.
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { Classroom } from '../../server/classroom/classroom.ts';
import { createApp } from '../../server/http/app.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { Admission, type Ticket } from '../../server/labs/admission.ts';
import { IdleExpiry } from '../../server/labs/idle-expiry.ts';
import { LabService, type LabState } from '../../server/labs/lab-service.ts';
import { ProgressRecorder } from '../../server/labs/progress-recorder.ts';
import type { LabView } from '../../server/shared/api.ts';
import type { Me } from '../../server/shared/classroom.ts';
import { ClassStore } from '../../server/store/class-store.ts';
import { openDatabase } from '../../server/store/database.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { SpareClaims } from '../../server/store/spare-claims.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

async function setup(maxLabs: number) {
  let clock = 1_000_000;
  const runtime = new FakeRuntime();
  runtime.reply = (_host, argv) =>
    argv[5] === 'maillab:checks/probe.sh'
      ? { stdout: '::maillab::\tpass\tlistening\tok\t\n::maillab::\tpass\tdelivered\tok\t\n' }
      : undefined;
  const lessons = await fixtureCatalog(['01-roles', '06-null-client']);
  const db = openDatabase(':memory:');
  const progress = new ProgressStore(db);
  const grader = new GraderStore(runtime);
  const recorder = new ProgressRecorder(progress);
  const labs = new LabService({
    runtime,
    store: grader,
    lessons,
    checker: new Checker(runtime, grader),
    image: async () => 'x',
    recorder,
    maxLabs,
  });
  const now = () => clock;
  const admission = new Admission({ labs, maxLabs, now });
  const expiry = new IdleExpiry({
    labs,
    idleMs: 45 * 60_000,
    warnMs: 5 * 60_000,
    extendMs: 30 * 60_000,
    now,
  });
  const classes = new ClassStore(db);
  const classroom = new Classroom({
    classes,
    progress,
    lessons,
    labs: {
      list: (o) => labs.list(o),
      expiresAt: (id) => expiry.expiresAt(id),
      queued: (o) => admission.queued(o),
    },
  });
  return {
    runtime,
    labs,
    admission,
    expiry,
    progress,
    classroom,
    recorder,
    lessons,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const isTicket = (x: LabState | Ticket): x is Ticket => !('token' in x);

describe('the queue for labs', () => {
  it('queues students beyond the limit and starts the next one’s lab by itself when a lab ends', async () => {
    const { labs, admission } = await setup(2);
    const a = await admission.request('a', '06');
    await admission.request('b', '06');
    const c = await admission.request('c', '06');
    const d = await admission.request('d', '06');
    expect(isTicket(c) && isTicket(d)).toBe(true);
    expect(admission.position(c as Ticket)).toBe(1);
    expect(admission.position(d as Ticket)).toBe(2);
    expect(admission.describe(d as Ticket)).toMatch(/number 2 in the queue/);

    await labs.finish((a as LabState).labId);
    await admission.pump();
    expect((c as Ticket).labId).toBeDefined();
    expect(labs.list('c')).toHaveLength(1);
    expect(admission.position(d as Ticket)).toBe(1);
    expect(labs.list().length).toBe(2);
  });

  it('serves students who have no lab before those who already run one, then by who asked first', async () => {
    const { labs, admission, advance } = await setup(2);
    await admission.request('a', '06');
    const b = (await admission.request('b', '06')) as LabState;
    const aAgain = (await admission.request('a', '01')) as Ticket;
    advance(1000);
    const c = (await admission.request('c', '06')) as Ticket;
    advance(1000);
    const d = (await admission.request('d', '06')) as Ticket;
    // a asked first, but already runs a lab: c and d, who have none, go before.
    expect(admission.waiting().map((t) => t.owner)).toEqual(['c', 'd', 'a']);
    expect(admission.position(aAgain)).toBe(3);
    await labs.finish(b.labId);
    await admission.pump();
    expect(c.labId).toBeDefined();
    expect(admission.waiting().map((t) => t.owner)).toEqual(['d', 'a']);
    expect(d.labId).toBeUndefined();
  });

  it('gives a student asking again the same place, not a second one', async () => {
    const { admission } = await setup(1);
    await admission.request('a', '06');
    const first = (await admission.request('b', '06')) as Ticket;
    const again = (await admission.request('b', '06')) as Ticket;
    expect(again.id).toBe(first.id);
    expect(admission.waiting()).toHaveLength(1);
  });

  it('drops a place nobody has asked about for a minute (a closed tab)', async () => {
    const { labs, admission, advance } = await setup(1);
    const a = (await admission.request('a', '06')) as LabState;
    const gone = (await admission.request('b', '06')) as Ticket;
    const kept = (await admission.request('c', '06')) as Ticket;
    advance(45_000);
    admission.poll(kept.id);
    advance(30_000);
    await labs.finish(a.labId);
    await admission.pump();
    expect(admission.poll(gone.id)).toBeUndefined();
    expect(kept.labId).toBeDefined();
  });
});

describe('idle labs', () => {
  it('warn, then are reclaimed with their attempts kept; use keeps them, and an instructor extends them', async () => {
    const { labs, expiry, progress, advance } = await setup(5);
    const idle = await labs.start('a', '06');
    const busy = await labs.start('b', '06');
    const extended = await labs.start('c', '06');
    await Promise.all([idle.ready, busy.ready, extended.ready]);
    await labs.check(idle.labId, 'listen');
    await expiry.sweep();
    advance(39 * 60_000);
    expect(expiry.warning(idle.labId)).toBe(false);
    advance(2 * 60_000);
    expect(expiry.warning(idle.labId)).toBe(true);
    expiry.touch(busy.labId);
    const until = expiry.extend(extended.labId);
    expect(Date.parse(until) - Date.parse(expiry.expiresAt(idle.labId))).toBe(30 * 60_000);
    advance(5 * 60_000);
    expect(await expiry.sweep()).toEqual([idle.labId]);
    expect(
      labs
        .list()
        .map((l) => l.owner)
        .sort(),
    ).toEqual(['b', 'c']);
    expect(progress.attempts(['a'])).toHaveLength(1);
  });
});

describe('capacity through the API', () => {
  it('shows a queued student a starting lab with their place, which becomes their lab when one frees', async () => {
    const { labs, admission, expiry, classroom, recorder, lessons, runtime } = await setup(1);
    const session = SessionGate.ephemeral();
    const klass = classroom.create('Full', ['06']);
    const app = createApp({
      session,
      lessons,
      labs,
      checker: new Checker(runtime, new GraderStore(runtime)),
      classroom: { classroom, recorder, admission, expiry },
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const as = (id: string) => ({ cookie: `${SESSION_COOKIE}=${session.newSessionCookie('student', id)}` });
    const call = async (id: string, method: string, path: string) => {
      const res = await fetch(`${base}${path}`, { method, headers: as(id) });
      // biome-ignore lint/suspicious/noExplicitAny: each call reads the JSON shape it expects.
      const body: any = res.status === 204 ? undefined : await res.json();
      return { status: res.status, body };
    };
    try {
      const ann = classroom.join(klass.joinCode, 'Ann').student.id;
      const bob = classroom.join(klass.joinCode, 'Bob').student.id;
      const first = await call(ann, 'POST', '/api/lessons/06/lab');
      await labs.readyLab(first.body.labId);
      const queued = await call(bob, 'POST', '/api/lessons/06/lab');
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ status: 'starting', token: '' });
      expect(queued.body.progress[0]).toMatch(/number 1 in the queue/);
      // Nobody else can follow Bob's ticket; his reloaded page finds it.
      expect((await call(ann, 'GET', `/api/labs/${queued.body.labId}`)).status).toBe(404);
      expect((await call(bob, 'GET', '/api/lessons/06')).body.lab.labId).toBe(queued.body.labId);
      const grid = classroom.grid(klass.id);
      expect(grid.students.find((s) => s.id === bob)?.waiting).toEqual([
        { lesson: '06-null-client', position: 1 },
      ]);

      expect((await call(ann, 'DELETE', `/api/labs/${first.body.labId}`)).status).toBe(204);
      const moved = await call(bob, 'GET', `/api/labs/${queued.body.labId}`);
      expect(moved.body.labId).not.toBe(queued.body.labId);
      expect(moved.body.token).not.toBe('');
      expect(labs.get(moved.body.labId).owner).toBe(bob);
    } finally {
      server.close();
    }
  });

  it('warns a student whose lab is about to be reclaimed, and Keep gives it a full idle period again', async () => {
    const { labs, admission, expiry, classroom, recorder, lessons, runtime, advance } = await setup(2);
    const session = SessionGate.ephemeral();
    const klass = classroom.create('Idle', ['06']);
    const app = createApp({
      session,
      lessons,
      labs,
      checker: new Checker(runtime, new GraderStore(runtime)),
      classroom: { classroom, recorder, admission, expiry },
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ann = classroom.join(klass.joinCode, 'Ann').student.id;
    const headers = { cookie: `${SESSION_COOKIE}=${session.newSessionCookie('student', ann)}` };
    const me = async () => ((await (await fetch(`${base}/api/me`, { headers })).json()) as Me).expiring;
    try {
      const started = (await (
        await fetch(`${base}/api/lessons/06/lab`, { method: 'POST', headers })
      ).json()) as LabView;
      await labs.readyLab(started.labId);
      expect(await me()).toEqual([]);
      advance(41 * 60_000);
      expect(await me()).toEqual([
        { labId: started.labId, lesson: '06-null-client', expiresAt: expiry.expiresAt(started.labId) },
      ]);
      // Asking whether anything expires does not count as using the lab.
      advance(3 * 60_000);
      expect(await me()).toHaveLength(1);
      const kept = await fetch(`${base}/api/labs/${started.labId}/keep`, { method: 'POST', headers });
      expect(kept.status).toBe(200);
      expect(await me()).toEqual([]);
      advance(40 * 60_000);
      expect(await expiry.sweep()).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('many students at once', () => {
  it('never starts more labs than the limit when thirty ask in the same moment', async () => {
    const { labs, admission } = await setup(3);
    const got = await Promise.all(Array.from({ length: 30 }, (_, i) => admission.request(`s${i}`, '06')));
    expect(got.filter((g) => !isTicket(g))).toHaveLength(3);
    expect(labs.list()).toHaveLength(3);
    expect(admission.waiting().map((t) => t.owner)).toEqual(
      Array.from({ length: 27 }, (_, i) => `s${i + 3}`),
    );
  });
});

describe('spare labs in a classroom', () => {
  it('hold no place in the queue: students take them, and the record says the lab is theirs from the claim', async () => {
    const runtime = new FakeRuntime();
    const lessons = await fixtureCatalog(['06-null-client']);
    const db = openDatabase(':memory:');
    const progress = new ProgressStore(db);
    const grader = new GraderStore(runtime);
    const labs = new LabService({
      runtime,
      store: grader,
      lessons,
      checker: new Checker(runtime, grader),
      image: async () => 'x',
      recorder: new ProgressRecorder(progress),
      claims: new SpareClaims(await mkdtemp(path.join(tmpdir(), 'maillab-claims-'))),
      maxLabs: 2,
    });
    const admission = new Admission({ labs, maxLabs: 2 });
    const spares = [labs.startSpare('06'), labs.startSpare('06')];
    await Promise.all(spares.map((s) => s.ready));
    const a = await admission.request('a', '06');
    const b = await admission.request('b', '06');
    expect(isTicket(a) || isTicket(b)).toBe(false);
    expect([(a as LabState).labId, (b as LabState).labId].sort()).toEqual(spares.map((s) => s.labId).sort());
    expect(isTicket(await admission.request('c', '06'))).toBe(true);
    const row = db.prepare('SELECT owner, ready_at FROM labs WHERE id = ?').get((a as LabState).labId) as {
      owner: string;
    };
    expect(row.owner).toBe('a');
    expect(progress.firstReadyTimes(['a'])).toHaveLength(1);
  });
});
