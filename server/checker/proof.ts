// The proof of a lesson: for every exercise, on fresh labs of the real engine, a fresh lab fails every
// criterion, the reference solution passes every criterion twice with the same verdict, each known
// mistake fails exactly the criteria it declares (with its hints) while all others pass, each cheat
// fails every criterion it targets, and each correct variant passes everything. The test suite
// (test/lessons) runs these cases, and so will `maillab verify` on a user's own engine.
import type { CheckedExercise, Exercise, Lesson } from '../lessons/schema.ts';
import type { ExerciseResult } from '../shared/check-result.ts';
import type { Checker } from './checker.ts';

export type ProofKind = 'fresh-and-solution' | 'mistake' | 'cheat' | 'variant';

export interface ProofCase {
  lesson: Lesson;
  exercise: Exercise;
  kind: ProofKind;
  /** The mistake, cheat or variant id; the exercise id for fresh-and-solution. */
  id: string;
  /** What the case proves, as a sentence (the test's name). */
  name: string;
  /** A break-fix lesson's fault the case's fresh lab gets. */
  fault?: string;
  /**
   * The lab runs the lesson's setup even where prepared images exist: the cold path a lesson's first
   * lab, a break-fix lab and MAILLAB_PREPARED_IMAGES=0 take. Other cases boot from prepared images
   * when the lesson has them.
   */
  runsSetup?: true;
}

export interface ProofOutcome {
  problems: string[];
  /** Every check run in the case, in order, for the report. */
  results: ExerciseResult[];
  /** Where the case's time went, in ms. */
  phases: CasePhases;
}

/**
 * A case's time by phase (ms): its lab created and booted (`ready`), the lesson's setup with the work
 * of the lessons it builds on (`setup`, none when the lab booted from prepared images), the solution,
 * mistake, cheat or variant applied (`apply`, which also waits for the clean-up tail of a check before
 * it), the checks (`check`, to their verdicts), and the lab removed (`cleanup`).
 */
export interface CasePhases {
  ready: number;
  setup: number;
  apply: number;
  check: number;
  cleanup: number;
}

/** A lab made for one case; `setupMs` is how much of its making was the lesson's setup. */
export interface ProofLab {
  labId: string;
  finish: () => Promise<void>;
  setupMs?: number;
}

/** The labs a proof needs: a fresh one per case, ready, then gone. */
export interface ProofLabs {
  fresh(lesson: Lesson, options: { fault?: string; runSetup?: boolean }): Promise<ProofLab>;
}

/**
 * Every case of a lesson. A break-fix lesson proves a fresh lab and the solution once per fault; its
 * mistakes, cheats and variants run on the fault they name, or the first. The first fresh-and-solution
 * case is proven a second time on a lab that runs its setup (`runsSetup`).
 */
export function proofCases(lesson: Lesson): ProofCase[] {
  const cases: ProofCase[] = [];
  const faults = lesson.faults.map((f) => f.id);
  const on = (fault: string | undefined) => {
    const chosen = fault ?? faults[0];
    return chosen ? { fault: chosen, suffix: ` (fault ${chosen})` } : { suffix: '' };
  };
  for (const exercise of lesson.exercises) {
    const base = { lesson, exercise };
    // A quiz is marked in the maillab process, whatever the lab's fault: once is enough.
    const freshFaults = exercise.kind === 'quiz' ? faults.slice(0, 1) : faults;
    for (const fault of freshFaults.length ? freshFaults : [undefined]) {
      const { suffix, ...f } = on(fault);
      cases.push({
        ...base,
        ...f,
        kind: 'fresh-and-solution',
        id: exercise.id,
        name: `${exercise.id}: a fresh lab fails every criterion; the reference solution passes every criterion, twice${suffix}`,
      });
      const first = cases.at(-1) as ProofCase;
      if (cases.length === 1)
        cases.push({ ...first, runsSetup: true, name: `${first.name}, on a lab that runs its setup` });
    }
    for (const m of exercise.mistakes) {
      const { suffix, ...f } = on(m.fault);
      cases.push({
        ...base,
        ...f,
        kind: 'mistake',
        id: m.id,
        name: `${exercise.id}: the mistake "${m.id}" fails exactly ${m.expect.map((e) => e.criterion).join(', ')}, each with its hint${suffix}`,
      });
    }
    if (exercise.kind === 'quiz') continue;
    for (const c of exercise.cheats) {
      const { suffix, ...f } = on(c.fault);
      cases.push({
        ...base,
        ...f,
        kind: 'cheat',
        id: c.id,
        name: `${exercise.id}: the cheat "${c.id}" fails ${c.fails.join(', ')}${suffix}`,
      });
    }
    for (const v of exercise.variants) {
      const { suffix, ...f } = on(v.fault);
      cases.push({
        ...base,
        ...f,
        kind: 'variant',
        id: v.id,
        name: `${exercise.id}: the correct variant "${v.id}" passes every criterion${suffix}`,
      });
    }
  }
  return cases;
}

