// Grades exercises: runs their check steps with a fresh nonce (acting on student hosts, collecting
// evidence through the engine, judging on the grader), gathers one verdict per criterion from the
// grader steps that declared it, and weighs them. Quiz answers are kept by the grader store and
// marked here, in the maillab process.
import { randomBytes } from 'node:crypto';
import { MaillabError } from '../errors.ts';
import {
  type CheckedExercise,
  type CollectStep,
  type Exercise,
  isCollectStep,
  type JudgeStep,
  type Lesson,
  type QuizExercise,
  type Step,
} from '../lessons/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import { GRADER_HOST, type LabRuntime } from '../runtime/runtime.ts';
import type { CriterionResult, ExerciseResult } from '../shared/check-result.ts';
import type { Answers, GraderStore } from '../store/grader-store.ts';
import { weightedScore } from './result.ts';
import { collect, EVIDENCE_DIR, runStep, runStepsStrict, type StepContext } from './step-runner.ts';

/** What a quiz question says before it is answered (the CLI counts these apart from wrong answers). */
export const NOT_ANSWERED = 'Not answered yet.';

export type { Answers } from '../store/grader-store.ts';

interface CheckRun {
  result: ExerciseResult;
  /** The check's clean-up steps, still running after the result is known. */
  tail?: Promise<void>;
}

export function newNonce(): string {
  return `ml${randomBytes(8).toString('hex')}`;
}

export class Checker {
  /** The last run queued per lab: runs on one lab never overlap (a double-clicked Check, CLI and page). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly runtime: LabRuntime,
    private readonly store: GraderStore,
    private readonly log: Logger = silentLogger,
  ) {}

  private serialize<T>(labId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(labId) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(run);
    this.queues.set(labId, next);
    const forget = () => {
      if (this.queues.get(labId) === next) this.queues.delete(labId);
    };
    next.then(forget, forget);
    return next;
  }

  /**
   * The result comes as soon as every criterion has its verdict; a check's trailing clean-up steps
   * (after its last collect and grader step, so they decide nothing) finish behind it, and the lab's
   * next run, check or maillab's own steps, waits for them.
   */
  checkExercise(labId: string, lesson: Lesson, exercise: Exercise): Promise<ExerciseResult> {
    return new Promise<ExerciseResult>((resolve, reject) => {
      void this.serialize(labId, async () => {
        let run: CheckRun;
        try {
          run = await this.runExercise(labId, lesson, exercise);
        } catch (err) {
          reject(err);
          return;
        }
        resolve(run.result);
        await run.tail;
      });
    });
  }

