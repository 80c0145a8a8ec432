// Work a CLI command leaves running after it returns: an exam's watch, a lesson's preparation.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `maillab <args>` in a process of its own that outlives this one, its output discarded. */
export function spawnDetached(args: string[]): number | undefined {
  const bin = fileURLToPath(new URL('../../bin/maillab.mjs', import.meta.url));
  const child = spawn(process.execPath, [bin, ...args], {
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  child.unref();
  return child.pid;
}
