// `npm run bench`: maillab's speed and memory on the real engine, each figure beside a raw baseline
// measured in the same run (see test/bench/README.md). Writes test/bench/results/latest.json.
//
//   BENCH_RUNS=4          lab starts (maillab and raw, alternating) and checks per kind
//   BENCH_ECHO_SAMPLES=200 keystrokes per terminal
//   BENCH_BROWSER=1       the Chromium rows (echo beside wetty, the 14 MB flood); 0 skips them
//   BENCH_BROWSER_SAMPLES=250, BENCH_BROWSER_ROUNDS=4   keystrokes per round, rounds (maillab, wetty, …):
//                        1,000 samples each, so that p99 is not the second-slowest of 200
//   BENCH_DENSITY=40      labs of lesson 06 at once for the density run (0 skips it), in waves of
//   BENCH_DENSITY_WAVE=<cores> labs at a time

import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type { Services } from '../../server/compose.ts';
import { compose } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { serve } from '../../server/http/serve.ts';
import type { LabState } from '../../server/labs/lab-service.ts';
import { containerName } from '../../server/runtime/labels.ts';
import type { ExecOptions } from '../../server/runtime/runtime.ts';
import { type BrowserRows, browserRows } from './browser-rows.ts';
import { type DensityRow, densityRun } from './density.ts';
import { childrenRss, Listener, measureEcho, ptyTerminal, type Terminal, webSocketTerminal } from './echo.ts';
import {
  docker,
  memoryOf,
  RAW_HOSTS,
  type RawLab,
  rawLabRemove,
  rawLabStart,
  rawSmtpRoundTrip,
  removeBenchLeftovers,
} from './raw.ts';
import {
  fmtPercentiles,
  fmtSummary,
  type Percentiles,
  percentiles,
  ratio,
  type Summary,
  summarize,
  table,
} from './stats.ts';

// The benchmark uses the offline image that is already built; it never pulls a base or builds.
process.env.MAILLAB_IMAGE = 'offline';
// Spares are made only where a row asks for one; the pool must not start labs behind the measurements.
process.env.MAILLAB_SPARE_LABS = '0';
// The density run holds BENCH_DENSITY labs at once, beyond the default limit of 20.
process.env.MAILLAB_MAX_LABS = String(Math.max(20, Number(process.env.BENCH_DENSITY ?? 40) + 4));

const RUNS = Number(process.env.BENCH_RUNS ?? 4);
const ECHO_SAMPLES = Number(process.env.BENCH_ECHO_SAMPLES ?? 200);
const IDLE_BEFORE_MEMORY_MS = 5000;
const BROWSER = process.env.BENCH_BROWSER !== '0';
const BROWSER_SAMPLES = Number(process.env.BENCH_BROWSER_SAMPLES ?? 250);
const BROWSER_ROUNDS = Number(process.env.BENCH_BROWSER_ROUNDS ?? 4);
const DENSITY = Number(process.env.BENCH_DENSITY ?? 40);
// Waves as wide as the machine has cores: with 4 at once on 2 cores a lab took 3.8× a lone one's time.
const DENSITY_WAVE = Number(process.env.BENCH_DENSITY_WAVE ?? os.availableParallelism());
const BIN = new URL('../../bin/maillab.mjs', import.meta.url).pathname;
const runFile = promisify(execFile);

/** `maillab lab start 06` as a user types it, wall clock from spawn to exit. */
async function cliStart(env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  const t0 = performance.now();
  const { stdout } = await runFile('node', [BIN, 'lab', 'start', LESSON], { env, timeout: 300_000 });
  return { ms: performance.now() - t0, stdout };
}
const LESSON = '06';
const OWNER = `bench-${process.pid}`;
const MiB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => ms / 1000;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

/** Everything the run created, so `finally` (and Ctrl-C) can remove it. */
const cleanup = {
  labs: new Set<string>(),
  containers: new Set<string>(),
  networks: new Set<string>(),
  terminals: new Set<Terminal>(),
};

async function cleanUp(services: Services | undefined): Promise<void> {
  for (const t of cleanup.terminals) t.close();
  cleanup.terminals.clear();
  for (const labId of cleanup.labs) await services?.labs.finish(labId).catch(() => {});
  cleanup.labs.clear();
  for (const c of cleanup.containers) await docker(['rm', '-f', '-v', c]).catch(() => {});
  cleanup.containers.clear();
  for (const n of cleanup.networks) await docker(['network', 'rm', n]).catch(() => {});
  cleanup.networks.clear();
}

async function removeRaw(lab: RawLab): Promise<number> {
  const ms = await rawLabRemove(lab);
  for (const c of Object.values(lab.containers)) cleanup.containers.delete(c);
  cleanup.networks.delete(lab.network);
  return ms;
}

