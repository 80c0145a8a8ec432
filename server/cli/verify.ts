// `maillab verify [lesson…]`: the lesson proofs (server/checker/proof.ts, the same cases the test
// suite runs) on the user's own engine and image, with a line per case as it finishes, a summary
// table, and --json for scripts. An instructor runs it the day before a class.
//
// Cases run several at once (`--jobs`, by default from the core count: see defaultJobs), each on a lab
// of its own. Each lesson's prepared images are made first, one lesson at a time and while the cases
// of the lessons before it run, so its cases boot with its setup done (prepared-images.ts).
import { availableParallelism } from 'node:os';
import {
  type CasePhases,
  type ProofCase,
  type ProofLabs,
  type ProofOutcome,
  proofCases,
  runProofCase,
  summary,
} from '../checker/proof.ts';
import type { Services } from '../compose.ts';
import { errorMessage } from '../errors.ts';
import type { Lesson } from '../lessons/schema.ts';

export interface VerifiedCase {
  lesson: string;
  exercise: string;
  kind: ProofCase['kind'];
  id: string;
  name: string;
  ok: boolean;
  problems: string[];
  seconds: number;
  /** Where the case's seconds went (see CasePhases), one decimal each. */
  phases: CasePhases;
  /** The verdicts of each check the case ran, for a failing case. */
  checks?: string[];
}

export interface VerifyReport {
  image: string | null;
  ok: boolean;
  /** How many cases ran at once, and the whole run's wall time in seconds. */
  jobs: number;
  seconds: number;
  /** What each lesson's preparation did (made, existed, refused or ineligible, and why). */
  prepared: Record<string, string>;
  cases: VerifiedCase[];
}

/**
 * Cases at once by default: one per core. Labs are mostly idle while a check waits for mail, but a
 * lab's boot and setup fill a core; measured on 2 cores (test/bench/README.md, "verify width").
 */
export function defaultJobs(cores = availableParallelism()): number {
  return Math.max(1, cores);
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export async function verifyLessons(
  services: Services,
  lessons: Lesson[],
  options: {
    exercise?: string;
    jobs?: number;
    onCase?: (c: VerifiedCase, index: number, total: number) => void;
  },
): Promise<VerifyReport> {
  const began = Date.now();
  const { image } = await services.images.ensure();
  const cases = lessons
    .flatMap(proofCases)
    .filter((c) => !options.exercise || c.exercise.id === options.exercise);
  // Never more labs than this maillab may run (MAILLAB_MAX_LABS): the rest would fail at start.
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), services.config.maxLabs));
  const prepared: Record<string, string> = {};
  const preparation = prepareInTurn(services, image, [...new Set(cases.map((c) => c.lesson))], prepared);
  let seq = 0;
  const labs: ProofLabs = {
    fresh: async (lesson, opts) => {
      // An owner of its own per case: never the user's labs, and never two cases on one lab.
      const lab = await services.labs.start(`verify-${process.pid}-${seq++}`, lesson.id, opts);
      const ready = await services.labs.readyLab(lab.labId).catch(async (err: unknown) => {
        await services.labs.finish(lab.labId).catch(() => {});
        throw err;
      });
      return {
        labId: lab.labId,
        finish: () => services.labs.finish(lab.labId),
        ...(ready.setupMs !== undefined ? { setupMs: ready.setupMs } : {}),
      };
    },
  };
  const results: VerifiedCase[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < cases.length; index = next++) {
      const c = cases[index] as ProofCase;
      await preparation.get(c.lesson.id);
      const started = Date.now();
      let outcome: ProofOutcome;
      try {
        outcome = await runProofCase(services.checker, labs, c);
      } catch (err) {
        outcome = {
          problems: [`the case could not run: ${errorMessage(err)}`],
          results: [],
          phases: { ready: Date.now() - started, setup: 0, apply: 0, check: 0, cleanup: 0 },
        };
      }
      const ok = outcome.problems.length === 0;
      const verified: VerifiedCase = {
        lesson: c.lesson.id,
        exercise: c.exercise.id,
        kind: c.kind,
        id: c.id,
        name: c.name,
        ok,
        problems: outcome.problems,
        seconds: seconds(Date.now() - started),
        phases: Object.fromEntries(
          Object.entries(outcome.phases).map(([phase, ms]) => [phase, seconds(ms)]),
        ) as unknown as CasePhases,
        ...(ok ? {} : { checks: outcome.results.map(summary) }),
      };
      results[index] = verified;
      options.onCase?.(verified, index, cases.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
  await services.checker.whenAllIdle();
  return {
    image: services.images.status().tag,
    ok: results.every((r) => r.ok),
    jobs,
    seconds: seconds(Date.now() - began),
    prepared,
    cases: results,
  };
}

/**
 * Each lesson's prepared images, made one lesson at a time in the order given (each costs a lab and
 * its setup, then a lab to prove the images), so the first lesson's cases can start while the next
 * is prepared. A lesson whose images cannot be made is proven on labs that run its setup.
 */
function prepareInTurn(
  services: Services,
  image: string,
  lessons: Lesson[],
  outcomes: Record<string, string>,
): Map<string, Promise<void>> {
  const settled = new Map<string, Promise<void>>();
  if (!services.prepared.enabled) return settled;
  let chain = Promise.resolve();
  for (const lesson of lessons) {
    chain = chain.then(async () => {
      try {
        const outcome = await services.prepared.prepare(lesson, image);
        outcomes[lesson.id] = 'why' in outcome ? `${outcome.status}: ${outcome.why}` : outcome.status;
      } catch (err) {
        outcomes[lesson.id] = `failed: ${errorMessage(err)}`;
      }
    });
    settled.set(lesson.id, chain);
  }
  return settled;
}

/** Seconds per phase summed over the cases, with each phase's share: where a proof's time goes. */
export function verifyPhases(report: VerifyReport): string {
  const sums: CasePhases = { ready: 0, setup: 0, apply: 0, check: 0, cleanup: 0 };
  for (const c of report.cases)
    for (const phase of Object.keys(sums) as (keyof CasePhases)[]) sums[phase] += c.phases[phase];
  const total = Object.values(sums).reduce((a, b) => a + b, 0) || 1;
  const parts = (Object.entries(sums) as [keyof CasePhases, number][]).map(
    ([phase, s]) => `${phase} ${Math.round(s)} s (${Math.round((100 * s) / total)}%)`,
  );
  return `${report.cases.length} cases, ${report.jobs} at once, in ${Math.round(report.seconds)} s; case time by phase: ${parts.join(', ')}`;
}

/** The summary table: one row per lesson and kind of case. */
export function verifyTable(report: VerifyReport): string {
  const rows = new Map<string, { pass: number; fail: number }>();
  for (const c of report.cases) {
    const key = `${c.lesson}\t${c.exercise}\t${c.kind}`;
    const row = rows.get(key) ?? { pass: 0, fail: 0 };
    if (c.ok) row.pass++;
    else row.fail++;
    rows.set(key, row);
  }
  const lines = [['lesson', 'exercise', 'cases', 'passed', 'failed']];
  for (const [key, row] of rows) lines.push([...key.split('\t'), String(row.pass), String(row.fail)]);
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  return lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
