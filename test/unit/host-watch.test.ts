import { afterEach, describe, expect, it, vi } from 'vitest';
import { startHostWatch } from '../../server/labs/host-watch.ts';

describe('the host watch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('looks at disk and then processes on every tick, and a failed disk look does not skip the processes', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const warnings: string[] = [];
    let diskFails = true;
    const stop = startHostWatch(
      {
        enforceDiskLimit: async (limit) => {
          seen.push(`disk ${limit}`);
          if (diskFails) throw new Error('engine gone');
          return [];
        },
        enforceProcessLimit: async () => {
          seen.push('processes');
          return ['lab1'];
        },
      },
      { diskLimitBytes: 42, everyMs: 1000, warn: (what, err) => warnings.push(`${what}: ${err}`) },
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toEqual(['disk 42', 'processes']);
    expect(warnings).toEqual(['disk watch failed: engine gone']);
    diskFails = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['disk 42', 'processes', 'disk 42', 'processes']);
    stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(seen).toHaveLength(4);
  });

  it('never stacks a look on one that is still running', async () => {
    vi.useFakeTimers();
    let looks = 0;
    let release = () => {};
    const stop = startHostWatch(
      {
        enforceDiskLimit: () => {
          looks++;
          return new Promise<string[]>((resolve) => {
            release = () => resolve([]);
          });
        },
        enforceProcessLimit: async () => [],
      },
      { diskLimitBytes: 1, everyMs: 100, warn: () => {} },
    );
    await vi.advanceTimersByTimeAsync(500);
    expect(looks).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(100);
    expect(looks).toBe(2);
    stop();
  });
});