/** Starts lesson 06's lab and times it, reading the progress messages as they appear for the split. */
async function startLab(
  services: Services,
  exec: ExecRecorder,
): Promise<{ lab: LabState; ms: number; split: StartSplit }> {
  const seen: { message: string; at: number }[] = [];
  const t0 = performance.now();
  const { value: lab, calls } = await exec.record(async () => {
    const lab = await services.labs.start(OWNER, LESSON);
    cleanup.labs.add(lab.labId);
    const watch = setInterval(() => {
      while (seen.length < lab.progress.length)
        seen.push({ message: lab.progress[seen.length] as string, at: performance.now() - t0 });
    }, 2);
    try {
      await lab.ready;
    } finally {
      clearInterval(watch);
    }
    return lab;
  });
  const ms = performance.now() - t0;
  const at = (re: RegExp) => seen.find((s) => re.test(s.message))?.at ?? Number.NaN;
  const boot = at(/^Waiting for systemd/);
  const setup = at(/^Preparing the lab/);
  return {
    lab,
    ms,
    split: {
      createMs: boot,
      bootMs: setup - boot,
      setupMs: ms - setup,
      setupStepsMs: calls.map((c) => c.ms),
      progress: seen.map((s) => ({ message: s.message, atMs: Math.round(s.at) })),
    },
  };
}

interface StartSplit {
  /** start() until the last container is started: network, 3× create + start. */
  createMs: number;
  /** Waiting for systemd on every host, plus writing /etc/hosts. */
  bootMs: number;
  /** The lesson's setup scripts. */
  setupMs: number;
  /** Each setup script, in the lesson's order. */
  setupStepsMs: number[];
  progress: { message: string; atMs: number }[];
}

type ExecRecorder = ReturnType<typeof instrumentExec>;

/** Records how long each lesson script's `runtime.exec` takes while `on` is set: steps, one by one. */
function instrumentExec(services: Services) {
  const runtime = services.runtime;
  const original = runtime.exec.bind(runtime);
  // step: `host:script`, or `host:collect` for a copy (what exercise.check names each step).
  const calls: { host: string; ms: number; step: string }[] = [];
  let on = false;
  runtime.exec = async (labId: string, host: string, argv: string[], options?: ExecOptions) => {
    const t0 = performance.now();
    try {
      return await original(labId, host, argv, options);
    } finally {
      // Only lesson scripts (setup, checks, solutions): the step runner names them `maillab:<script>`.
      if (on && argv[5]?.startsWith('maillab:'))
        calls.push({ host, ms: performance.now() - t0, step: `${host}:${argv[5].slice('maillab:'.length)}` });
    }
  };
  // Collect steps copy through the engine instead of running a script: they are steps too.
  const originalCopy = runtime.copyFiles.bind(runtime);
  runtime.copyFiles = async (labId, from, to, request) => {
    const t0 = performance.now();
    try {
      return await originalCopy(labId, from, to, request);
    } finally {
      // awaitNonce copies again until the nonce shows up: one step, however many copies. Copies from
      // different hosts run side by side, so they are told apart by host, not by order.
      const step = `${from}:collect`;
      const earlier = calls.find((c) => c.step === step);
      if (on && earlier) earlier.ms += performance.now() - t0;
      else if (on) calls.push({ host: from, ms: performance.now() - t0, step });
    }
  };
  return {
    record<T>(
      fn: () => Promise<T>,
    ): Promise<{ value: T; calls: { host: string; ms: number; step: string }[] }> {
      calls.length = 0;
      on = true;
      return fn().then(
        (value) => {
          on = false;
          return { value, calls: [...calls] };
        },
        (err) => {
          on = false;
          throw err;
        },
      );
    },
  };
}

async function labMemory(services: Services, lab: LabState): Promise<number> {
  // The grader's container name is random per lab: take every name from the engine.
  const names = (await services.runtime.getLab(lab.labId))?.hosts.map((h) => h.containerName) ?? [];
  const values = await memoryOf(services.engine.docker, names);
  return Object.values(values).reduce((a, b) => a + b, 0);
}

async function machineFacts(services: Services, image: string) {
  const info = await services.runtime.info();
  return {
    nproc: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryBytes: os.totalmem(),
    totalMemoryGiB: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    kernel: os.release(),
    node: process.version,
    engine: info.product,
    dockerVersion: await docker(['version', '--format', '{{.Server.Version}}']),
    dockerClientVersion: await docker(['version', '--format', '{{.Client.Version}}']),
    cgroupVersion: info.cgroupVersion,
    image,
  };
}

