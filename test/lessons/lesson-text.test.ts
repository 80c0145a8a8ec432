// Every command in a lesson's text runs as written: on a fresh lab, each code block tagged host= (the
// ones with a Run button) is run in order on its host, as the Run button types it into a login shell,
// and must succeed. (Whether the blocks also solve the exercise is the browser test's business for the
// guided lesson 06; other lessons may stop short of their exercise on purpose.)
import { describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { renderLessonMarkdown } from '../../server/lessons/render.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);

for (const lesson of catalog.list()) {
  const blocks = renderLessonMarkdown(lesson.markdown).runnable;
  describe.runIf(services && blocks.length > 0)(`lesson ${lesson.id} text`, () => {
    it(`runs all ${blocks.length} host= blocks as written, in order, on a fresh lab`, async () => {
      const s = services as Services;
      const lab = await s.labs.start(`text-${process.pid}-${lesson.number}`, lesson.id);
      // Each lab goes as soon as its lesson is read: kept to the file's end, all 13 ran at once (39
      // containers), and an interrupted run left them all behind.
      try {
        await s.labs.readyLab(lab.labId);
        for (const [i, block] of blocks.entries()) {
          const run = await s.runtime.exec(lab.labId, block.host, ['/bin/bash', '-lc', block.code], {
            timeoutMs: 60_000,
          });
          expect(
            run.exitCode,
            `block ${i + 1} on ${block.host} failed:\n${block.code}\n--- output\n${run.stdout}\n${run.stderr}`,
          ).toBe(0);
        }
      } finally {
        await s.labs.finish(lab.labId).catch(() => {});
      }
    });
  });
}
