import { afterEach, describe, expect, it, vi } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { QUICK_MS, QUICK_TRIGGER_BYTES, startHostWatch } from '../../server/labs/host-watch.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

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

  it('leaves the disk to the engine where it caps every host, and still looks at processes', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const stop = startHostWatch(
      {
        enforceDiskLimit: async () => {
          seen.push('disk');
          return [];
        },
        enforceProcessLimit: async () => {
          seen.push('processes');
          return [];
        },
      },
      { diskLimitBytes: 42, everyMs: 1000, warn: () => {}, diskCapped: async () => true },
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['processes']);
    stop();
  });

  it('looks at the disk early once 256 MB more of the engine’s filesystem is used, not for less', async () => {
    vi.useFakeTimers();
    const looks: number[] = [];
    let free = 10 * 1024 ** 3;
    const stop = startHostWatch(
      {
        enforceDiskLimit: async () => {
          looks.push(Date.now());
          return [];
        },
        enforceProcessLimit: async () => [],
      },
      { diskLimitBytes: 42, everyMs: 20_000, warn: () => {}, diskFree: async () => free },
    );
    const start = Date.now();
    await vi.advanceTimersByTimeAsync(QUICK_MS);
    // Under the trigger: no look before the regular one.
    free -= QUICK_TRIGGER_BYTES - 1;
    await vi.advanceTimersByTimeAsync(5 * QUICK_MS);
    expect(looks).toEqual([]);
    // A fast write: the next quick read sees it and looks at once.
    free -= 2;
    await vi.advanceTimersByTimeAsync(QUICK_MS);
    expect(looks.map((t) => t - start)).toEqual([7 * QUICK_MS]);
    // Space freed and written again: counted from the new free space, not the old one.
    free += 2 * QUICK_TRIGGER_BYTES;
    await vi.advanceTimersByTimeAsync(QUICK_MS);
    free -= QUICK_TRIGGER_BYTES;
    await vi.advanceTimersByTimeAsync(QUICK_MS);
    expect(looks).toHaveLength(2);
    stop();
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

  it('counts the processes of many labs side by side, and stops the host at its limit on two looks in a row', async () => {
    const runtime = new FakeRuntime();
    const lessons = await fixtureCatalog(['06-null-client']);
    const store = new GraderStore(runtime);
    const labs = new LabService({
      runtime,
      store,
      lessons,
      checker: new Checker(runtime, store),
      image: async () => 'x',
    });
    const started = [];
    for (let i = 0; i < 12; i++) started.push(await labs.start(`student${i}`, '06'));
    for (const lab of started) await labs.readyLab(lab.labId);
    const bombed = started[7] as (typeof started)[number];
    runtime.pids.set(`${bombed.labId}:desktop`, 512);
    let inFlight = 0;
    let most = 0;
    const count = runtime.processCounts.bind(runtime);
    runtime.processCounts = async (labId) => {
      most = Math.max(most, ++inFlight);
      // As the engine does: a one-shot stats answer waits for its next collection.
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return count(labId);
    };
    expect(await labs.enforceProcessLimit()).toEqual([]);
    expect(most).toBe(10);
    expect(await labs.enforceProcessLimit()).toEqual([bombed.labId]);
    expect(labs.get(bombed.labId).error).toMatch(/Host desktop kept 512 processes running, its limit/);
    expect(started.filter((l) => labs.get(l.labId).status === 'ready')).toHaveLength(11);
  });
});
