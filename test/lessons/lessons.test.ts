// Every exercise of every lesson, proven both ways on real containers: a fresh lab fails it, the
// reference solution passes every criterion (twice, with the same verdict), and each known mistake
// fails the criterion it names with the hint it names. Adding a lesson adds its proof here.
import { afterAll, describe, expect, it } from 'vitest';
import type { ExerciseResult } from '../../server/checker/result.ts';
import type { Services } from '../../server/compose.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { Lesson } from '../../server/lessons/schema.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
const owners: string[] = [];
let ownerSeq = 0;

/** Runs `fn` on a fresh lab (setup applied) of its own owner, so tests never share state. */
async function withFreshLab(
  s: Services,
  lesson: Lesson,
  fn: (labId: string) => Promise<void>,
): Promise<void> {
  const owner = `test-${process.pid}-${ownerSeq++}`;
  owners.push(owner);
  const lab = await s.labs.start(owner, lesson.id);
  await lab.ready;
  try {
    await fn(lab.labId);
  } finally {
    await s.labs.finish(lab.labId);
  }
}

function summary(result: ExerciseResult): string {
  return result.criteria
    .map((c) => `${c.pass ? 'PASS' : 'FAIL'} ${c.id}: ${c.message}${c.hint ? ` (hint: ${c.hint})` : ''}`)
    .join('\n');
}

afterAll(async () => {
  if (!services) return;
  for (const lab of services.labs.list())
    if (owners.includes(lab.owner)) await services.labs.finish(lab.labId);
});

for (const lesson of catalog.list()) {
  describe.runIf(services)(`lesson ${lesson.id}`, () => {
    const s = services as Services;

    for (const exercise of lesson.exercises) {
      it(`${exercise.id}: a fresh lab fails, the reference solution passes every criterion twice`, async () => {
        await withFreshLab(s, lesson, async (labId) => {
          const fresh = await s.checker.checkExercise(labId, lesson, exercise);
          expect(
            fresh.criteria.some((c) => !c.pass),
            `a fresh lab must fail:\n${summary(fresh)}`,
          ).toBe(true);
          for (const c of fresh.criteria.filter((c) => !c.pass))
            expect(c.hint, `${c.id} needs a hint`).toBeTruthy();

          await s.checker.solve(labId, lesson, exercise);
          const solved = await s.checker.checkExercise(labId, lesson, exercise);
          expect(
            solved.criteria.every((c) => c.pass),
            `the solution must pass:\n${summary(solved)}`,
          ).toBe(true);
          expect(solved.score).toBe(100);
          const again = await s.checker.checkExercise(labId, lesson, exercise);
          expect(
            again.criteria.map((c) => c.pass),
            `a second check must agree:\n${summary(again)}`,
          ).toEqual(solved.criteria.map((c) => c.pass));
        });
      });

      for (const mistake of exercise.mistakes) {
        it(`${exercise.id}: the mistake "${mistake.id}" fails ${mistake.expect.map((e) => e.criterion).join(', ')} with its hint`, async () => {
          await withFreshLab(s, lesson, async (labId) => {
            await s.checker.applyMistake(labId, lesson, exercise, mistake.id);
            const result = await s.checker.checkExercise(labId, lesson, exercise);
            for (const expected of mistake.expect) {
              const criterion = result.criteria.find((c) => c.id === expected.criterion);
              expect(criterion?.pass, `${expected.criterion} must fail:\n${summary(result)}`).toBe(false);
              expect(criterion?.hint?.toLowerCase(), summary(result)).toContain(expected.hint.toLowerCase());
            }
            expect(result.score).toBeLessThan(100);
          });
        });
      }
    }
  });
}
