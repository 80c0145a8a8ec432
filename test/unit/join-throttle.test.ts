// Joining a class from one address, as a room behind a school's NAT does: wrong codes never keep out
// a student with the right one, and successful joins are paced, measured on a simulated clock.
import { describe, expect, it } from 'vitest';
import { JoinThrottle } from '../../server/http/class-routes.ts';

/** Who gets in when, for joins arriving at the given times (ms); a refused one presses again after Retry-After. */
function simulate(arrivals: number[]): number[] {
  let clock = 0;
  const throttle = new JoinThrottle(10, 1_000, () => clock);
  const pending = arrivals.map((at, i) => ({ at, i }));
  const admitted: number[] = [];
  while (pending.length) {
    pending.sort((a, b) => a.at - b.at || a.i - b.i);
    const next = pending.shift() as { at: number; i: number };
    clock = next.at;
    const taken = throttle.take('203.0.113.7', 'c1');
    if (taken.ok) admitted[next.i] = clock;
    else pending.push({ at: clock + taken.retryAfterS * 1000, i: next.i });
  }
  return admitted;
}

describe('successful joins from one address', () => {
  it('never make a room of 30 joining one a second wait', () => {
    const arrivals = Array.from({ length: 30 }, (_, i) => i * 1000);
    expect(simulate(arrivals)).toEqual(arrivals);
  });

  it('let 30 who press Join at the same instant in within 20 s', () => {
    const admitted = simulate(Array.from({ length: 30 }, () => 0));
    expect(admitted.filter((t) => t === 0)).toHaveLength(10);
    expect(Math.max(...admitted)).toBe(20_000);
  });

  it('pace a script making 20 fake students in a row: 10 at once, then one a second', () => {
    const admitted = simulate(Array.from({ length: 20 }, (_, i) => i));
    expect(admitted.filter((t) => t < 1000)).toHaveLength(10);
    expect(Math.max(...admitted)).toBeGreaterThanOrEqual(10_000);
  });

  it('are counted per class: another class behind the same address is not slowed', () => {
    let clock = 0;
    const throttle = new JoinThrottle(10, 1_000, () => clock);
    for (let i = 0; i < 10; i++) expect(throttle.take('a', 'c1').ok).toBe(true);
    expect(throttle.take('a', 'c1')).toEqual({ ok: false, retryAfterS: 1 });
    expect(throttle.take('a', 'c2').ok).toBe(true);
    clock += 1000;
    expect(throttle.take('a', 'c1').ok).toBe(true);
  });
});
