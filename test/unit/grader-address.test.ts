import { describe, expect, it } from 'vitest';
import { randomGraderAddress } from '../../server/runtime/lab-network.ts';

describe("the grader's address in its lab's /28", () => {
  it('is drawn above the student hosts, below the broadcast address, and differs between labs', () => {
    const drawn = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const address = randomGraderAddress('10.213.4.16/28', 2) ?? '';
      const last = Number(address.split('.')[3]);
      // .17 is the gateway, .18 and .19 the students, .31 the broadcast.
      expect(last).toBeGreaterThanOrEqual(20);
      expect(last).toBeLessThanOrEqual(30);
      drawn.add(address);
    }
    expect(drawn.size).toBeGreaterThan(5);
  });

  it('leaves the choice to the engine when there is no subnet to draw from', () => {
    expect(randomGraderAddress('not a subnet', 2)).toBeUndefined();
    expect(randomGraderAddress('10.213.4.16/31', 2)).toBeUndefined();
  });
});