async function main(): Promise<void> {
  const began = performance.now();
  const services = await compose(readConfig());
  await services.runtime.ping();
  const choice = await services.images.find();
  if (choice?.flavor !== 'offline')
    throw new Error(
      'The offline lab image for the current containers/offline recipe is not built. Build it first ' +
        '(MAILLAB_IMAGE=offline npx maillab images build); the benchmark never builds or pulls.',
    );
  const image = choice.image;
  const engineInfo = await services.runtime.info();
  const lesson = services.lessons.get(LESSON);
  const exercise = lesson.exercises.find((e) => e.kind !== 'quiz');
  if (!exercise) throw new Error(`lesson ${lesson.id} has no checked exercise`);
  const exec = instrumentExec(services);
  log(`image ${image}; ${RUNS} runs; ${ECHO_SAMPLES} echo samples`);

  const stop = () => {
    log('interrupted: cleaning up');
    void cleanUp(services).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  const leftovers = await removeBenchLeftovers();
  if (leftovers) log(`removed ${leftovers} leftovers of an earlier bench run`);

  try {
    const machine = await machineFacts(services, image);

    // 1 + 4. Lab-ready time and memory per lab, maillab and raw alternating, each alone on the engine.
    const labStart: number[] = [];
    const labSplits: StartSplit[] = [];
    const labFinish: number[] = [];
    const labMem: number[] = [];
    const rawStart: number[] = [];
    const rawBoot: number[] = [];
    const rawRemove: number[] = [];
    const rawMem: number[] = [];
    const preparedStart: number[] = [];
    const preparedBoot: number[] = [];
    // The lesson's prepared images (its setup done ahead), made now unless an earlier run made them.
    const p0 = performance.now();
    const preparation = await services.prepared.prepare(lesson, image);
    const prepareMs = performance.now() - p0;
    if (preparation.status !== 'ready' && preparation.status !== 'existed')
      throw new Error(`lesson ${lesson.id} could not be prepared: ${JSON.stringify(preparation)}`);
    log(`prepared images of ${lesson.id}: ${preparation.status} (${seconds(prepareMs).toFixed(1)} s)`);
    for (let i = 0; i < RUNS; i++) {
      const raw = await rawLabStart(image, engineInfo.cgroupVersion, ({ container, network }) => {
        if (container) cleanup.containers.add(container);
        if (network) cleanup.networks.add(network);
      });
      rawStart.push(raw.ms);
      rawBoot.push(raw.bootMs);
      await sleep(IDLE_BEFORE_MEMORY_MS);
      const rawMemory = await memoryOf(
        services.engine.docker,
        RAW_HOSTS.map((h) => raw.lab.containers[h]),
      );
      rawMem.push(Object.values(rawMemory).reduce((a, b) => a + b, 0));
      rawRemove.push(await removeRaw(raw.lab));
      log(`run ${i + 1}/${RUNS}: raw 3 containers booted in ${seconds(raw.ms).toFixed(2)} s`);

      // A's and B's: the lab that runs its setup (a lesson's first lab), and one from prepared images.
      services.prepared.setEnabled(false);
      const { lab, ms, split } = await startLab(services, exec);
      services.prepared.setEnabled(true);
      labStart.push(ms);
      labSplits.push(split);
      await sleep(IDLE_BEFORE_MEMORY_MS);
      labMem.push(await labMemory(services, lab));
      const f0 = performance.now();
      await services.labs.finish(lab.labId);
      labFinish.push(performance.now() - f0);
      cleanup.labs.delete(lab.labId);
      log(`run ${i + 1}/${RUNS}: maillab lab ready in ${seconds(ms).toFixed(2)} s`);

      const fromImages = await startLab(services, exec);
      if (!fromImages.split.progress.some((p) => /setup was done ahead/.test(p.message)))
        throw new Error('the lab did not boot from the prepared images');
      preparedStart.push(fromImages.ms);
      preparedBoot.push(fromImages.ms - fromImages.split.createMs);
      await services.labs.finish(fromImages.lab.labId);
      cleanup.labs.delete(fromImages.lab.labId);
      log(
        `run ${i + 1}/${RUNS}: maillab lab from prepared images ready in ${seconds(fromImages.ms).toFixed(2)} s`,
      );
    }

    // 2. Check time on a fresh lab, then on the same lab solved; raw SMTP round trip on the solved lab.
    const { lab } = await startLab(services, exec);
    const checkFresh: number[] = [];
    const checkSolved: number[] = [];
    const stepsFresh: Record<string, number>[] = [];
    const stepsSolved: Record<string, number>[] = [];
    // Timed until the result; each step recorded until the clean-up behind the result is done too.
    const timedCheck = async (times: number[], steps: Record<string, number>[]) => {
      const t0 = performance.now();
      const { value, calls } = await exec.record(async () => {
        const result = await services.checker.checkExercise(lab.labId, lesson, exercise);
        times.push(performance.now() - t0);
        await services.checker.whenIdle(lab.labId);
        return result;
      });
      steps.push(Object.fromEntries(calls.map((c) => [c.step, c.ms])));
      return value;
    };
    for (let i = 0; i < RUNS; i++) {
      const value = await timedCheck(checkFresh, stepsFresh);
      if (value.criteria.every((c) => c.pass)) throw new Error('a fresh lab passed the check');
    }
    await services.checker.solve(lab.labId, lesson, exercise);
    for (let i = 0; i < RUNS; i++) {
      const value = await timedCheck(checkSolved, stepsSolved);
      if (!value.criteria.every((c) => c.pass))
        throw new Error(`the solved lab failed: ${JSON.stringify(value.criteria.filter((c) => !c.pass))}`);
    }
    log(
      `checks: fresh ${summarize(checkFresh).median.toFixed(0)} ms, solved ${summarize(checkSolved).median.toFixed(0)} ms`,
    );
    const hostName = (h: string) => containerName(lab.labId, h);
    const smtp: number[] = [];
    for (let i = 0; i < RUNS; i++) smtp.push(await rawSmtpRoundTrip(hostName('desktop'), hostName('server')));
    log(`raw SMTP round trip ${summarize(smtp).median.toFixed(0)} ms`);
    // What one step costs before its script does anything: maillab's exec of `true` vs the CLI's.
    const execTrue: number[] = [];
    const cliTrue: number[] = [];
    for (let i = 0; i < 10; i++) {
      let t0 = performance.now();
      await services.runtime.exec(lab.labId, 'desktop', ['true']);
      execTrue.push(performance.now() - t0);
      t0 = performance.now();
      await docker(['exec', hostName('desktop'), 'true']);
      cliTrue.push(performance.now() - t0);
    }
    const stepNames = exercise.check.map((s) => `${s.host}:${'script' in s ? s.script : 'collect'}`);
    const stepMedians = (runs: Record<string, number>[]) =>
      Object.fromEntries(
        stepNames.map((name) => [name, summarize(runs.map((r) => r[name] ?? Number.NaN)).median]),
      );

    // 3 + 4b. Keystroke echo through the real server, and its memory with two terminals open.
    // adopt() would take over (or remove as broken) labs other processes on this engine are creating.
    services.labs.adopt = async () => ({ adopted: 0, removed: 0 });
    const server = await serve(services, {
      host: '127.0.0.1',
      port: 0,
      log: () => {},
      ownerOf: () => OWNER,
    });
    let echoServer: number[];
    let rss: { before: number; after: number; execClients: { count: number; bytes: number } };
    try {
      await sleep(500);
      const rssBefore = process.memoryUsage().rss;
      // A session, as a browser gets from the printed link.
      const login = await fetch(server.loginUrl, { redirect: 'manual' });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const desktop = await webSocketTerminal(server.url, lab.labId, 'desktop', lab.token, cookie);
      cleanup.terminals.add(desktop.terminal);
      const mailServer = await webSocketTerminal(server.url, lab.labId, 'server', lab.token, cookie);
      cleanup.terminals.add(mailServer.terminal);
      await desktop.listener.settle(/# $/);
      await mailServer.listener.settle(/# $/);
      await sleep(500);
      rss = {
        before: rssBefore,
        after: process.memoryUsage().rss,
        execClients: childrenRss('docker'),
      };
      echoServer = await measureEcho(desktop.listener, ECHO_SAMPLES);
      log(`echo via maillab: ${fmtPercentiles(percentiles(echoServer))}`);
      desktop.terminal.close();
      mailServer.terminal.close();
    } finally {
      await server.close();
    }

    // Baselines: node-pty on the very command maillab runs, and on a local bash.
    const command = await services.runtime.shellCommand(lab.labId, 'desktop');
    const direct = new Listener(ptyTerminal(command.file, command.args, command.env));
    cleanup.terminals.add(direct.terminal);
    await direct.settle(/# $/);
    const echoDirect = await measureEcho(direct, ECHO_SAMPLES);
    direct.terminal.close();
    log(`echo via docker exec pty: ${fmtPercentiles(percentiles(echoDirect))}`);
    const local = new Listener(
      ptyTerminal('/bin/bash', ['--noprofile', '--norc', '-i'], { PS1: 'bench$ ', TERM: 'xterm-256color' }),
    );
    cleanup.terminals.add(local.terminal);
    await local.settle(/bench\$ $/);
    const echoLocal = await measureEcho(local, ECHO_SAMPLES);
    local.terminal.close();
    log(`echo via local bash pty: ${fmtPercentiles(percentiles(echoLocal))}`);

    // 3b. What a student sees in Chromium: echo beside wetty on the same host, and a 14 MB flood.
    let browser: BrowserRows | undefined;
    if (BROWSER) {
      browser = await browserRows({
        env: { ...process.env, MAILLAB_OWNER: OWNER },
        labId: lab.labId,
        lesson: lesson.id,
        desktopContainer: hostName('desktop'),
        samples: BROWSER_SAMPLES,
        rounds: BROWSER_ROUNDS,
      });
      log(
        `browser echo: maillab ${fmtPercentiles(browser.echo.maillab)}; wetty ${browser.echo.wetty ? fmtPercentiles(browser.echo.wetty) : browser.echo.wettyMissing}`,
      );
    }

    // 3c. The whole lesson graded on the solved lab (every exercise, as Check all / lab grade does).
    const wholeLesson: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const report = await services.labs.grade(lab.labId);
      wholeLesson.push(performance.now() - t0);
      if (report.score !== 100) throw new Error(`the solved lab graded ${report.score}%`);
    }
    await services.labs.finish(lab.labId);
    cleanup.labs.delete(lab.labId);

    // 1b. The CLI's start: cold (no spare) and with a spare lab waiting, each as a user types it.
    const cliEnv = (owner: string, spares: string, prepared = '1') => ({
      ...process.env,
      MAILLAB_OWNER: owner,
      MAILLAB_STATE_DIR: services.config.stateDir,
      MAILLAB_SPARE_LABS: spares,
      MAILLAB_PREPARED_IMAGES: prepared,
    });
    const cliCold: number[] = [];
    const cliPrepared: number[] = [];
    const cliSpare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const coldOwner = `${OWNER}-cold-${i}`;
      cliCold.push((await cliStart(cliEnv(coldOwner, '0', '0'))).ms);
      await services.labs.finishAll(coldOwner, LESSON);
      const preparedOwner = `${OWNER}-prepared-${i}`;
      cliPrepared.push((await cliStart(cliEnv(preparedOwner, '0'))).ms);
      await services.labs.finishAll(preparedOwner, LESSON);
      const spare = services.labs.startSpare(LESSON);
      cleanup.labs.add(spare.labId);
      await spare.ready;
      await sleep(1000);
      const spareOwner = `${OWNER}-spare-${i}`;
      const taken = await cliStart(cliEnv(spareOwner, '0'));
      if (!taken.stdout.includes(`Lab ${spare.labId} is ready`))
        throw new Error(`the CLI did not take the spare lab ${spare.labId}:\n${taken.stdout}`);
      cliSpare.push(taken.ms);
      await services.labs.finishAll(spareOwner, LESSON);
      cleanup.labs.delete(spare.labId);
      log(
        `run ${i + 1}/${RUNS}: CLI start cold ${seconds(cliCold.at(-1) ?? 0).toFixed(2)} s, prepared ${seconds(cliPrepared.at(-1) ?? 0).toFixed(2)} s, with a spare ${seconds(taken.ms).toFixed(2)} s`,
      );
    }

    // 5. Density: many labs at once, each graded once, the server probed throughout.
    let density: DensityRow | undefined;
    if (DENSITY > 0) {
      density = await densityRun(services, {
        labs: DENSITY,
        wave: DENSITY_WAVE,
        lesson: LESSON,
        ownerPrefix: `${OWNER}-density`,
        onLab: (labId) => cleanup.labs.add(labId),
      });
      log(
        `density: ${density.labs} labs, ready p50 ${(density.readyMs.p50 / 1000).toFixed(2)} s p95 ${(density.readyMs.p95 / 1000).toFixed(2)} s (lone ${(density.loneReadyMs / 1000).toFixed(2)} s), server p99 ${density.serverResponseMs.p99.toFixed(1)} ms, ${density.memoryPerLabMiB} MiB/lab`,
      );
    }

    const results = {
      labReady: {
        maillabMs: summarize(labStart),
        rawMs: summarize(rawStart),
        ratio: ratio(summarize(labStart).median, summarize(rawStart).median),
        maillabSplitMs: {
          create: summarize(labSplits.map((s) => s.createMs)),
          bootAndHosts: summarize(labSplits.map((s) => s.bootMs)),
          setup: summarize(labSplits.map((s) => s.setupMs)),
        },
        setupStepMediansMs: Object.fromEntries(
          lesson.setup.map((step, i) => [
            `${step.host}:${step.script}`,
            summarize(labSplits.map((s) => s.setupStepsMs[i] ?? Number.NaN)).median,
          ]),
        ),
        rawBootMs: summarize(rawBoot),
        preparedMs: summarize(preparedStart),
        preparedBootMs: summarize(preparedBoot),
        preparedRatio: ratio(summarize(preparedStart).median, summarize(rawStart).median),
        prepareOnceMs: preparation.status === 'ready' ? prepareMs : undefined,
        samples: { maillab: labStart, prepared: preparedStart, raw: rawStart },
        lastProgress: labSplits.at(-1)?.progress ?? [],
      },
      labTeardown: {
        maillabMs: summarize(labFinish),
        rawMs: summarize(rawRemove),
        ratio: ratio(summarize(labFinish).median, summarize(rawRemove).median),
      },
      check: {
        solvedMs: summarize(checkSolved),
        freshMs: summarize(checkFresh),
        rawSmtpRoundTripMs: summarize(smtp),
        solvedRatio: ratio(summarize(checkSolved).median, summarize(smtp).median),
        freshRatio: ratio(summarize(checkFresh).median, summarize(smtp).median),
        solvedStepMediansMs: stepMedians(stepsSolved),
        freshStepMediansMs: stepMedians(stepsFresh),
        samples: { solved: checkSolved, fresh: checkFresh, smtp },
      },
      execOverhead: {
        maillabExecTrueMs: summarize(execTrue),
        dockerCliExecTrueMs: summarize(cliTrue),
        ratio: ratio(summarize(execTrue).median, summarize(cliTrue).median),
      },
      keystrokeEcho: {
        maillabWebSocketMs: percentiles(echoServer),
        dockerExecPtyMs: percentiles(echoDirect),
        localBashPtyMs: percentiles(echoLocal),
        p50OverheadVsDockerExecMs: Number(
          (percentiles(echoServer).p50 - percentiles(echoDirect).p50).toFixed(3),
        ),
      },
      cliStart: {
        coldMs: summarize(cliCold),
        preparedMs: summarize(cliPrepared),
        withSpareMs: summarize(cliSpare),
        rawLabReadyMs: summarize(rawStart),
        spareRatio: ratio(summarize(cliSpare).median, summarize(rawStart).median),
        samples: { cold: cliCold, prepared: cliPrepared, spare: cliSpare },
      },
      wholeLessonGrade: {
        lesson: lesson.id,
        exercises: lesson.exercises.length,
        solvedMs: summarize(wholeLesson),
        rawSmtpRoundTripMs: summarize(smtp),
      },
      ...(browser ? { browser } : {}),
      ...(density ? { density } : {}),
      memory: {
        perLabMiB: summarize(labMem.map((b) => b / MiB)),
        rawPerLabMiB: summarize(rawMem.map((b) => b / MiB)),
        ratio: ratio(summarize(labMem).median, summarize(rawMem).median),
        serverRssMiB: {
          beforeTerminals: Number((rss.before / MiB).toFixed(1)),
          withTwoTerminals: Number((rss.after / MiB).toFixed(1)),
          deltaPerTerminal: Number(((rss.after - rss.before) / 2 / MiB).toFixed(1)),
        },
        execClientRssMiB: {
          processes: rss.execClients.count,
          total: Number((rss.execClients.bytes / MiB).toFixed(1)),
        },
      },
    };

    const durationS = Number(seconds(performance.now() - began).toFixed(1));
    const report = {
      bench: 'maillab',
      at: new Date().toISOString(),
      durationS,
      settings: {
        runs: RUNS,
        echoSamples: ECHO_SAMPLES,
        idleBeforeMemoryMs: IDLE_BEFORE_MEMORY_MS,
        lesson: lesson.id,
      },
      machine,
      results,
    };
    const dir = new URL('./results/', import.meta.url);
    await mkdir(dir, { recursive: true });
    await writeFile(new URL('latest.json', dir), `${JSON.stringify(report, null, 2)}\n`);

    print(report.machine, results, durationS);
  } finally {
    await cleanUp(services);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function print(
  machine: Awaited<ReturnType<typeof machineFacts>>,
  r: {
    labReady: {
      maillabMs: Summary;
      rawMs: Summary;
      ratio: number;
      maillabSplitMs: Record<'create' | 'bootAndHosts' | 'setup', Summary>;
      rawBootMs: Summary;
      setupStepMediansMs: Record<string, number>;
      preparedMs: Summary;
      preparedBootMs: Summary;
      preparedRatio: number;
    };
    execOverhead: { maillabExecTrueMs: Summary; dockerCliExecTrueMs: Summary; ratio: number };
    labTeardown: { maillabMs: Summary; rawMs: Summary; ratio: number };
    check: {
      solvedMs: Summary;
      freshMs: Summary;
      rawSmtpRoundTripMs: Summary;
      solvedRatio: number;
      freshRatio: number;
      solvedStepMediansMs: Record<string, number>;
    };
    keystrokeEcho: {
      maillabWebSocketMs: Percentiles;
      dockerExecPtyMs: Percentiles;
      localBashPtyMs: Percentiles;
    };
    memory: {
      perLabMiB: Summary;
      rawPerLabMiB: Summary;
      ratio: number;
      serverRssMiB: { beforeTerminals: number; withTwoTerminals: number; deltaPerTerminal: number };
      execClientRssMiB: { processes: number; total: number };
    };
    cliStart: {
      coldMs: Summary;
      preparedMs: Summary;
      withSpareMs: Summary;
      rawLabReadyMs: Summary;
      spareRatio: number;
    };
    wholeLessonGrade: { lesson: string; exercises: number; solvedMs: Summary; rawSmtpRoundTripMs: Summary };
    browser?: BrowserRows;
    density?: DensityRow;
  },
  durationS: number,
): void {
  const s = (x: Summary) =>
    fmtSummary({ ...x, median: x.median / 1000, min: x.min / 1000, max: x.max / 1000 } as Summary, 's');
  const x = (n: number) => `${n.toFixed(2)}×`;
  const split = r.labReady.maillabSplitMs;
  const e = r.keystrokeEcho;
  const rows = [
    ['metric', 'maillab', 'raw baseline', 'ratio'],
    [
      'lab ready, prepared image (median [min–max])',
      s(r.labReady.preparedMs),
      s(r.labReady.rawMs),
      x(r.labReady.preparedRatio),
    ],
    [
      '  └ systemd boot (setup done ahead) + /etc/hosts',
      s(r.labReady.preparedBootMs),
      `${s(r.labReady.rawBootMs)} boot`,
      '',
    ],
    [
      'lab ready, setup run (first lab of a lesson)',
      s(r.labReady.maillabMs),
      s(r.labReady.rawMs),
      x(r.labReady.ratio),
    ],
    ['  └ create net + 3 containers', s(split.create), '', ''],
    ['  └ systemd boot + /etc/hosts', s(split.bootAndHosts), `${s(r.labReady.rawBootMs)} boot`, ''],
    ['  └ lesson setup', s(split.setup), '(none)', ''],
    ...Object.entries(r.labReady.setupStepMediansMs).map(([step, ms]) => [
      `      └ ${step}`,
      `${(ms / 1000).toFixed(2)} s`,
      '',
      '',
    ]),
    ['lab finish / raw rm -f', s(r.labTeardown.maillabMs), s(r.labTeardown.rawMs), x(r.labTeardown.ratio)],
    [
      'check, solved lab',
      s(r.check.solvedMs),
      `${s(r.check.rawSmtpRoundTripMs)} SMTP`,
      x(r.check.solvedRatio),
    ],
    ['check, fresh lab', s(r.check.freshMs), `${s(r.check.rawSmtpRoundTripMs)} SMTP`, x(r.check.freshRatio)],
    ...Object.entries(r.check.solvedStepMediansMs).map(([step, ms]) => [
      `  └ solved: ${step}`,
      `${(ms / 1000).toFixed(2)} s`,
      '',
      '',
    ]),
    [
      'one exec of `true` (per step)',
      `${r.execOverhead.maillabExecTrueMs.median.toFixed(0)} ms [${r.execOverhead.maillabExecTrueMs.min.toFixed(0)}–${r.execOverhead.maillabExecTrueMs.max.toFixed(0)}]`,
      `${r.execOverhead.dockerCliExecTrueMs.median.toFixed(0)} ms [${r.execOverhead.dockerCliExecTrueMs.min.toFixed(0)}–${r.execOverhead.dockerCliExecTrueMs.max.toFixed(0)}] docker exec`,
      x(r.execOverhead.ratio),
    ],
    [
      'keystroke echo (WebSocket)',
      fmtPercentiles(e.maillabWebSocketMs),
      `${fmtPercentiles(e.dockerExecPtyMs)} docker exec pty`,
      x(ratio(e.maillabWebSocketMs.p50, e.dockerExecPtyMs.p50)),
    ],
    ['  └ local bash pty (floor)', '', fmtPercentiles(e.localBashPtyMs), ''],
    [
      '`lab start 06` (CLI), setup run',
      s(r.cliStart.coldMs),
      `${s(r.cliStart.rawLabReadyMs)} raw lab`,
      x(ratio(r.cliStart.coldMs.median, r.cliStart.rawLabReadyMs.median)),
    ],
    [
      '`lab start 06` (CLI), prepared image',
      s(r.cliStart.preparedMs),
      `${s(r.cliStart.rawLabReadyMs)} raw lab`,
      x(ratio(r.cliStart.preparedMs.median, r.cliStart.rawLabReadyMs.median)),
    ],
    [
      '`lab start 06` (CLI), spare waiting',
      s(r.cliStart.withSpareMs),
      `${s(r.cliStart.rawLabReadyMs)} raw lab`,
      x(r.cliStart.spareRatio),
    ],
    [
      `whole lesson graded (${r.wholeLessonGrade.lesson}, ${r.wholeLessonGrade.exercises} exercise${r.wholeLessonGrade.exercises === 1 ? '' : 's'}, solved)`,
      s(r.wholeLessonGrade.solvedMs),
      `${s(r.wholeLessonGrade.rawSmtpRoundTripMs)} SMTP`,
      x(ratio(r.wholeLessonGrade.solvedMs.median, r.wholeLessonGrade.rawSmtpRoundTripMs.median)),
    ],
    ...(r.browser
      ? [
          [
            'keystroke echo in Chromium (page)',
            fmtPercentiles(r.browser.echo.maillab),
            r.browser.echo.wetty
              ? `${fmtPercentiles(r.browser.echo.wetty)} wetty`
              : `wetty: ${r.browser.echo.wettyMissing}`,
            r.browser.echo.wetty
              ? `${x(ratio(r.browser.echo.maillab.p50, r.browser.echo.wetty.p50))} p50, ${x(ratio(r.browser.echo.maillab.p99, r.browser.echo.wetty.p99))} p99`
              : '',
          ],
          [
            `${(r.browser.flood.bytes / 1e6).toFixed(0)} MB of output through the page`,
            `${(r.browser.flood.pageMs / 1000).toFixed(2)} s`,
            `${(r.browser.flood.dockerExecMs / 1000).toFixed(2)} s docker exec`,
            x(ratio(r.browser.flood.pageMs, r.browser.flood.dockerExecMs)),
          ],
          [
            '  └ page answers during it / Ctrl-C to prompt',
            `p50 ${r.browser.flood.pageAnswerP50Ms.toFixed(0)} ms, max ${r.browser.flood.pageAnswerMaxMs.toFixed(0)} ms / ${(r.browser.flood.interruptMs / 1000).toFixed(2)} s`,
            '',
            '',
          ],
        ]
      : []),
    ...(r.density
      ? [
          [
            `density: ${r.density.labs} labs of 06 (waves of ${r.density.wave}), ready p50 / p95`,
            `${(r.density.readyMs.p50 / 1000).toFixed(2)} / ${(r.density.readyMs.p95 / 1000).toFixed(2)} s`,
            `${(r.density.loneReadyMs / 1000).toFixed(2)} s lone lab`,
            x(ratio(r.density.readyMs.p95, r.density.loneReadyMs)),
          ],
          [
            '  └ each graded once (fresh), p50 / p95',
            `${(r.density.gradeMs.p50 / 1000).toFixed(2)} / ${(r.density.gradeMs.p95 / 1000).toFixed(2)} s`,
            '',
            '',
          ],
          [
            '  └ server /api/lessons while it ran',
            `p50 ${r.density.serverResponseMs.p50.toFixed(1)} ms, p99 ${r.density.serverResponseMs.p99.toFixed(1)} ms`,
            '',
            '',
          ],
          [
            '  └ memory',
            `${r.density.memoryPerLabMiB} MiB per lab, ${r.density.totalMemoryGiB} GiB in all`,
            r.density.failed.length ? `${r.density.failed.length} failed` : 'none failed',
            '',
          ],
        ]
      : []),
    [
      'memory per idle lab (3 hosts)',
      fmtSummary(r.memory.perLabMiB, 'MiB', 1),
      fmtSummary(r.memory.rawPerLabMiB, 'MiB', 1),
      x(r.memory.ratio),
    ],
    [
      'server RSS, 0 → 2 terminals',
      `${r.memory.serverRssMiB.beforeTerminals} → ${r.memory.serverRssMiB.withTwoTerminals} MiB`,
      '',
      `+${r.memory.serverRssMiB.deltaPerTerminal} MiB/term`,
    ],
    [
      '  └ docker exec clients',
      `${r.memory.execClientRssMiB.total} MiB in ${r.memory.execClientRssMiB.processes} processes`,
      '',
      '',
    ],
  ];
  console.log(
    `\nmaillab bench — ${machine.nproc} cores, ${machine.totalMemoryGiB} GiB, ${machine.engine} ${machine.dockerVersion} (cgroup v${machine.cgroupVersion}), ${machine.image}, ${durationS} s\n`,
  );
  console.log(table(rows));
  console.log('\nWritten to test/bench/results/latest.json');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
