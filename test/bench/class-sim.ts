// A simulated class on the real engine, through the real HTTP API in classroom mode: N students join,
// each asks for lesson 06's lab at once, the fair queue lets them in `wave` at a time (the lab limit),
// each solves, presses Check, and finishes, which lets the next one in. Measures queue waits, ready
// times, check times, the labs' memory at the fullest moment and the server's RSS, and counts every
// Check made against the attempts the store recorded. Used by test/integration/class-of-30.test.ts
// and by `npm run bench` (test/bench/class.ts).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GradeRow } from '../../server/classroom/grades.ts';
import { compose, type Services } from '../../server/compose.ts';
import type { Config } from '../../server/config.ts';
import { serve } from '../../server/http/serve.ts';
import { SessionGate } from '../../server/http/session.ts';
import { joinClass, startAndWait } from '../support/classroom-client.ts';
import { memoryOf } from './raw.ts';

const LESSON = '06-null-client';
const MiB = 1024 * 1024;

export interface StudentRun {
  id: string;
  queuedMs: number;
  readyMs: number;
  checkMs: number;
  passed: boolean;
}

export interface ClassRun {
  students: number;
  wave: number;
  wallMs: number;
  runs: StudentRun[];
  checksMade: number;
  attemptsRecorded: number;
  passedInExport: number;
  mostLabsAtOnce: number;
  /** Sum over the labs up at the fullest sample (3 containers each), MiB. */
  labsMemoryMiB: number;
  labsAtMemorySample: number;
  serverRssMiB: { before: number; peak: number };
}

export async function simulateClass(
  base: Config,
  opts: { students: number; wave: number; log?: (line: string) => void },
): Promise<ClassRun> {
  const log = opts.log ?? (() => {});
  const dataDir = await mkdtemp(path.join(tmpdir(), 'maillab-class-sim-'));
  // Its own owner prefix: students' labs carry it, and this server takes over no other run's labs
  // (another test file's, on the same engine, would count against the wave's limit).
  const services: Services = await compose({
    ...base,
    owner: `${base.owner === 'local' ? 'class-sim' : base.owner}-${process.pid}`,
    dataDir,
    maxLabs: opts.wave,
  });
  const server = await serve(services, {
    host: '127.0.0.1',
    port: 0,
    log: () => {},
    buildImage: false,
    classroom: true,
    session: SessionGate.ephemeral(),
  });
  const klass = services.classroom.create(`Simulated class of ${opts.students}`, ['06']);
  const lesson = services.lessons.get(LESSON);
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  let mostLabs = 0;
  let memory = { bytes: 0, labs: 0 };
  let sampling = true;
  // Only this class's labs: the server may also have taken over labs an earlier run left (same owner prefix).
  const classLabs = () => {
    const ids = new Set(services.classes.students(klass.id).map((s) => s.id));
    return services.labs.list().filter((l) => ids.has(l.owner));
  };
  const sampler = (async () => {
    while (sampling) {
      const up = classLabs().filter((l) => l.status === 'ready');
      mostLabs = Math.max(mostLabs, classLabs().filter((l) => l.status !== 'failed').length);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      if (up.length >= memory.labs && up.length > 0) {
        // The grader's container name is random per lab: take every name from the engine.
        const labs = await Promise.all(up.map((l) => services.runtime.getLab(l.labId)));
        const names = labs.flatMap((info) => info?.hosts.map((h) => h.containerName) ?? []);
        const values = await memoryOf(services.engine.docker, names).catch(() => ({}));
        const bytes = Object.values(values).reduce((a, b) => a + b, 0);
        if (up.length > memory.labs || bytes > memory.bytes) memory = { bytes, labs: up.length };
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const began = Date.now();
  let checksMade = 0;
  try {
    const students = await Promise.all(
      Array.from({ length: opts.students }, (_, i) =>
        joinClass(server.url, klass.joinCode, `Student ${i + 1}`),
      ),
    );
    const runs = await Promise.all(
      students.map(async ({ client, id }, i): Promise<StudentRun> => {
        const lab = await startAndWait(client, '06', 30 * 60_000);
        log(
          `student ${i + 1}: lab ready after ${(lab.queuedMs / 1000).toFixed(1)} s in the queue and ${(lab.readyMs / 1000).toFixed(1)} s starting`,
        );
        for (const exercise of lesson.exercises) await services.checker.solve(lab.labId, lesson, exercise);
        const t = Date.now();
        const check = await client.call('POST', `/api/labs/${lab.labId}/exercises/null-client/check`);
        if (check.status !== 200) throw new Error(`check answered ${check.status}: ${check.text}`);
        checksMade++;
        const checkMs = Date.now() - t;
        const passed = check.body.criteria.every((c: { pass: boolean }) => c.pass);
        const finished = await client.call('DELETE', `/api/labs/${lab.labId}`);
        if (finished.status !== 204) throw new Error(`finish answered ${finished.status}: ${finished.text}`);
        return { id, queuedMs: lab.queuedMs, readyMs: lab.readyMs, checkMs, passed };
      }),
    );
    const wallMs = Date.now() - began;
    const owners = runs.map((r) => r.id);
    const rows: GradeRow[] = services.classroom.grades(klass.id);
    return {
      students: opts.students,
      wave: opts.wave,
      wallMs,
      runs,
      checksMade,
      attemptsRecorded: services.progress.attempts(owners).length,
      passedInExport: rows.filter((r) => r.exercise === 'null-client' && r.status === 'passed').length,
      mostLabsAtOnce: mostLabs,
      labsMemoryMiB: Number((memory.bytes / MiB).toFixed(1)),
      labsAtMemorySample: memory.labs,
      serverRssMiB: {
        before: Number((rssBefore / MiB).toFixed(1)),
        peak: Number((rssPeak / MiB).toFixed(1)),
      },
    };
  } finally {
    sampling = false;
    await sampler;
    // Whatever happened, no lab of this class is left: also ones still being created when it failed.
    const ids = new Set(services.classes.students(klass.id).map((s) => s.id));
    for (const lab of services.labs.list())
      if (ids.has(lab.owner)) await services.labs.finish(lab.labId).catch(() => {});
    for (const info of await services.runtime.listLabs())
      if (ids.has(info.owner)) await services.runtime.destroyLab(info.labId).catch(() => {});
    await server.close();
    services.db.close();
  }
}
