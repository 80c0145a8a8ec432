// The proof of lessons on real containers (server/checker/proof.ts), as a vitest suite: a fresh lab
// fails every criterion, the reference solution passes every criterion twice, each known mistake fails
// exactly the criteria it declares with its hints, each cheat fails what it targets, and each correct
// variant passes. The lessons are split over a few test files (proofs-*.test.ts) so the two workers of
// a 2-core machine both prove lessons, one lab each, instead of one worker proving them all.
import { afterAll, describe, expect, it } from 'vitest';
import { type ProofLabs, proofCases, runProofCase, summary } from '../../server/checker/proof.ts';
import type { Services } from '../../server/compose.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { realEngine } from '../support/engine.ts';

/** Proves the lessons whose numbers `numbers` lists (every case on a fresh lab of its own). */
export async function proveLessons(numbers: string[]): Promise<void> {
  const services = await realEngine();
  const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
  const owners: string[] = [];
  let ownerSeq = 0;

  /** A fresh lab (setup applied) of its own owner per case, so cases never share state. */
  const freshLabs = (s: Services): ProofLabs => ({
    async fresh(lesson, fault) {
      const owner = `test-${process.pid}-${ownerSeq++}`;
      owners.push(owner);
      const lab = await s.labs.start(owner, lesson.id, fault ? { fault } : {});
      await s.labs.readyLab(lab.labId);
      return { labId: lab.labId, finish: () => s.labs.finish(lab.labId) };
    },
  });

  afterAll(async () => {
    if (!services) return;
    for (const lab of services.labs.list())
      if (owners.includes(lab.owner)) await services.labs.finish(lab.labId);
  });

  for (const lesson of catalog.list().filter((l) => numbers.includes(l.number))) {
    describe.runIf(services).concurrent(`lesson ${lesson.id}`, () => {
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

/** Every lesson must be in exactly one proofs-*.test.ts file: the unit suite checks it (lesson-scripts). */
export const PROOF_GROUPS: Record<string, string[]> = {
  'proofs-1': ['01', '02', '03', '04', '05', '06'],
  'proofs-2': ['07', '08', '09', '10'],
  'proofs-3': ['11', '12', '13'],
};
