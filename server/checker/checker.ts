// Grades exercises: runs their check steps with a fresh nonce, gathers one verdict per criterion,
// and weighs them. Quiz answers are stored on the hidden grader host and marked here.
import { randomBytes } from 'node:crypto';
import type { CheckedExercise, Exercise, Lesson, QuizExercise, Step } from '../lessons/schema.ts';
import { GRADER_HOST, type LabRuntime } from '../runtime/runtime.ts';
import type { CriterionResult, ExerciseResult, GradeReport } from './result.ts';
import { weightedScore } from './result.ts';
import { runStep, runStepsStrict, type StepContext } from './step-runner.ts';

export type Answers = Record<string, string>;

const ANSWERS_DIR = '/var/lib/maillab/answers';

export function newNonce(): string {
  return `ml${randomBytes(8).toString('hex')}`;
}

export class Checker {
  /** The last run queued per lab: runs on one lab never overlap (a double-clicked Check, CLI and page). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly runtime: LabRuntime) {}

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

  async gradeLesson(labId: string, lesson: Lesson): Promise<GradeReport> {
    const exercises: ExerciseResult[] = [];
    for (const exercise of lesson.exercises)
      exercises.push(await this.checkExercise(labId, lesson, exercise));
    return { lesson: lesson.id, exercises, score: weightedScore(exercises.flatMap((e) => e.criteria)) };
  }

  checkExercise(labId: string, lesson: Lesson, exercise: Exercise): Promise<ExerciseResult> {
    return this.serialize(labId, () => this.runExercise(labId, lesson, exercise));
  }

  private async runExercise(labId: string, lesson: Lesson, exercise: Exercise): Promise<ExerciseResult> {
    const criteria =
      exercise.kind === 'quiz'
        ? this.markQuiz(exercise, await this.loadAnswers(labId, exercise.id))
        : await this.runChecks(labId, lesson, exercise);
    return { id: exercise.id, title: exercise.title, criteria, score: weightedScore(criteria) };
  }

  private async runChecks(
    labId: string,
    lesson: Lesson,
    exercise: CheckedExercise,
  ): Promise<CriterionResult[]> {
    const ctx = this.context(labId, lesson, exercise.id);
    const verdicts = new Map<string, CriterionResult>();
    const problems: string[] = [];
    for (const step of exercise.check) {
      const outcome = await runStep(ctx, step);
      if (outcome.result.timedOut) problems.push(`${step.script} on ${step.host} timed out`);
      else if (outcome.result.exitCode !== 0 && outcome.report.length === 0) {
        const err = outcome.result.stderr.trim().split('\n').slice(-1)[0] ?? '';
        problems.push(
          `${step.script} on ${step.host} exited ${outcome.result.exitCode}${err ? `: ${err}` : ''}`,
        );
      }
      for (const line of outcome.report) {
        if (line.kind === 'fact') continue;
        const criterion = exercise.criteria.find((c) => c.id === line.criterion);
        // First verdict wins: a later step cannot overturn a failure an earlier one observed.
        if (!criterion || verdicts.has(criterion.id)) continue;
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
    return exercise.criteria.map(
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
        message: given === undefined ? 'Not answered yet.' : `You answered "${given}".`,
        ...(pass ? {} : { hint: q.hint }),
      };
    });
  }

  /** Stores answers on the grader, merged over those given before; queued with checks, so never torn. */
  saveAnswers(labId: string, exercise: QuizExercise, answers: Answers): Promise<void> {
    return this.serialize(labId, () => this.writeAnswers(labId, exercise, answers));
  }

  private async writeAnswers(labId: string, exercise: QuizExercise, answers: Answers): Promise<void> {
    const valid: Answers = {};
    for (const q of exercise.questions) {
      const given = answers[q.id];
      if (given !== undefined && q.choices.includes(given)) valid[q.id] = given;
    }
    const merged = { ...(await this.loadAnswers(labId, exercise.id)), ...valid };
    const result = await this.runtime.exec(
      labId,
      GRADER_HOST,
      [
        'bash',
        '-c',
        `mkdir -p ${ANSWERS_DIR} && cat > "${ANSWERS_DIR}/$1.json"`,
        'save-answers',
        exercise.id,
      ],
      { stdin: JSON.stringify(merged) },
    );
    if (result.exitCode !== 0) throw new Error(`Could not store quiz answers: ${result.stderr.trim()}`);
  }

  async loadAnswers(labId: string, exerciseId: string): Promise<Answers> {
    const result = await this.runtime.exec(labId, GRADER_HOST, ['cat', `${ANSWERS_DIR}/${exerciseId}.json`]);
    if (result.exitCode !== 0) return {};
    try {
      const parsed = JSON.parse(result.stdout) as unknown;
      return parsed && typeof parsed === 'object' ? (parsed as Answers) : {};
    } catch {
      return {};
    }
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
    await runStepsStrict(
      this.context(labId, lesson, exercise.id),
      exercise.solution,
      `Solution of ${exercise.id}`,
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
    await runStepsStrict(this.context(labId, lesson, exercise.id), mistake.steps, `Mistake ${mistakeId}`);
  }

  /**
   * Runs the lesson's setup: each host's steps in the order given, different hosts side by side
   * (measured: setup was most of a lab's start, one `systemctl restart postfix` of ~2 s per host).
   */
  async setup(labId: string, lesson: Lesson): Promise<void> {
    const byHost = new Map<string, Step[]>();
    for (const step of lesson.setup) byHost.set(step.host, [...(byHost.get(step.host) ?? []), step]);
    await Promise.all(
      [...byHost.values()].map((steps) =>
        runStepsStrict(this.context(labId, lesson), steps, `Setup of ${lesson.id}`),
      ),
    );
  }

  private context(labId: string, lesson: Lesson, exercise?: string): StepContext {
    return {
      runtime: this.runtime,
      labId,
      lesson,
      ...(exercise ? { exercise } : {}),
      nonce: newNonce(),
      facts: {},
    };
  }
}
