// Runs one step of a lesson in a lab host. A script step is passed to /bin/bash as arguments (never
// read from the host's files or stdin) with a fixed environment, after the step library: act.sh on
// every host, judge.sh and judge.py on the grader only. A collect step copies files from a student
// host to the grader through the engine. Students are root on their hosts, so what a step there prints
// is a claim: its facts reach later steps for messages and hints, and its verdicts are refused.
import { readFileSync } from 'node:fs';
import type { CollectStep, JudgeStep, Lesson, Step } from '../lessons/schema.ts';
import { type ExecResult, GRADER_HOST, type LabRuntime } from '../runtime/runtime.ts';
import { parseReport, type ReportLine } from './result.ts';

const lib = (name: string) => readFileSync(new URL(`./lib/${name}`, import.meta.url), 'utf8');
const ACT_LIB = lib('act.sh');
const JUDGE_LIB = lib('judge.sh');
const JUDGE_PY = lib('judge.py');

export const DEFAULT_STEP_TIMEOUT_S = 30;
/** On the grader: collect steps copy into <EVIDENCE_DIR>/<host>/<absolute path>. */
export const EVIDENCE_DIR = '/var/lib/maillab/evidence';
/** On the grader: scratch space of the judge library (postconf warnings per host). */
const WORK_DIR = '/var/lib/maillab/work';
/** No /usr/local: a student's program early on PATH must not stand in for a system one. */
const FIXED_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface StepOutcome {
  result: ExecResult;
  report: ReportLine[];
  /** Verdict lines a student host printed: never counted, reported as a lesson bug or a cheat. */
  refused: string[];
}

export interface StepContext {
  runtime: LabRuntime;
  labId: string;
  lesson: Lesson;
  exercise?: string;
  nonce: string;
  /** Facts reported by earlier grader steps of the same run; updated in place. */
  facts: Record<string, string>;
  /** Facts reported by earlier steps on student hosts: for messages only. */
  claims: Record<string, string>;
  /** Each host's address as the engine assigned it. */
  addresses: Record<string, string>;
  /** Per student host, what the last collect step could not copy. */
  copyNotes: Record<string, string>;
  /** Per student host, how many collect steps copied from it so far: the judge library's caches of
   * what it read from a host's evidence are kept per copy. */
  copies?: Record<string, number>;
  /**
   * A break-fix lab's fault, as MAILLAB_FAULT: on the grader always; on student hosts only for
   * maillab's own steps (setup, solution, mistakes, cheats, variants), never for a check's.
   */
  fault?: { id: string; onStudentHosts: boolean };
}

const envName = (host: string) => host.replace(/\W/g, '_');

/** The parts of the program a step runs, in order: the library its host may use, then the script. */
function stepParts(host: string, script: string): string[] {
  if (host !== GRADER_HOST) return [ACT_LIB, `${script}\n`];
  // The Python helpers travel inside the program, like everything else a judge runs.
  return [
    ACT_LIB,
    JUDGE_LIB,
    `IFS= read -r -d '' __MAILLAB_JUDGE_PY <<'__MAILLAB_PY__'\n${JUDGE_PY}\n__MAILLAB_PY__\n__MAILLAB_WORK=${WORK_DIR}`,
    `${script}\n`,
  ];
}

/** The whole program a step runs, as one text (what a prepared image's hash and the linter read). */
export function stepProgram(host: string, script: string): string {
  return stepParts(host, script).join('\n');
}

/**
 * The argv that runs a step: bash, then each part of the program as an argument of its own, evaluated
 * in order in one shell. Linux refuses any single argument over 128 KiB (MAX_ARG_STRLEN, E2BIG), and
 * one argument holding the library and lesson 13's judge reached 126 KiB; parts keep far below it.
 * The positional parameters are cleared before the parts run, so a script sees none, as with -c.
 */
export function stepArgv(host: string, script: string, name: string): string[] {
  const parts = stepParts(host, script);
  const last = parts.length - 1;
  const run = [
    '__maillab_parts=("$@"); set --',
    ...parts.slice(0, last).map((_, i) => `eval "\${__maillab_parts[${i}]}"`),
    `__maillab_script=\${__maillab_parts[${last}]}; unset __maillab_parts`,
    'eval "$__maillab_script"',
  ].join('\n');
  return ['/bin/bash', '--noprofile', '--norc', '-c', run, name, ...parts];
}

