import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { MaillabError } from '../../server/errors.ts';
import { createApp } from '../../server/http/app.ts';
import { allowedHostNames } from '../../server/http/host-check.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import type { LessonCatalog } from '../../server/lessons/catalog.ts';
import { createLogger } from '../../server/log.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

let runtime: FakeRuntime;
let base: string;
let close: () => Promise<void>;
let labs: LabService;

let session: SessionGate;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      cookie: `${SESSION_COOKIE}=${session.newSessionCookie()}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function startReadyLab() {
  const started = await call('POST', '/api/lessons/03/lab');
  await labs.readyLab(started.body.labId);
  return started.body.labId as string;
}

/** A lab service on a fake runtime, as another process (a restarted server, the CLI) would build it. */
function labService(rt: FakeRuntime, lessons: LessonCatalog, maxLabs?: number): LabService {
  const store = new GraderStore(rt);
  return new LabService({
    runtime: rt,
    store,
    lessons,
    checker: new Checker(rt, store),
    image: async () => 'x',
    ...(maxLabs ? { maxLabs } : {}),
  });
}

/** A lab service on the shared fake runtime with three lessons and room for `maxLabs` labs. */
async function serviceForThreeLessons(maxLabs: number): Promise<LabService> {
  return labService(runtime, await fixtureCatalog(['03-a', '04-b', '05-c']), maxLabs);
}

beforeEach(async () => {
  const lessons = await fixtureCatalog();
  runtime = new FakeRuntime();
  const checker = new Checker(runtime, new GraderStore(runtime));
  labs = new LabService({
    runtime,
    store: new GraderStore(runtime),
    lessons,
    checker,
    image: async () => 'maillab/lab:test',
    maxLabs: 2,
  });
  let engineOk = true;
  session = SessionGate.ephemeral();
  const app = createApp({
    session,
    lessons,
    labs,
    checker,
    status: {
      engine: async () =>
        engineOk ? { ok: true, product: 'docker', version: '0' } : { ok: false, message: 'down' },
      image: () => ({
        flavor: 'offline',
        tag: 'maillab/lab:test',
        description: 'Offline image',
        fallback: 'rhel9: base could not be pulled',
        selfTest: {
          image: 'maillab/lab:test',
          imageId: 'sha256:1',
          passed: false,
          at: '2026-11-28T00:00:00.000Z',
          steps: [
            { name: 'systemd boots every host unprivileged', ok: true, output: '', ms: 1 },
            { name: 'postfix starts on server', ok: false, output: 'fatal: no master', ms: 1 },
          ],
        },
      }),
    },
  });
  engineOk = true;
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  await close();
});

describe('the key to this maillab', () => {
  it('answers no API call without a session, and never hands out a lab token', async () => {
    await startReadyLab();
    for (const cookie of ['', `${SESSION_COOKIE}=v1.owner.forged.signature`]) {
      const res = await call('GET', '/api/lessons/03', undefined, { cookie });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/Open the link `npx maillab serve` printed/);
      expect(JSON.stringify(res.body)).not.toMatch(/token/);
    }
  });

  it('starts a session from the printed link, then drops the key from the address', async () => {
    const res = await fetch(`${base}/lessons/03?key=${session.key}`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/lessons/03');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const value = cookie.split(';')[0] ?? '';
    const page = await call('GET', '/api/lessons/03', undefined, { cookie: value });
    expect(page.status).toBe(200);
    const wrong = await fetch(`${base}/?key=not-the-key`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a state-changing request from another site even with a session', async () => {
    const crossSite = await call('POST', '/api/lessons/03/lab', undefined, {
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    const otherOrigin = await call('POST', '/api/lessons/03/lab', undefined, {
      origin: 'https://evil.example',
    });
    expect(otherOrigin.status).toBe(403);
    expect(runtime.labs.size).toBe(0);
  });
});

describe('structured logs', () => {
  it('log every request with an id, its lab, status and time, and never the key in the address', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const gate = SessionGate.ephemeral();
    const rt = new FakeRuntime();
    const lessons = await fixtureCatalog();
    const app = createApp({
      log: createLogger('info', stream),
      session: gate,
      lessons,
      labs: labService(rt, lessons),
      checker: new Checker(rt, new GraderStore(rt)),
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      await fetch(`http://127.0.0.1:${port}/?key=${gate.key}`, { redirect: 'manual' });
      await fetch(`http://127.0.0.1:${port}/api/labs/0123abcd`, {
        headers: { cookie: `${SESSION_COOKIE}=${gate.newSessionCookie()}` },
      });
    } finally {
      server.close();
    }
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({
      method: 'GET',
      path: '/api/labs/0123abcd',
      status: 404,
      lab: '0123abcd',
    });
    expect(requests[1]?.req).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(lines)).not.toContain(gate.key);
  });
});

