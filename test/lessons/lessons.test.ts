// Every exercise of every lesson, proven on real containers (server/checker/proof.ts): a fresh lab
// fails every criterion, the reference solution passes every criterion twice, each known mistake
// fails exactly the criteria it declares with its hints, each cheat fails what it targets, and each
// correct variant passes. Adding a lesson adds its proof here.
import { afterAll, describe, expect, it } from 'vitest';
import { type ProofLabs, proofCases, runProofCase, summary } from '../../server/checker/proof.ts';
import type { Services } from '../../server/compose.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
const owners: string[] = [];
let ownerSeq = 0;

/** A fresh lab (setup applied) of its own owner per case, so cases never share state. */
function freshLabs(s: Services): ProofLabs {
  return {
    async fresh(lesson, fault) {
      const owner = `test-${process.pid}-${ownerSeq++}`;
      owners.push(owner);
      const lab = await s.labs.start(owner, lesson.id, fault ? { fault } : {});
      await s.labs.readyLab(lab.labId);
      return { labId: lab.labId, finish: () => s.labs.finish(lab.labId) };
    },
  };
}

afterAll(async () => {
  if (!services) return;
  for (const lab of services.labs.list())
    if (owners.includes(lab.owner)) await services.labs.finish(lab.labId);
});

// Each case has its own lab and shares nothing, so cases may run concurrently; vitest.config.ts's
// maxConcurrency says how many at once (one, on today's 2-core machines).
for (const lesson of catalog.list()) {
  describe.runIf(services).concurrent(`lesson ${lesson.id}`, () => {
    for (const c of proofCases(lesson)) {
      // A case is a fresh lab (about 4 s) and one to three checks; generous for a loaded 2-core machine.
      it(c.name, { timeout: 300_000 }, async () => {
        const s = services as Services;
        const outcome = await runProofCase(s.checker, freshLabs(s), c);
        const report = outcome.results.map((r, i) => `--- check ${i + 1}\n${summary(r)}`).join('\n');
        expect(outcome.problems, report).toEqual([]);
      });
    }
  });
}
