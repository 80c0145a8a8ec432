import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The lesson proofs first, then the rest as vitest orders them. The proof files are the longest by
 * far (about 20 minutes each on 2 cores, against at most 4 for any other file) but the smallest on
 * disk, which is how vitest orders files it has no timings for, as on a fresh CI machine: they
 * started last and one ran alone for 10 minutes at the end (CI, 2026-12-07). Longest first lets the
 * short files fill in at the end on whichever worker is free.
 */
class ProofsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const isProof = (f: TestSpecification) =>
      /[/\\]test[/\\]lessons[/\\]proofs-\d+\.test\.ts$/.test(f.moduleId);
    const proofs = files.filter(isProof).sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...proofs, ...(await super.sort(files.filter((f) => !isProof(f))))];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration, lesson and browser tests drive real containers: a lab takes seconds to boot and a
    // check waits for real mail. Unit tests finish in milliseconds and are unaffected.
    // A lab whose hosts die or hang while booting is created up to three times (up to ~5 min).
    testTimeout: 400_000,
    hookTimeout: 300_000,
    // Two cores: at most two test files (two or three labs) at once.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // The lesson proofs run one lab at a time within their file, and are split over four files of
    // about equal measured time (test/lessons/proof-suite.ts), started first (ProofsFirst), so that
    // both workers prove lessons: two labs at once in all, the other files filling in at the end.
    maxConcurrency: 1,
    sequence: { sequencer: ProofsFirst },
    reporters: ['default'],
    // The tests prove the offline image, the one every machine can build; pulling a RHEL base would
    // also reach out to a registry.
    // No spare labs made in the background of other tests: the pool's own tests ask for them.
    env: {
      MAILLAB_IMAGE: process.env.MAILLAB_IMAGE ?? 'offline',
      MAILLAB_SPARE_LABS: process.env.MAILLAB_SPARE_LABS ?? '0',
      // Lessons are proven on labs that run their setup; test/integration/prepared-images.test.ts
      // proves labs booted from prepared images.
      MAILLAB_PREPARED_IMAGES: process.env.MAILLAB_PREPARED_IMAGES ?? '0',
      // The tests' classes and attempts go to a throw-away database, never the person's own.
      MAILLAB_DATA_DIR:
        process.env.MAILLAB_DATA_DIR ?? path.join(tmpdir(), `maillab-test-data-${process.pid}`),
    },
  },
});
