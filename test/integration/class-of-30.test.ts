// A class of 30 simulated students on lesson 06, let in by the fair queue in waves the machine allows
// (CLASS_WAVE labs at once, 3 by default on 2 cores), runs to the end with no attempt lost.
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config.ts';
import { simulateClass } from '../bench/class-sim.ts';
import { realEngine } from '../support/engine.ts';

const engine = await realEngine();
const STUDENTS = 30;
const WAVE = Number(process.env.CLASS_WAVE ?? 3);

describe.runIf(engine)('a class of 30', () => {
  it(
    'runs to the end in waves, every lab within the limit, every Check recorded and passed',
    async () => {
      const run = await simulateClass(readConfig(), { students: STUDENTS, wave: WAVE });
      expect(run.runs).toHaveLength(STUDENTS);
      expect(run.runs.every((r) => r.passed)).toBe(true);
      expect(run.checksMade).toBe(STUDENTS);
      expect(run.attemptsRecorded).toBe(run.checksMade);
      expect(run.passedInExport).toBe(STUDENTS);
      expect(run.mostLabsAtOnce).toBeLessThanOrEqual(WAVE);
      // Later students waited in the queue: the waves were real.
      expect(Math.max(...run.runs.map((r) => r.queuedMs))).toBeGreaterThan(0);
    },
    30 * 60_000,
  );
});