export function summary(result: ExerciseResult): string {
  return result.criteria
    .map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.id}: ${c.message}${c.hint ? ` (hint: ${c.hint})` : ''}`)
    .join('\n');
}

const failing = (r: ExerciseResult) => r.criteria.filter((c) => !c.pass).map((c) => c.id);

/** What is wrong with a case's results (empty when the case holds): pure, so it is unit-tested. */
export function judgeCase(c: ProofCase, results: ExerciseResult[]): string[] {
  const problems: string[] = [];
  const [first, second, third] = results;
  if (!first) return ['no check ran'];
  const all = first.criteria.map((x) => x.id);
  const expectFailing = (r: ExerciseResult, want: string[], what: string) => {
    const got = failing(r);
    const missing = want.filter((id) => !got.includes(id));
    const extra = got.filter((id) => !want.includes(id));
    if (missing.length) problems.push(`${what}: ${missing.join(', ')} passed but must fail`);
    if (extra.length) problems.push(`${what}: ${extra.join(', ')} failed but must pass`);
  };
  switch (c.kind) {
    case 'fresh-and-solution': {
      expectFailing(first, all, 'a fresh lab');
      for (const x of first.criteria) {
        if (x.pass) continue;
        // An unanswered quiz question must not hint (a hint there is a free clue); a check's criterion must.
        if (c.exercise.kind === 'quiz') {
          if (x.hint) problems.push(`a fresh lab: the unanswered question ${x.id} gave a hint: ${x.hint}`);
        } else if (!x.hint) problems.push(`a fresh lab: ${x.id} failed without a hint`);
      }
      if (!second || !third) return [...problems, 'the solution was not checked twice'];
      expectFailing(second, [], 'the reference solution');
      if (failing(second).join() !== failing(third).join())
        problems.push(
          `a second check disagrees: ${failing(second).join(',')} then ${failing(third).join(',')}`,
        );
      break;
    }
    case 'mistake': {
      const mistake = c.exercise.mistakes.find((m) => m.id === c.id);
      const expect = mistake?.expect ?? [];
      expectFailing(
        first,
        expect.map((e) => e.criterion),
        `the mistake ${c.id}`,
      );
      for (const e of expect) {
        const hint = first.criteria.find((x) => x.id === e.criterion)?.hint ?? '';
        if (!hint.toLowerCase().includes(e.hint.toLowerCase()))
          problems.push(`the mistake ${c.id}: ${e.criterion}'s hint lacks "${e.hint}": ${hint || '(none)'}`);
      }
      break;
    }
    case 'cheat': {
      const cheat = (c.exercise as CheckedExercise).cheats.find((x) => x.id === c.id);
      const passed = first.criteria.filter((x) => x.pass).map((x) => x.id);
      const fooled = (cheat?.fails ?? []).filter((id) => passed.includes(id));
      if (fooled.length) problems.push(`the cheat ${c.id} passed ${fooled.join(', ')}`);
      break;
    }
    case 'variant':
      expectFailing(first, [], `the variant ${c.id}`);
      break;
  }
  return problems;
}

/** Runs one case on a fresh lab of its own and says what does not hold, and where the time went. */
export async function runProofCase(checker: Checker, labs: ProofLabs, c: ProofCase): Promise<ProofOutcome> {
  const { lesson, exercise } = c;
  const phases: CasePhases = { ready: 0, setup: 0, apply: 0, check: 0, cleanup: 0 };
  const timed = async <T>(phase: keyof CasePhases, run: () => Promise<T>): Promise<T> => {
    const began = Date.now();
    try {
      return await run();
    } finally {
      phases[phase] += Date.now() - began;
    }
  };
  const lab = await timed('ready', () =>
    labs.fresh(lesson, {
      ...(c.fault ? { fault: c.fault } : {}),
      ...(c.runsSetup ? { runSetup: true } : {}),
    }),
  );
  phases.setup = Math.min(lab.setupMs ?? 0, phases.ready);
  phases.ready -= phases.setup;
  const results: ExerciseResult[] = [];
  const check = async () => {
    results.push(await timed('check', () => checker.checkExercise(lab.labId, lesson, exercise)));
  };
  const apply = (run: () => Promise<void>) => timed('apply', run);
  try {
    if (c.kind === 'fresh-and-solution') {
      await check();
      await apply(() => checker.solve(lab.labId, lesson, exercise));
      await check();
      await check();
    } else if (c.kind === 'mistake') {
      // A quiz mistake is the right answers with the mistake's own over them, so only it can fail.
      if (exercise.kind === 'quiz') await apply(() => checker.solve(lab.labId, lesson, exercise));
      await apply(() => checker.applyMistake(lab.labId, lesson, exercise, c.id));
      await check();
    } else if (exercise.kind !== 'quiz') {
      await apply(() =>
        checker.applyAttempt(lab.labId, lesson, exercise, c.kind === 'cheat' ? 'cheats' : 'variants', c.id),
      );
      await check();
    }
  } finally {
    await timed('cleanup', () => lab.finish());
  }
  return { problems: judgeCase(c, results), results, phases };
}
