// Streams a lesson script into a lab host at run time (check-lib.sh + the script, into `bash -s` as
// root), so nothing on the host that a student can edit decides what runs.
import { readFileSync } from 'node:fs';
import type { Lesson, Step } from '../lessons/schema.ts';
import type { ExecResult, LabRuntime } from '../runtime/runtime.ts';
import { parseReport, type ReportLine } from './result.ts';

const CHECK_LIB = readFileSync(new URL('./check-lib.sh', import.meta.url), 'utf8');

export const DEFAULT_STEP_TIMEOUT_S = 30;

export interface StepOutcome {
  step: Step;
  result: ExecResult;
  report: ReportLine[];
}

export interface StepContext {
  runtime: LabRuntime;
  labId: string;
  lesson: Lesson;
  exercise?: string;
  nonce: string;
  /** Facts reported by earlier steps of the same run; updated in place. */
  facts: Record<string, string>;
}

export async function runStep(ctx: StepContext, step: Step): Promise<StepOutcome> {
  const script = ctx.lesson.scripts[step.script];
  if (script === undefined) throw new Error(`${ctx.lesson.id}: script ${step.script} was not loaded`);
  const env: Record<string, string> = {
    MAILLAB_NONCE: ctx.nonce,
    MAILLAB_LAB: ctx.labId,
    MAILLAB_EXERCISE: ctx.exercise ?? '',
    MAILLAB_HOST: step.host,
    LANG: 'C.UTF-8',
  };
  for (const [key, value] of Object.entries(ctx.facts)) env[`MAILLAB_FACT_${key}`] = value;
  const result = await ctx.runtime.exec(ctx.labId, step.host, ['bash', '-s'], {
    stdin: `${CHECK_LIB}\n${script}\n`,
    env,
    timeoutMs: (step.timeoutSeconds ?? DEFAULT_STEP_TIMEOUT_S) * 1000,
  });
  const report = parseReport(result.stdout);
  for (const line of report) if (line.kind === 'fact') ctx.facts[line.key] = line.value;
  return { step, result, report };
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
