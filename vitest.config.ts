import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration, lesson and browser tests drive real containers: a lab takes seconds to boot and a
    // check waits for real mail. Unit tests finish in milliseconds and are unaffected.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Two cores: at most two test files (two or three labs) at once.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // Concurrent tests (the lesson proofs) run two labs at a time within their file. Three, beside the
    // other file's labs, loaded a 2-core machine to a load average near 10, and a few hosts then failed
    // to boot (CI, 2026-11-28).
    maxConcurrency: 2,
    reporters: ['default'],
    // The tests prove the offline image, the one every machine can build; pulling a RHEL base would
    // also reach out to a registry.
    env: { MAILLAB_IMAGE: process.env.MAILLAB_IMAGE ?? 'offline' },
  },
});
