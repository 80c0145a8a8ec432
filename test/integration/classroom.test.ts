// A class on real containers: three students join and start lesson 06 on their own networks, one
// solves it; the store and both exports (HTTP and CLI) show exactly that; one student's lab cannot
// reach another's. Then the server restarts in the middle of the class and keeps every recorded
// attempt, every student's session and every lab.
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { SessionGate } from '../../server/http/session.ts';
import type { ClassRecord } from '../../server/store/class-store.ts';
import { type ClassClient, classClient, joinClass, startAndWait } from '../support/classroom-client.ts';
import { realEngine } from '../support/engine.ts';

const run = promisify(execFile);
const engine = await realEngine();
const BIN = new URL('../../bin/maillab.mjs', import.meta.url).pathname;
const LESSON = '06-null-client';

describe.runIf(engine)('a class of three on lesson 06', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'maillab-class-'));
  const secretDir = await mkdtemp(path.join(tmpdir(), 'maillab-class-secret-'));
  // Its own owner prefix: the restarted server takes over this class's labs, not other test files'.
  const config = { ...readConfig(), dataDir, owner: `class-it-${process.pid}` };
  let services: Services;
  let server: RunningServer;
  let klass: ClassRecord;
  let instructor: ClassClient;
  const students: { name: string; id: string; client: ClassClient; labId: string }[] = [];

  const start = async () => {
    services = await compose(config);
    server = await serve(services, {
      host: '127.0.0.1',
      port: 0,
      log: () => {},
      buildImage: false,
      classroom: true,
      session: await SessionGate.load(secretDir),
    });
  };

  afterAll(async () => {
    for (const s of students) await services?.labs.finish(s.labId).catch(() => {});
    await server?.close();
    services?.db.close();
  });

  it('gives each of three students their own lab of lesson 06', async () => {
    await start();
    klass = services.classroom.create('Integration class', ['06']);
    const gate = await SessionGate.load(secretDir);
    instructor = classClient(server.url);
    await instructor.call('GET', `/?key=${gate.keyFor('instructor', klass.id)}`);
    expect(instructor.cookie).toMatch(/instructor/);
    for (const name of ['Ann', 'Bob', 'Cy']) {
      const { client, id } = await joinClass(server.url, klass.joinCode, name);
      students.push({ name, id, client, labId: '' });
    }
    const labs = await Promise.all(students.map((s) => startAndWait(s.client, '06')));
    labs.forEach((lab, i) => {
      (students[i] as { labId: string }).labId = lab.labId;
    });
    for (const s of students) expect(services.labs.get(s.labId).owner).toBe(s.id);
    const networks = await Promise.all(
      students.map(async (s) => (await services.runtime.getLab(s.labId))?.network),
    );
    expect(new Set(networks).size).toBe(3);
  });

  it('keeps one student’s lab from reaching another’s', async () => {
    const [ann, bob] = students;
    const bobServer = (await services.runtime.getLab(bob?.labId ?? ''))?.hosts.find(
      (h) => h.name === 'server',
    );
    const annServer = (await services.runtime.getLab(ann?.labId ?? ''))?.hosts.find(
      (h) => h.name === 'server',
    );
    expect(bobServer?.address).toBeTruthy();
    const probe = (address: string) =>
      services.runtime.exec(
        ann?.labId ?? '',
        'desktop',
        ['timeout', '5', 'bash', '-c', `exec 3<>/dev/tcp/${address}/25`],
        {
          timeoutMs: 20_000,
        },
      );
    // The probe works: Ann's desktop reaches her own server's port 25.
    expect((await probe(annServer?.address ?? '')).exitCode).toBe(0);
    expect((await probe(bobServer?.address ?? '')).exitCode).not.toBe(0);
  });

  it('never opens a terminal on another student’s lab, even with that lab’s own token', async () => {
    const [ann, bob] = students as [(typeof students)[0], (typeof students)[0]];
    const token = (await ann.client.call('GET', `/api/labs/${ann.labId}`)).body.token as string;
    const open = (cookie: string) =>
      new Promise<{ code: number; ready: boolean }>((resolve) => {
        const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/labs/${ann.labId}/hosts/desktop`, {
          headers: { cookie, origin: server.url },
        });
        let ready = false;
        ws.on('open', () => ws.send(JSON.stringify({ t: 'hello', token, cols: 80, rows: 24 })));
        ws.on('message', (data, binary) => {
          if (!binary && JSON.parse(String(data)).t === 'ready') {
            ready = true;
            ws.close(1000);
          }
        });
        ws.on('close', (code) => resolve({ code, ready }));
      });
    expect(await open(bob.client.cookie)).toEqual({ code: 4401, ready: false });
    // The same socket with Ann's own session opens: the refusal is about whose lab it is.
    expect((await open(ann.client.cookie)).ready).toBe(true);
  });

  it('records one solving, one failing and one not trying, and both exports say exactly that', async () => {
    const [ann, bob, cy] = students as [(typeof students)[0], (typeof students)[0], (typeof students)[0]];
    const lesson = services.lessons.get(LESSON);
    for (const exercise of lesson.exercises) await services.checker.solve(ann.labId, lesson, exercise);
    const annCheck = await ann.client.call('POST', `/api/labs/${ann.labId}/exercises/null-client/check`);
    const bobCheck = await bob.client.call('POST', `/api/labs/${bob.labId}/exercises/null-client/check`);
    expect(annCheck.body.criteria.every((c: { pass: boolean }) => c.pass)).toBe(true);
    expect(bobCheck.body.criteria.every((c: { pass: boolean }) => c.pass)).toBe(false);
    // A student cannot check another's lab.
    expect((await cy.client.call('POST', `/api/labs/${ann.labId}/exercises/null-client/check`)).status).toBe(
      404,
    );

    const attempts = services.progress.attempts(students.map((s) => s.id));
    expect(attempts.map((a) => [a.owner, a.passed])).toEqual([
      [ann.id, true],
      [bob.id, false],
    ]);
    expect(attempts[0]?.criteria).toEqual(annCheck.body.criteria);
    expect(attempts[1]?.criteria).toEqual(bobCheck.body.criteria);

    const json = (await instructor.call('GET', `/api/classes/${klass.id}/export.json`)).body;
    const byStudent = (id: string) => json.filter((r: { student_id: string }) => r.student_id === id);
    expect(json).toHaveLength(3 * lesson.exercises.length);
    expect(byStudent(ann.id)[0]).toMatchObject({
      status: 'passed',
      score: 100,
      attempts: 1,
      passed_criteria: annCheck.body.criteria.map((c: { id: string }) => c.id),
      revealed: null,
    });
    expect(byStudent(ann.id)[0].time_to_pass_s).toBeGreaterThanOrEqual(0);
    expect(byStudent(bob.id)[0]).toMatchObject({
      status: bobCheck.body.criteria.some((c: { pass: boolean }) => c.pass) ? 'partial' : 'failed',
      score: bobCheck.body.score,
      attempts: 1,
      time_to_pass_s: null,
    });
    expect(byStudent(cy.id)[0]).toMatchObject({ status: 'not tried', attempts: 0, score: null });

    const csv = (await instructor.call('GET', `/api/classes/${klass.id}/export.csv`)).text;
    const env = { ...process.env, MAILLAB_DATA_DIR: dataDir };
    const cliJson = await run('node', [BIN, 'class', 'export', klass.joinCode, '--json'], { env });
    const cliCsv = await run('node', [BIN, 'class', 'export', klass.id, '--csv'], { env });
    expect(JSON.parse(cliJson.stdout)).toEqual(json);
    expect(cliCsv.stdout).toBe(csv);
    expect(csv.split('\r\n')[1]).toMatch(
      new RegExp(`^${klass.id},Integration class,${ann.id},Ann,,${LESSON},null-client,passed,100,`),
    );
  });

  it('keeps every attempt, every session and every lab across a server restart', async () => {
    const before = (await instructor.call('GET', `/api/classes/${klass.id}/export.json`)).body;
    await server.close();
    services.db.close();
    await start();
    // The restarted server has a new port here; the browsers keep their cookies.
    instructor = classClient(server.url, instructor.cookie);
    for (const s of students) s.client = classClient(server.url, s.client.cookie);
    for (const s of students) {
      // The same cookie, on the restarted server: the student's session and lab are there.
      const page = await s.client.call('GET', `/api/lessons/${LESSON}`);
      expect(page.status).toBe(200);
      expect(page.body.lab).toMatchObject({ labId: s.labId, status: 'ready' });
    }
    expect((await instructor.call('GET', `/api/classes/${klass.id}/export.json`)).body).toEqual(before);
    // The class goes on: a check after the restart is recorded beside the ones before.
    const [, bob] = students;
    await bob?.client.call('POST', `/api/labs/${bob.labId}/exercises/null-client/check`);
    const grid = (await instructor.call('GET', `/api/classes/${klass.id}/grid`)).body;
    const bobRow = grid.students.find((s: { id: string }) => s.id === bob?.id);
    expect(bobRow.cells[`${LESSON}/null-client`].attempts).toBe(2);
  });
});
