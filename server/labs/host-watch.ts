// Watches what the engine cannot cap on every host: disk written where the engine has no per-container
// quota (overlay2 on ext4; where it has one, runtime/disk-cap.ts caps each host and this look is
// skipped) and a fork bomb (the pids limit holds it, but it keeps its core busy until someone acts).
// Each look runs both, one after the other; a failed look is logged and the next one comes as usual.
//
// A look every 20 s is far too slow for the disk: dd in a lab host here wrote 1.2-2.1 GB/s (3 GB runs,
// 384 MB memory limit, overlay2 on ext4), tens of GB between two looks. Asking the engine for every
// host's disk each half second would cost it more than the labs do, so the watch reads the free space
// of the engine's filesystem instead (a statfs: microseconds, and ext4 counts a write at once, before
// writeback). Every QUICK_MS it compares; once QUICK_TRIGGER_BYTES more are in use than at the last
// look, it looks now. At 2.1 GB/s: up to 250 ms to notice plus the look and the stop (measured below,
// in the test that fills a host) keep a host within 2 GB of its limit.
import { errorMessage } from '../errors.ts';

export interface WatchedLabs {
  enforceDiskLimit(limitBytes: number): Promise<string[]>;
  enforceProcessLimit(): Promise<string[]>;
}

/** The regular look: disk (where not capped) and processes; a fork bomb is stopped on its second. */
export const HOST_WATCH_MS = 20_000;

/** How often the free space is read, and how much may go between two looks before one comes early. */
export const QUICK_MS = 250;
export const QUICK_TRIGGER_BYTES = 256 * 1024 * 1024;

/** Starts the watch; returns a function that stops it. The timers never keep the process alive. */
export function startHostWatch(
  labs: WatchedLabs,
  opts: {
    diskLimitBytes: number;
    everyMs: number;
    warn: (what: string, err: string) => void;
    /** True when the engine caps every host's disk: a host at its cap is full, not over, and stays up. */
    diskCapped?: () => Promise<boolean>;
    /** Free bytes where the engine keeps containers (undefined when unknown): the quick look's signal. */
    diskFree?: () => Promise<number | undefined>;
  },
): () => void {
  let looking = false;
  let capped = false;
  /** Free space when the last look began; a look comes early once this much less is free. */
  let baseline: number | undefined;
  const freeNow = () => (opts.diskFree?.() ?? Promise.resolve(undefined)).catch(() => undefined);
  const look = async (what: { processes: boolean }) => {
    // A slow engine never stacks looks on top of each other.
    if (looking) return;
    looking = true;
    try {
      baseline = await freeNow();
      capped = await (opts.diskCapped?.() ?? Promise.resolve(false)).catch(() => false);
      if (!capped)
        await labs
          .enforceDiskLimit(opts.diskLimitBytes)
          .catch((err) => opts.warn('disk watch failed', errorMessage(err)));
      if (what.processes)
        await labs.enforceProcessLimit().catch((err) => opts.warn('process watch failed', errorMessage(err)));
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look({ processes: true }), opts.everyMs);
  timer.unref();
  const quick = opts.diskFree
    ? setInterval(async () => {
        if (looking || capped) return;
        const free = await freeNow();
        if (free === undefined) return;
        // Space given back (a file removed) lowers the bar: what counts is what was written since.
        if (baseline === undefined || free > baseline) baseline = free;
        else if (baseline - free >= QUICK_TRIGGER_BYTES) await look({ processes: false });
      }, QUICK_MS)
    : undefined;
  quick?.unref();
  return () => {
    clearInterval(timer);
    clearInterval(quick);
  };
}
