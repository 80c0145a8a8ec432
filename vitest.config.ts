import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

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
    // The lesson proofs run one lab at a time within their file, and are split over three files
    // (test/lessons/proof-suite.ts) so that both workers prove lessons: two labs at once in all.
    maxConcurrency: 1,
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