function stepEnv(ctx: StepContext, host: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: FIXED_PATH,
    LANG: 'C.UTF-8',
    HOME: '/root',
    MAILLAB_NONCE: ctx.nonce,
    MAILLAB_LAB: ctx.labId,
    MAILLAB_EXERCISE: ctx.exercise ?? '',
    MAILLAB_HOST: host,
  };
  if (ctx.fault && (host === GRADER_HOST || ctx.fault.onStudentHosts)) env.MAILLAB_FAULT = ctx.fault.id;
  if (host !== GRADER_HOST) {
    for (const [key, value] of Object.entries(ctx.claims)) env[`MAILLAB_FACT_${key}`] = value;
    return env;
  }
  env.MAILLAB_EVIDENCE = EVIDENCE_DIR;
  for (const [key, value] of Object.entries(ctx.facts)) env[`MAILLAB_FACT_${key}`] = value;
  for (const [key, value] of Object.entries(ctx.claims)) env[`MAILLAB_CLAIM_${key}`] = value;
  for (const [h, ip] of Object.entries(ctx.addresses)) env[`MAILLAB_IP_${envName(h)}`] = ip;
  for (const [h, note] of Object.entries(ctx.copyNotes)) env[`MAILLAB_COPY_${envName(h)}`] = note;
  for (const [h, n] of Object.entries(ctx.copies ?? {})) env[`MAILLAB_COPIED_${envName(h)}`] = String(n);
  return env;
}

export async function runStep(ctx: StepContext, step: Step | JudgeStep): Promise<StepOutcome> {
  const script = ctx.lesson.scripts[step.script];
  if (script === undefined) throw new Error(`${ctx.lesson.id}: script ${step.script} was not loaded`);
  const result = await ctx.runtime.exec(
    ctx.labId,
    step.host,
    stepArgv(step.host, script, `maillab:${step.script}`),
    { env: stepEnv(ctx, step.host), timeoutMs: (step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_S) * 1000 },
  );
  const parsed = parseReport(result.stdout);
  const report: ReportLine[] = [];
  const refused: string[] = [];
  const trusted = step.host === GRADER_HOST;
  for (const line of parsed) {
    if (line.kind === 'fact') (trusted ? ctx.facts : ctx.claims)[line.key] = line.value;
    if (line.kind !== 'fact' && !trusted) refused.push(line.criterion);
    else report.push(line);
  }
  return { result, report, refused };
}

/** Copies a collect step's paths to the grader; with awaitNonce, again until the nonce shows up. */
export async function collect(ctx: StepContext, step: CollectStep): Promise<void> {
  const awaited = step.awaitNonceIf === undefined || ctx.claims[step.awaitNonceIf] === 'yes';
  const wait = awaited ? (step.awaitNonce ?? 0) : 0;
  const deadline = Date.now() + wait * 1000;
  for (;;) {
    const copy = await ctx.runtime.copyFiles(ctx.labId, step.host, GRADER_HOST, {
      paths: step.collect,
      into: `${EVIDENCE_DIR}/${step.host}`,
      ...(wait ? { needle: ctx.nonce } : {}),
    });
    const notes = [
      copy.missing.length ? `missing: ${copy.missing.join(' ')}` : '',
      copy.truncated ? `cut short: ${copy.truncated}` : '',
      copy.dropped.length ? `not copied: ${copy.dropped.slice(0, 5).join('; ')}` : '',
    ].filter(Boolean);
    ctx.copyNotes[step.host] = notes.join('; ');
    ctx.copies = { ...ctx.copies, [step.host]: (ctx.copies?.[step.host] ?? 0) + 1 };
    if (!wait || copy.needleFound || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs steps in order and fails on the first that exits non-zero: for setup and solutions. */
export async function runStepsStrict(ctx: StepContext, steps: Step[], what: string): Promise<void> {
  for (const step of steps) {
    const outcome = await runStep(ctx, step);
    if (outcome.result.exitCode !== 0) {
      const tail = `${outcome.result.stdout}\n${outcome.result.stderr}`
        .trim()
        .split('\n')
        .slice(-8)
        .join('\n');
      throw new Error(
        `${what}: ${step.script} on ${step.host} ${outcome.result.timedOut ? 'timed out' : `exited ${outcome.result.exitCode}`}:\n${tail}`,
      );
    }
  }
}
