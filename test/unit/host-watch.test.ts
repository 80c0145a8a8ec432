import { afterEach, describe, expect, it, vi } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { startHostWatch } from '../../server/labs/host-watch.ts';
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
