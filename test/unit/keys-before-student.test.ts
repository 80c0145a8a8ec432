// Keys and certificates a lab came with (the image's, a package's, the setup's) are fingerprinted on
// the grader before the lab is handed over, for lessons that declare it, so checks can refuse them as
// the student's work.
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

async function labOf(frontMatter: string) {
  const root = await tempLessons();
  await writeLesson(root, '11-tls', frontMatter);
  const lessons = await loadLessons(root);
  const runtime = new FakeRuntime();
  const store = new GraderStore(runtime);
  const labs = new LabService({
    runtime,
    store,
    lessons,
    checker: new Checker(runtime, store),
    image: async () => 'maillab/lab:test',
  });
  const lab = await labs.start('student-1', '11');
  await labs.readyLab(lab.labId);
  return { runtime, labId: lab.labId };
}

describe('keys a lab came with', () => {
  it('are copied from server by the engine and fingerprinted on the grader before the lab is marked ready', async () => {
    const { runtime, labId } = await labOf(
      VALID_FRONT_MATTER.replace('exercises:', 'keysBeforeStudent: [server]\nexercises:'),
    );
    const copy = runtime.copies.find((c) => c.labId === labId);
    expect(copy).toMatchObject({ from: 'server', to: 'grader' });
    expect(copy?.request.paths).toEqual(expect.arrayContaining(['/etc/pki', '/etc/dovecot']));
    const graderExecs = runtime.execs.filter((e) => e.labId === labId && e.host === 'grader');
    const fingerprinted = graderExecs.findIndex((e) => e.argv.some((a) => a.endsWith('/keys-before/server')));
    const ready = graderExecs.findIndex((e) => e.argv.some((a) => a.endsWith('/lab-ready')));
    expect(fingerprinted).toBeGreaterThanOrEqual(0);
    expect(ready).toBeGreaterThan(fingerprinted);
    // Nothing ran on server to produce them.
    expect(
      runtime.execs.filter(
        (e) => e.labId === labId && e.host === 'server' && /pki|pkey|x509/.test(e.argv.join(' ')),
      ),
    ).toEqual([]);
  });

  it('are not recorded for a lesson that does not ask for them', async () => {
    const { runtime, labId } = await labOf(VALID_FRONT_MATTER);
    expect(runtime.copies.filter((c) => c.labId === labId)).toEqual([]);
  });
});