describe('HTTP API', () => {
  it('says which image runs, why not RHEL 9, and its self-test verdict without the raw output', async () => {
    const status = await call('GET', '/api/status');
    expect(status.body.image).toEqual({
      flavor: 'offline',
      tag: 'maillab/lab:test',
      description: 'Offline image',
      fallback: 'rhel9: base could not be pulled',
      selfTest: { passed: false, at: '2026-11-28T00:00:00.000Z', failedStep: 'postfix starts on server' },
    });
  });

  it('lists lessons with their exercises', async () => {
    const res = await call('GET', '/api/lessons');
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        id: '03-receiving',
        number: '03',
        exercises: [
          { id: 'listen', title: 'Make postfix listen', kind: 'check' },
          { id: 'roles', title: 'Who does what', kind: 'quiz' },
        ],
      }),
    ]);
  });

  it('serves a lesson with its HTML and quiz questions but not the answers', async () => {
    const res = await call('GET', '/api/lessons/03-receiving');
    expect(res.body.html).toContain('data-host="desktop"');
    const quiz = res.body.exercises.find((e: { id: string }) => e.id === 'roles');
    expect(quiz.questions).toEqual([
      { id: 'mta', text: 'Which program is the MTA?', choices: ['postfix', 'mutt'] },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('"answer"');
    expect(res.body.lab).toBeNull();
  });

  it('asks for a lesson to be prepared ahead when its page is opened with no lab, and not once it has one', async () => {
    const ahead = vi.spyOn(labs, 'prepareAhead');
    await call('GET', '/api/lessons/03-receiving');
    expect(ahead.mock.calls).toEqual([['03-receiving']]);
    await startReadyLab();
    await call('GET', '/api/lessons/03-receiving');
    expect(ahead.mock.calls).toHaveLength(1);
  });

  it('answers 404 with a readable message for an unknown lesson', async () => {
    const res = await call('GET', '/api/lessons/42');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'lesson_not_found',
      message: expect.stringContaining('Known lessons: 03-receiving'),
    });
  });

  it('starts a lab, reports progress, and runs the lesson setup on it', async () => {
    const started = await call('POST', '/api/lessons/03/lab');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ lesson: '03-receiving', status: 'starting' });
    expect(started.body.labId).toMatch(/^[0-9a-f]{20}$/);
    expect(started.body.token.length).toBeGreaterThanOrEqual(32);
    await labs.readyLab(started.body.labId);
    const view = await call('GET', `/api/labs/${started.body.labId}`);
    expect(view.body.status).toBe('ready');
    expect(view.body.progress).toContain('Lab ready');
    const setup = runtime.execs.find((e) => e.argv[5] === 'maillab:setup/server.sh');
    expect(setup?.host).toBe('server');
    expect(setup?.argv.slice(0, 4)).toEqual(['/bin/bash', '--noprofile', '--norc', '-c']);
    expect(setup?.argv.at(-1)).toContain('echo setup/server.sh');
  });

  it('returns the same lab when a lesson is started twice', async () => {
    const first = await call('POST', '/api/lessons/03/lab');
    const second = await call('POST', '/api/lessons/03-receiving/lab');
    expect(second.body.labId).toBe(first.body.labId);
    expect((await call('GET', '/api/lessons/03')).body.lab.labId).toBe(first.body.labId);
  });

  it('shows a failed start as a readable error instead of hanging', async () => {
    runtime.failCreate = new MaillabError(
      'engine_unreachable',
      'The container engine is not answering. Start it.',
    );
    const started = await call('POST', '/api/lessons/03/lab');
    await labs.readyLab(started.body.labId).catch(() => {});
    const view = await call('GET', `/api/labs/${started.body.labId}`);
    expect(view.body).toMatchObject({
      status: 'failed',
      error: 'The container engine is not answering. Start it.',
    });
  });

  it('grades a check exercise per criterion with weights from the script report', async () => {
    const labId = await startReadyLab();
    runtime.reply = (host, argv) =>
      host === 'grader' && argv[5] === 'maillab:checks/probe.sh'
        ? {
            stdout:
              '::maillab::\tpass\tlistening\tport 25 answered\t\n::maillab::\tfail\tdelivered\tno nonce\tcheck mydestination\n',
          }
        : undefined;
    const res = await call('POST', `/api/labs/${labId}/exercises/listen/check`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 'listen',
      title: 'Make postfix listen',
      score: 66.7,
      criteria: [
        { id: 'listening', title: 'port 25 answers', weight: 2, pass: true, message: 'port 25 answered' },
        {
          id: 'delivered',
          title: 'the nonce arrived',
          weight: 1,
          pass: false,
          message: 'no nonce',
          hint: 'check mydestination',
        },
      ],
    });
    const checkExec = runtime.execs.find((e) => e.argv[5] === 'maillab:checks/probe.sh');
    expect(checkExec?.options.env?.MAILLAB_NONCE).toMatch(/^ml[0-9a-f]{16}$/);
  });

  it('fails a criterion the check never reported instead of passing it', async () => {
    const labId = await startReadyLab();
    runtime.reply = (_host, argv) =>
      argv[5]?.startsWith('maillab:') ? { exitCode: 2, stderr: 'bash: swaks: command not found' } : undefined;
    const res = await call('POST', `/api/labs/${labId}/exercises/listen/check`);
    expect(res.body.criteria.map((c: { pass: boolean }) => c.pass)).toEqual([false, false]);
    expect(res.body.criteria[0].message).toContain('swaks: command not found');
    expect(res.body.score).toBe(0);
  });

  it('stores quiz answers on the grader and marks them', async () => {
    const labId = await startReadyLab();
    const wrong = await call('POST', `/api/labs/${labId}/exercises/roles/check`);
    expect(wrong.body.criteria[0]).toMatchObject({ pass: false, message: 'Not answered yet.' });
    // An unanswered question gets no hint: a hint is for a wrong answer, not a free clue.
    expect(wrong.body.criteria[0].hint).toBeUndefined();
    expect(
      (await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, { answers: { mta: 'mutt' } })).status,
    ).toBe(204);
    const again = await call('POST', `/api/labs/${labId}/exercises/roles/check`);
    expect(again.body.criteria[0]).toMatchObject({
      pass: false,
      hint: 'The MTA moves mail between servers.',
    });
    await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, { answers: { mta: 'postfix' } });
    const right = await call('POST', `/api/labs/${labId}/exercises/roles/check`);
    expect(right.body).toMatchObject({ score: 100, criteria: [{ id: 'mta', pass: true }] });
  });

  it('gives back saved answers and the latest result with the lab, and a reset forgets both', async () => {
    const labId = await startReadyLab();
    await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, { answers: { mta: 'postfix' } });
    expect((await call('GET', `/api/labs/${labId}/exercises/roles/answers`)).body).toEqual({
      answers: { mta: 'postfix' },
    });
    await call('POST', `/api/labs/${labId}/exercises/roles/check`);
    const page = await call('GET', '/api/lessons/03');
    expect(page.body.lab.results.roles).toMatchObject({ score: 100, criteria: [{ id: 'mta', pass: true }] });

    await call('POST', `/api/labs/${labId}/reset`);
    await labs.readyLab(labId);
    expect((await call('GET', `/api/labs/${labId}`)).body.results).toEqual({});
    expect((await call('GET', `/api/labs/${labId}/exercises/roles/answers`)).body).toEqual({ answers: {} });
    expect((await call('GET', `/api/labs/${labId}/exercises/listen/answers`)).status).toBe(400);
  });

  it('refuses an answer that is not one of the choices, and one for a question the quiz lacks', async () => {
    const labId = await startReadyLab();
    const bogus = await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, {
      answers: { mta: 'bogus' },
    });
    expect(bogus.status).toBe(400);
    expect(bogus.body.error.message).toBe(
      '"bogus" is not a choice of question mta; the choices are "postfix", "mutt".',
    );
    const unknown = await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, {
      answers: { mda: 'postfix' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/has no question "mda"/);
  });

  it('rejects answers that are not an object', async () => {
    const labId = await startReadyLab();
    const res = await call('PUT', `/api/labs/${labId}/exercises/roles/answers`, { answers: 'postfix' });
    expect(res.status).toBe(400);
  });

  it('resets a lab under the same id and finishes it', async () => {
    const labId = await startReadyLab();
    const reset = await call('POST', `/api/labs/${labId}/reset`);
    expect(reset.body).toMatchObject({ labId, status: 'starting' });
    await labs.readyLab(labId);
    expect((await call('DELETE', `/api/labs/${labId}`)).status).toBe(204);
    expect(runtime.labs.size).toBe(0);
    expect((await call('GET', `/api/labs/${labId}`)).status).toBe(404);
  });

  it('refuses a lab beyond capacity with a message saying what to do', async () => {
    const service = await serviceForThreeLessons(2);
    await service.start('local', '03');
    await service.start('local', '04');
    await expect(service.start('local', '05')).rejects.toThrow(/limit\. Finish a lab you no longer need/);
  });

  it('does not count labs that another process has removed against capacity', async () => {
    const service = await serviceForThreeLessons(2);
    const first = await service.start('local', '03');
    await service.readyLab(first.labId);
    await service.readyLab((await service.start('local', '04')).labId);
    await runtime.destroyLab(first.labId);
    expect((await service.start('local', '05')).status).toBe('starting');
  });

  it('re-adopts labs left running by an earlier process', async () => {
    const labId = await startReadyLab();
    const fresh = labService(runtime, await fixtureCatalog());
    expect(await fresh.adopt()).toEqual({ adopted: 1, removed: 0 });
    expect(fresh.get(labId).status).toBe('ready');
  });

  it('reveals a worked solution only after a first Check, and records the reveal with the verdicts', async () => {
    const labId = await startReadyLab();
    const early = await call('POST', `/api/labs/${labId}/exercises/listen/reveal`);
    expect(early.status).toBe(403);
    expect(early.body.error.message).toMatch(/Press Check at least once/);
    await call('POST', `/api/labs/${labId}/exercises/listen/check`);
    const shown = await call('POST', `/api/labs/${labId}/exercises/listen/reveal`);
    expect(shown.status).toBe(200);
    expect(shown.body.html).toContain('<h3>Worked solution</h3>');
    expect((await call('GET', `/api/labs/${labId}`)).body.revealed).toEqual({
      listen: shown.body.revealedAt,
    });
    const restarted = labService(runtime, await fixtureCatalog());
    await restarted.adopt();
    expect(restarted.get(labId).revealed.listen).toBe(shown.body.revealedAt);
  });

  it('keeps verdicts with the lab: a restarted server shows them, and a CLI grade shows on the page', async () => {
    const labId = await startReadyLab();
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:checks/probe.sh'
        ? { stdout: '::maillab::\tpass\tlistening\tok\t\n::maillab::\tfail\tdelivered\tno\thint\n' }
        : undefined;
    await call('POST', `/api/labs/${labId}/exercises/listen/check`);
    const lessons = await fixtureCatalog();
    const restarted = labService(runtime, lessons);
    await restarted.adopt();
    expect(restarted.get(labId).results.listen?.score).toBe(66.7);

    // The CLI is another process with its own service; its grade lands on the lab's grader.
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:checks/probe.sh'
        ? { stdout: '::maillab::\tpass\tlistening\tok\t\n::maillab::\tpass\tdelivered\tok\t\n' }
        : undefined;
    await restarted.check(labId, 'listen');
    const page = await call('GET', '/api/lessons/03');
    expect(page.body.lab.results.listen.score).toBe(100);
  });
});

