// The host watch for labs started from the command line. Under `maillab serve` the server watches its
// labs; with no server, `lab start` leaves one detached `maillab host-watch` per state directory (as it
// leaves `exam-watch` for an exam) where the engine cannot cap the disk. It watches every lab of this
// maillab's owner and exits once none is left.
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../compose.ts';
import { errorMessage } from '../errors.ts';
import { HOST_WATCH_MS, startHostWatch } from '../labs/host-watch.ts';
import { spawnDetached } from './detached.ts';

/** How often the watch looks for labs started since (and for none left): a new lab is watched within it. */
const TRACK_MS = 2_000;

/** One watch per state directory and owner (tests share a state directory under owners of their own). */
const pidFile = (services: Services) =>
  path.join(
    services.config.stateDir,
    `host-watch-${services.config.owner.replace(/[^A-Za-z0-9_-]/g, '-')}.pid`,
  );

/** Whether a `maillab host-watch` of this state directory runs now. */
async function watching(services: Services): Promise<boolean> {
  const pid = Number((await readFile(pidFile(services), 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0) return false;
  // A pid reused by another program after the watch died is not the watch.
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return cmdline.includes('host-watch');
}

/**
 * Leaves a detached watch behind a CLI-started lab unless the engine caps every host's disk (then the
 * cap holds with no process at all) or one already runs. Returns its pid when it started one.
 */
export async function spawnHostWatch(services: Services): Promise<number | undefined> {
  if ((await services.runtime.diskCap((await services.images.find())?.image)).capped) return undefined;
  if (await watching(services)) return undefined;
  return spawnDetached(['host-watch']);
}

/** The body of `maillab host-watch`: watches this owner's labs until none is left. */
export async function watchHosts(services: Services): Promise<number> {
  if (await watching(services)) return 0;
  await writeFile(pidFile(services), `${process.pid}\n`);
  const { labs, runtime, config } = services;
  const stop = startHostWatch(labs, {
    diskLimitBytes: config.diskLimitBytes,
    everyMs: HOST_WATCH_MS,
    // Nobody reads a detached process's output; the lab itself says why a host stopped.
    warn: () => {},
    diskCapped: async () => (await runtime.diskCap()).capped,
    diskFree: () => runtime.engineDiskFree(),
  });
  try {
    for (;;) {
      const mine = (await runtime.listLabs().catch(() => undefined))?.filter((l) => l.owner === config.owner);
      if (mine?.length === 0) return 0;
      // Labs started since the last round: the lab service watches only the labs it tracks.
      const tracked = new Set(labs.list().map((l) => l.labId));
      for (const lab of mine ?? [])
        if (!tracked.has(lab.labId)) await labs.find(lab.owner, lab.lesson).catch((err) => errorMessage(err));
      await new Promise((resolve) => setTimeout(resolve, TRACK_MS));
    }
  } finally {
    stop();
    await rm(pidFile(services), { force: true });
  }
}
