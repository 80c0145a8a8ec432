// Watches what the engine cannot cap on every host: disk written where the engine has no per-container
// quota (overlay2 on ext4; where it has one, runtime/disk-cap.ts caps each host and this look is
// skipped) and a fork bomb (the pids limit holds it, but it keeps its core busy until someone acts). Each
// look runs both, one after the other; a failed look is logged and the next one comes as usual.
import { errorMessage } from '../errors.ts';

export interface WatchedLabs {
  enforceDiskLimit(limitBytes: number): Promise<string[]>;
  enforceProcessLimit(): Promise<string[]>;
}

/** Starts the watch; returns a function that stops it. The timer never keeps the process alive. */
export function startHostWatch(
  labs: WatchedLabs,
  opts: {
    diskLimitBytes: number;
    everyMs: number;
    warn: (what: string, err: string) => void;
    /** True when the engine caps every host's disk: a host at its cap is full, not over, and stays up. */
    diskCapped?: () => Promise<boolean>;
  },
): () => void {
  let looking = false;
  const look = async () => {
    // A slow engine never stacks looks on top of each other.
    if (looking) return;
    looking = true;
    try {
      const capped = await (opts.diskCapped?.() ?? Promise.resolve(false)).catch(() => false);
      if (!capped)
        await labs
          .enforceDiskLimit(opts.diskLimitBytes)
          .catch((err) => opts.warn('disk watch failed', errorMessage(err)));
      await labs.enforceProcessLimit().catch((err) => opts.warn('process watch failed', errorMessage(err)));
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), opts.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
