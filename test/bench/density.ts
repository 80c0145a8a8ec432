// The density run: many labs of lesson 06 for as many owners on one machine, started in waves the
// machine allows, each graded once, while a prober asks the server for a small page every 100 ms.
// Reports each lab's ready time beside a lone lab's, memory per lab, and the server's response times
// throughout. The server runs in this process (in-process `serve`) so the prober measures its event loop
// under the load of every lab's start and check.
import { performance } from 'node:perf_hooks';
import type { Services } from '../../server/compose.ts';
import { serve } from '../../server/http/serve.ts';
import type { LabState } from '../../server/labs/lab-service.ts';
import { memoryOf } from './raw.ts';
import { type Percentiles, percentiles } from './stats.ts';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DensityRow {
  labs: number;
  wave: number;
  loneReadyMs: number;
  readyMs: Percentiles;
  gradeMs: Percentiles;
  passedFresh: number;
  memoryPerLabMiB: number;
  totalMemoryGiB: number;
  serverResponseMs: Percentiles;
  failed: string[];
}

export async function densityRun(
  services: Services,
  opts: { labs: number; wave: number; lesson: string; ownerPrefix: string; onLab?: (labId: string) => void },
): Promise<DensityRow> {
  const lone = await services.labs.start(`${opts.ownerPrefix}-lone`, opts.lesson);
  const l0 = performance.now();
  await lone.ready;
  const loneReadyMs = performance.now() - l0;
  opts.onLab?.(lone.labId);
  await services.labs.finish(lone.labId);

  services.labs.adopt = async () => ({ adopted: 0, removed: 0 });
  const server = await serve(services, {
    host: '127.0.0.1',
    port: 0,
    log: () => {},
    ownerOf: () => 'prober',
  });
  const login = await fetch(server.loginUrl, { redirect: 'manual' });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const responses: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const t0 = performance.now();
      await fetch(`${server.url}/api/lessons`, { headers: { cookie } }).then((r) => r.arrayBuffer());
      responses.push(performance.now() - t0);
      await sleep(100);
    }
  })();

  const ready: number[] = [];
  const grades: number[] = [];
  const failed: string[] = [];
  const labs: LabState[] = [];
  let passedFresh = 0;
  try {
    for (let started = 0; started < opts.labs; started += opts.wave) {
      const wave = Array.from({ length: Math.min(opts.wave, opts.labs - started) }, (_, i) => started + i);
      await Promise.all(
        wave.map(async (n) => {
          const t0 = performance.now();
          const lab = await services.labs.start(`${opts.ownerPrefix}-${n}`, opts.lesson);
          opts.onLab?.(lab.labId);
          labs.push(lab);
          try {
            await lab.ready;
            ready.push(performance.now() - t0);
          } catch (err) {
            failed.push(`${lab.labId}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }),
      );
      log(`density: ${Math.min(started + opts.wave, opts.labs)}/${opts.labs} labs started`);
    }
    // Each lab graded once, a wave at a time, as a class pressing Check.
    const live = labs.filter((l) => l.status === 'ready');
    for (let i = 0; i < live.length; i += opts.wave) {
      await Promise.all(
        live.slice(i, i + opts.wave).map(async (lab) => {
          const t0 = performance.now();
          const report = await services.labs.grade(lab.labId);
          grades.push(performance.now() - t0);
          if (report.score === 100) passedFresh++;
        }),
      );
    }
    await sleep(3000);
    let bytes = 0;
    for (const lab of live) {
      const info = await services.runtime.getLab(lab.labId);
      const usage = await memoryOf(services.engine.docker, info?.hosts.map((h) => h.containerName) ?? []);
      bytes += Object.values(usage).reduce((a, b) => a + b, 0);
    }
    return {
      labs: opts.labs,
      wave: opts.wave,
      loneReadyMs,
      readyMs: percentiles(ready),
      gradeMs: percentiles(grades.length ? grades : [Number.NaN]),
      passedFresh,
      memoryPerLabMiB: Number((bytes / Math.max(1, live.length) / 1024 / 1024).toFixed(1)),
      totalMemoryGiB: Number((bytes / 1024 ** 3).toFixed(2)),
      serverResponseMs: percentiles(responses),
      failed,
    };
  } finally {
    probing = false;
    await prober;
    for (const lab of labs) await services.labs.finish(lab.labId).catch(() => {});
    await server.close();
  }
}
