// The proof of lessons on real containers (server/checker/proof.ts), as a vitest suite: a fresh lab
// fails every criterion, the reference solution passes every criterion twice, each known mistake fails
// exactly the criteria it declares with its hints, each cheat fails what it targets, and each correct
// variant passes. The lessons are split over a few test files (proofs-*.test.ts) so the two workers of
// a 2-core machine both prove lessons; the groups are balanced by each lesson's measured time
// (LESSON_SECONDS), and vitest.config.ts's sequencer starts them before every other file, so no group
// is left running alone at the end while the other worker idles.
//
// Labs boot from the lesson's prepared images (its setup done ahead, as `serve` makes them), the way a
// student's labs do after the first: each lesson is prepared first, which runs its setup on a lab of
// its own and refuses images that would differ from it. The lessons of a file are prepared one at a
// time, in order, while the cases of the lessons before run: preparing them all at once started two
// labs per lesson together at the start of each file. The first fresh-and-solution case of each
// lesson is proven a second time on a lab that runs its setup (proofCases' `runsSetup` case).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProofLabs, proofCases, runProofCase, summary } from '../../server/checker/proof.ts';
import type { Services } from '../../server/compose.ts';
import type { PrepareOutcome } from '../../server/labs/prepared-images.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { Lesson } from '../../server/lessons/schema.ts';
import { realEngine } from '../support/engine.ts';

/** Proves the lessons whose numbers `numbers` lists (every case on a fresh lab of its own). */
export async function proveLessons(numbers: string[]): Promise<void> {
  const services = await realEngine();
  const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
  const owners: string[] = [];
  let ownerSeq = 0;

  /** A fresh lab (setup applied) of its own owner per case, so cases never share state. */
  const freshLabs = (s: Services): ProofLabs => ({
    async fresh(lesson, options) {
      const owner = `test-${process.pid}-${ownerSeq++}`;
      owners.push(owner);
      const lab = await s.labs.start(owner, lesson.id, options);
      const ready = await s.labs.readyLab(lab.labId);
      return {
        labId: lab.labId,
        finish: () => s.labs.finish(lab.labId),
        ...(ready.setupMs !== undefined ? { setupMs: ready.setupMs } : {}),
      };
    },
  });

  afterAll(async () => {
    if (!services) return;
    for (const lab of services.labs.list())
      if (owners.includes(lab.owner)) await services.labs.finish(lab.labId);
  });

  /** One preparation at a time, in the order the lessons are listed. */
  let preparing: Promise<unknown> = Promise.resolve();
  const prepareInTurn = (s: Services, lesson: Lesson): Promise<PrepareOutcome> => {
    const outcome = preparing.then(async () => {
      s.prepared.setEnabled(true);
      return s.prepared.prepare(lesson, (await s.images.ensure()).image);
    });
    preparing = outcome.catch(() => {});
    return outcome;
  };

  for (const lesson of catalog.list().filter((l) => numbers.includes(l.number))) {
    describe.runIf(services).concurrent(`lesson ${lesson.id}`, () => {
      let prepared: PrepareOutcome | undefined;
      beforeAll(async () => {
        prepared = await prepareInTurn(services as Services, lesson);
      }, 900_000);

      it('has its setup done ahead in prepared images that reproduce it, or says why it cannot', () => {
        if (lesson.faults.length) expect(prepared).toMatchObject({ status: 'ineligible' });
        // Lesson 08's setup leaves messages deferred in desktop's queue on purpose.
        else if (lesson.number === '08') expect(prepared).toMatchObject({ status: 'refused' });
        else expect(prepared?.status, JSON.stringify(prepared)).toMatch(/^(ready|existed)$/);
      });

      for (const c of proofCases(lesson)) {
        // A case is a fresh lab (seconds; a minute where earlier lessons' work is applied first) and
        // one to three checks; generous for a loaded 2-core machine.
        it(c.name, { timeout: 300_000 }, async () => {
          const s = services as Services;
          const outcome = await runProofCase(s.checker, freshLabs(s), c);
          const report = outcome.results.map((r, i) => `--- check ${i + 1}\n${summary(r)}`).join('\n');
          expect(outcome.problems, report).toEqual([]);
        });
      }
    });
  }
}

/**
 * Each lesson's proof time in seconds: the sum of its cases' durations in a full CI run (2 cores,
 * 2026-12-08, three proof files beside the other tests; 3,485 s in all). A lesson not listed counts
 * 12 s a case, about the mean there.
 */
export const LESSON_SECONDS: Record<string, number> = {
  '01': 64,
  '02': 137,
  '03': 369,
  '04': 168,
  '05': 205,
  '06': 139,
  '07': 314,
  '08': 285,
  '09': 553,
  '10': 232,
  '11': 219,
  '12': 322,
  '13': 478,
};

/**
 * Lessons split into `count` groups of about equal measured time: longest first, each to the group
 * with the least so far. Each group's lessons are listed in lesson order.
 */
export function balancedGroups(
  lessons: { number: string; cases: number }[],
  count: number,
  seconds: Record<string, number> = LESSON_SECONDS,
): string[][] {
  const cost = (l: { number: string; cases: number }) => seconds[l.number] ?? 12 * l.cases;
  const groups = Array.from({ length: count }, () => ({ total: 0, lessons: [] as string[] }));
  for (const lesson of [...lessons].sort((a, b) => cost(b) - cost(a) || a.number.localeCompare(b.number))) {
    const lightest = groups.reduce((a, b) => (b.total < a.total ? b : a));
    lightest.total += cost(lesson);
    lightest.lessons.push(lesson.number);
  }
  return groups.map((g) => g.lessons.sort());
}

/** How many proofs-*.test.ts files there are; the unit suite checks every lesson lands in one. */
export const PROOF_FILES = 4;

/** The lessons proofs-`n`.test.ts proves (n from 1). */
export async function proofGroup(n: number): Promise<string[]> {
  const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
  const lessons = catalog.list().map((l) => ({ number: l.number, cases: proofCases(l).length }));
  return balancedGroups(lessons, PROOF_FILES)[n - 1] ?? [];
}