describe('DNS rebinding guard', () => {
  it('refuses a request whose Host header names another site', async () => {
    const lessons = await fixtureCatalog();
    const rt = new FakeRuntime();
    const gate = SessionGate.ephemeral();
    const app = createApp({
      session: gate,
      lessons,
      labs: labService(rt, lessons),
      checker: new Checker(rt, new GraderStore(rt)),
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
      allowedHosts: allowedHostNames('127.0.0.1', []),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const ok = await fetch(`http://127.0.0.1:${port}/api/lessons`, {
        headers: { cookie: `${SESSION_COOKIE}=${gate.newSessionCookie()}` },
      });
      expect(ok.status).toBe(200);
      // fetch() will not forge a Host header; a raw request does, as a rebound browser would send it.
      const evil = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const headers = { host: `evil.example:${port}` };
        const req = request({ host: '127.0.0.1', port, path: '/api/lessons', headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(evil.status).toBe(403);
      expect(evil.body).toContain('MAILLAB_ALLOWED_HOSTS');
    } finally {
      server.close();
    }
  });
});

describe('checker', () => {
  it('never runs two checks on one lab at the same time', async () => {
    const lessons = await fixtureCatalog();
    const rt = new FakeRuntime();
    // Steps of one check may overlap (the grader is cleared while the first step acts); steps of
    // two checks, told apart by their nonces, may not.
    const active = new Map<string, number>();
    let overlapped = false;
    const slow = rt.exec.bind(rt);
    rt.exec = async (...args) => {
      const nonce = args[3]?.env?.MAILLAB_NONCE;
      if (nonce === undefined) return slow(...args);
      if ([...active.keys()].some((other) => other !== nonce)) overlapped = true;
      active.set(nonce, (active.get(nonce) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const left = (active.get(nonce) ?? 1) - 1;
      if (left) active.set(nonce, left);
      else active.delete(nonce);
      return slow(...args);
    };
    const checker = new Checker(rt, new GraderStore(rt));
    const lesson = lessons.get('03');
    const exercise = lessons.exercise(lesson, 'listen');
    const results = await Promise.all([1, 2, 3].map(() => checker.checkExercise('lab1', lesson, exercise)));
    expect(results).toHaveLength(3);
    expect(overlapped).toBe(false);
  });
});

describe('labs made by another process', () => {
  async function otherProcessLab(rt: FakeRuntime, createdAt: string) {
    const info = await rt.createLab({
      labId: 'a1b2c3d4e5f6a7b8c9d0',
      lesson: '03-receiving',
      owner: 'local',
      token: 'x'.repeat(32),
      hosts: ['server', 'desktop'],
      image: 'img',
    });
    info.createdAt = createdAt;
    return info;
  }

  it('stay starting until their creator marks them ready, then become ready', async () => {
    const rt = new FakeRuntime();
    let marked = false;
    rt.reply = (_host, argv) => (argv[0] === '/usr/bin/test' ? { exitCode: marked ? 0 : 1 } : undefined);
    await otherProcessLab(rt, new Date().toISOString());
    const service = labService(rt, await fixtureCatalog());
    const lab = await service.find('local', '03');
    expect(lab?.status).toBe('starting');
    marked = true;
    await service.readyLab(lab?.labId ?? '');
    expect(lab?.status).toBe('ready');
  });

  it('are forgotten once another process removes them, so the page offers Start again', async () => {
    const labId = await startReadyLab();
    expect((await call('GET', '/api/lessons/03')).body.lab?.labId).toBe(labId);
    await runtime.destroyLab(labId); // what `maillab lab finish` does from another process
    expect((await call('GET', '/api/lessons/03')).body.lab).toBeNull();
    expect((await call('GET', `/api/labs/${labId}`)).status).toBe(404);
    const again = await call('POST', '/api/lessons/03/lab');
    expect(again.status).toBe(202);
    expect(again.body.labId).not.toBe(labId);
  });

  it('are removed at start-up when their creation was abandoned long ago', async () => {
    const rt = new FakeRuntime();
    rt.reply = (_host, argv) => (argv[0] === '/usr/bin/test' ? { exitCode: 1 } : undefined);
    await otherProcessLab(rt, new Date(Date.now() - 60 * 60_000).toISOString());
    const service = labService(rt, await fixtureCatalog());
    expect(await service.adopt()).toEqual({ adopted: 0, removed: 1 });
    expect(rt.labs.size).toBe(0);
  });
});
