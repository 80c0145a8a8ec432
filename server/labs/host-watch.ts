// Watches what the engine cannot cap on every host: disk written (overlay2 on ext4 has no per-container
// quota) and a fork bomb (the pids limit holds it, but it keeps its core busy until someone acts). Each
// look runs both, one after the other; a failed look is logged and the next one comes as usual.
import { errorMessage } from '../errors.ts';

export interface WatchedLabs {
  enforceDiskLimit(limitBytes: number): Promise<string[]>;
  enforceProcessLimit(): Promise<string[]>;
}

/** Starts the watch; returns a function that stops it. The timer never keeps the process alive. */
export function startHostWatch(
  labs: WatchedLabs,
  opts: { diskLimitBytes: number; everyMs: number; warn: (what: string, err: string) => void },
): () => void {
  let looking = false;
  const look = async () => {
    // A slow engine never stacks looks on top of each other.
    if (looking) return;
    looking = true;
    try {
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