  /** Waits until every lab's queued runs and clean-ups are done: before a CLI command exits. */
  async whenAllIdle(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queued) => queued.catch(() => {})));
  }

  /** Waits until the lab's queued runs (and their clean-up) are done: before maillab acts on it. */
  async whenIdle(labId: string): Promise<void> {
    await this.queues.get(labId)?.catch(() => {});
  }

  private async runExercise(labId: string, lesson: Lesson, exercise: Exercise): Promise<CheckRun> {
    const { criteria, tail } =
      exercise.kind === 'quiz'
        ? { criteria: this.markQuiz(exercise, await this.store.answers(labId, exercise.id)), tail: undefined }
        : await this.runChecks(labId, lesson, exercise);
    return {
      result: { id: exercise.id, title: exercise.title, criteria, score: weightedScore(criteria) },
      ...(tail ? { tail } : {}),
    };
  }

  private async runChecks(
    labId: string,
    lesson: Lesson,
    exercise: CheckedExercise,
  ): Promise<{ criteria: CriterionResult[]; tail?: Promise<void> }> {
    const ctx = await this.context(labId, lesson, exercise.id, 'grader');
    const studentHosts = lesson.hosts.filter((h) => h !== GRADER_HOST);
    // Evidence of an earlier run must never stand in for this one's. The grader is cleared while the
    // first steps act on student hosts; nothing reads or writes it before a collect or grader step.
    const cleared = this.runtime
      .exec(labId, GRADER_HOST, [
        '/bin/bash',
        '-c',
        'rm -rf -- "$0" /var/lib/maillab/work && mkdir -p /var/lib/maillab/work && for h in "$@"; do mkdir -p "$0/$h"; done',
        EVIDENCE_DIR,
        ...studentHosts,
      ])
      .then((result) => {
        if (result.exitCode !== 0) throw new Error(`Could not prepare the grader: ${result.stderr.trim()}`);
      });
    // Awaited before the first collect or grader step; a step failing earlier must not leave it unhandled.
    cleared.catch(() => {});
    const verdicts = new Map<string, CriterionResult>();
    const problems: string[] = [];
    const steps = exercise.check;
    // The clean-up tail: student-host steps after the last collect and the last grader step.
    let tailStart = steps.length;
    while (tailStart > 0) {
      const before = steps[tailStart - 1] as (typeof steps)[number];
      if (isCollectStep(before) || before.host === GRADER_HOST) break;
      tailStart--;
    }
    for (let i = 0; i < tailStart; i++) {
      const step = steps[i] as (typeof steps)[number];
      if (isCollectStep(step)) {
        // Copies that follow one another change no host: each host's run side by side (the engine
        // serializes reads of one container, so one host's copies stay in order).
        const batch: CollectStep[] = [step];
        for (let next = steps[i + 1]; next && isCollectStep(next); next = steps[i + 1]) {
          batch.push(next);
          i++;
        }
        await cleared;
        await Promise.all(
          [...new Set(batch.map((c) => c.host))].map(async (host) => {
            for (const c of batch.filter((b) => b.host === host))
              await this.collectEvidence(ctx, c, problems);
          }),
        );
        continue;
      }
      if (step.host === GRADER_HOST) await cleared;
      await this.checkStep(ctx, exercise, step, verdicts, problems);
    }
    await cleared;
    const tail = async () => {
      for (const step of steps.slice(tailStart))
        if (!isCollectStep(step)) await this.checkStep(ctx, exercise, step, verdicts, problems);
    };
    const final = () =>
      exercise.criteria.map(
        (c) =>
          verdicts.get(c.id) ?? {
            id: c.id,
            title: c.title,
            weight: c.weight,
            pass: false,
            message: `The check did not report this criterion${problems.length ? ` (${problems.join('; ')})` : ''}.`,
            hint: 'Make sure every host of the lab is up; if this persists, reset the lab.',
          },
      );
    if (exercise.criteria.every((c) => verdicts.has(c.id)) && tailStart < steps.length) {
      return {
        criteria: final(),
        tail: tail().catch((err: Error) =>
          this.log.warn({ lab: labId, exercise: exercise.id, err: err.message }, 'check clean-up failed'),
        ),
      };
    }
    // A criterion without a verdict: the clean-up's trouble may be part of why, so it runs first.
    await tail();
    return { criteria: final() };
  }

  /** Runs one script step of a check and takes the verdicts its report may give. */
  private async checkStep(
    ctx: StepContext,
    exercise: CheckedExercise,
    step: Step | JudgeStep,
    verdicts: Map<string, CriterionResult>,
    problems: string[],
  ): Promise<void> {
    const began = Date.now();
    const outcome = await runStep(ctx, step);
    this.log.info(
      {
        lab: ctx.labId,
        lesson: ctx.lesson.id,
        exercise: exercise.id,
        host: step.host,
        script: step.script,
        exit: outcome.result.exitCode,
        timedOut: outcome.result.timedOut,
        ms: Date.now() - began,
      },
      'check step',
    );
    if (outcome.refused.length)
      problems.push(
        `${step.script} on ${step.host} printed verdicts for ${outcome.refused.join(', ')}; ignored, since only the grader judges`,
      );
    if (outcome.result.timedOut) problems.push(`${step.script} on ${step.host} timed out`);
    else if (outcome.result.exitCode !== 0 && outcome.report.length === 0) {
      const err = outcome.result.stderr.trim().split('\n').slice(-1)[0] ?? '';
      problems.push(
        `${step.script} on ${step.host} exited ${outcome.result.exitCode}${err ? `: ${err}` : ''}`,
      );
    }
    const judges = new Set('judges' in step ? (step.judges ?? []) : []);
    const silent = [...judges].filter(
      (id) => !outcome.report.some((l) => l.kind !== 'fact' && l.criterion === id),
    );
    if (silent.length && !outcome.result.timedOut) {
      const err = outcome.result.stderr.trim().split('\n').slice(-2).join(' / ');
      problems.push(`${step.script} did not judge ${silent.join(', ')}${err ? ` (${err})` : ''}`);
    }
    for (const line of outcome.report) {
      if (line.kind === 'fact') continue;
      const criterion = exercise.criteria.find((c) => c.id === line.criterion);
      if (!criterion || !judges.has(criterion.id)) {
        problems.push(`${step.script} judged ${line.criterion}, which it does not declare in judges`);
        continue;
      }
      // First verdict wins: a later step cannot overturn a failure an earlier one observed.
      if (verdicts.has(criterion.id)) continue;
      verdicts.set(criterion.id, {
        id: criterion.id,
        title: criterion.title,
        weight: criterion.weight,
        pass: line.kind === 'pass',
        message: line.observed,
        ...(line.kind === 'fail' ? { hint: line.hint } : {}),
      });
    }
  }

  private async collectEvidence(ctx: StepContext, step: CollectStep, problems: string[]): Promise<void> {
    this.log.info(
      { lab: ctx.labId, exercise: ctx.exercise, host: step.host, paths: step.collect },
      'collect evidence',
    );
    const began = Date.now();
    await collect(ctx, step).catch((err: Error) => {
      this.log.warn({ lab: ctx.labId, host: step.host, err: err.message }, 'evidence copy failed');
      problems.push(`copying ${step.collect.join(' ')} from ${step.host} failed: ${err.message}`);
    });
    this.log.debug({ lab: ctx.labId, host: step.host, ms: Date.now() - began }, 'evidence collected');
  }

  markQuiz(exercise: QuizExercise, answers: Answers): CriterionResult[] {
    return exercise.questions.map((q) => {
      const given = answers[q.id];
      const pass = given === q.answer;
      return {
        id: q.id,
        title: q.text,
        weight: q.weight,
        pass,
        message: given === undefined ? NOT_ANSWERED : `You answered "${given}".`,
        // A hint follows a wrong answer only: before any answer it would be a free clue to every question.
        ...(pass || given === undefined ? {} : { hint: q.hint }),
      };
    });
  }

  /** Stores answers on the grader, merged over those given before; queued with checks, so never torn. */
  saveAnswers(labId: string, exercise: QuizExercise, answers: Answers): Promise<void> {
    // Checked before queueing, so a bad answer is refused at once and nothing is half-saved.
    const valid: Answers = {};
    for (const [id, given] of Object.entries(answers)) {
      const q = exercise.questions.find((question) => question.id === id);
      if (!q)
        throw new MaillabError(
          'bad_request',
          `Quiz ${exercise.id} has no question "${id}"; its questions are ${exercise.questions.map((x) => x.id).join(', ')}.`,
        );
      if (!q.choices.includes(given))
        throw new MaillabError(
          'bad_request',
          `"${given}" is not a choice of question ${id}; the choices are ${q.choices.map((c) => `"${c}"`).join(', ')}.`,
        );
      valid[id] = given;
    }
    return this.serialize(labId, async () => {
      const merged = { ...(await this.store.answers(labId, exercise.id)), ...valid };
      await this.store.saveAnswers(labId, exercise.id, merged);
    });
  }

  loadAnswers(labId: string, exerciseId: string): Promise<Answers> {
    return this.store.answers(labId, exerciseId);
  }

  /** Applies the reference solution of one exercise (or all): for instructors and tests. */
  async solve(labId: string, lesson: Lesson, exercise: Exercise): Promise<void> {
    if (exercise.kind === 'quiz') {
      await this.saveAnswers(
        labId,
        exercise,
        Object.fromEntries(exercise.questions.map((q) => [q.id, q.answer])),
      );
      return;
    }
    await this.whenIdle(labId);
    await runStepsStrict(
      await this.context(labId, lesson, exercise.id, 'all'),
      exercise.solution,
      `Solution of ${exercise.id}`,
    );
  }

  /** Applies a cheat or a correct variant: for the lesson tests and `maillab verify`. */
  async applyAttempt(
    labId: string,
    lesson: Lesson,
    exercise: CheckedExercise,
    kind: 'cheats' | 'variants',
    id: string,
  ): Promise<void> {
    const attempt = exercise[kind].find((a) => a.id === id);
    if (!attempt) throw new Error(`${lesson.id}/${exercise.id} has no ${kind.slice(0, -1)} ${id}`);
    await this.whenIdle(labId);
    await runStepsStrict(
      await this.context(labId, lesson, exercise.id, 'all'),
      attempt.steps,
      `${kind} ${id}`,
    );
  }

  /** Applies a known mistake: for the lesson tests that prove every check fails it. */
  async applyMistake(labId: string, lesson: Lesson, exercise: Exercise, mistakeId: string): Promise<void> {
    const mistake = exercise.mistakes.find((m) => m.id === mistakeId);
    if (!mistake) throw new Error(`${lesson.id}/${exercise.id} has no mistake ${mistakeId}`);
    if (exercise.kind === 'quiz') {
      await this.saveAnswers(labId, exercise, mistake.answers ?? {});
      return;
    }
    await this.whenIdle(labId);
    await runStepsStrict(
      await this.context(labId, lesson, exercise.id, 'all'),
      mistake.steps,
      `Mistake ${mistakeId}`,
    );
  }

  /**
   * Prepares a new lab: first the work of the lessons it builds on (their setup, then their reference
   * solutions), then its own setup. Within one lesson's setup each host's steps run in the order
   * given and different hosts side by side (measured: setup was most of a lab's start, one
   * `systemctl restart postfix` of ~2 s per host).
   */
  async setup(
    labId: string,
    lesson: Lesson,
    say: (message: string) => void = () => {},
    fault?: string,
  ): Promise<void> {
    await this.whenIdle(labId);
    for (const earlier of lesson.prerequisites) {
      say(`Doing lesson ${earlier.number}'s work first (${earlier.title}): this lesson builds on it`);
      await this.setupOnly(labId, earlier);
      for (const exercise of earlier.exercises)
        if (exercise.kind !== 'quiz')
          await runStepsStrict(
            await this.context(labId, earlier, exercise.id, 'none'),
            exercise.solution,
            `Lesson ${earlier.number}'s solution of ${exercise.id} (lesson ${lesson.number} builds on it)`,
          );
    }
    await this.setupOnly(labId, lesson, fault);
  }

  private async setupOnly(labId: string, lesson: Lesson, fault?: string): Promise<void> {
    const byHost = new Map<string, Step[]>();
    for (const step of lesson.setup) byHost.set(step.host, [...(byHost.get(step.host) ?? []), step]);
    const ctx = await this.context(labId, lesson, undefined, 'none');
    if (fault) ctx.fault = { id: fault, onStudentHosts: true };
    await Promise.all(
      [...byHost.values()].map((steps) => runStepsStrict({ ...ctx }, steps, `Setup of ${lesson.id}`)),
    );
  }

  /**
   * A run's context: a fresh nonce, the hosts' addresses, and for a break-fix lesson the lab's fault,
   * given to the grader only ('grader', a check) or to every host ('all', maillab's own steps).
   */
  private async context(
    labId: string,
    lesson: Lesson,
    exercise: string | undefined,
    fault: 'grader' | 'all' | 'none',
  ): Promise<StepContext> {
    const addresses: Record<string, string> = {};
    const [info, faultId] = await Promise.all([
      this.runtime.getLab(labId),
      fault !== 'none' && lesson.faults.length ? this.store.fault(labId) : undefined,
    ]);
    for (const host of info?.hosts ?? []) if (host.address) addresses[host.name] = host.address;
    return {
      ...(faultId ? { fault: { id: faultId, onStudentHosts: fault === 'all' } } : {}),
      runtime: this.runtime,
      labId,
      lesson,
      ...(exercise ? { exercise } : {}),
      nonce: newNonce(),
      facts: {},
      claims: {},
      addresses,
      copyNotes: {},
    };
  }
}
