// Waiting for systemd to finish booting a lab host, told apart from a host where it never will.
// `systemctl is-system-running --wait` answers, in a container's first instants:
//   "Failed to connect to bus" (exit 1, stderr): systemd has not opened its bus yet;
//   "offline": /run/systemd/system does not exist yet, so PID 1 does not look like systemd; seen for
//     a few milliseconds after start on an idle machine, longer under load;
//   "initializing" / "starting": still booting (--wait returns these only when it cannot wait);
//   "running" / "degraded": booted (degraded: some unit failed, which a lesson may be about).
// Anything else ("maintenance", "stopping"), or "offline" with another program as PID 1, will not
// get better by waiting.
import type { ExecResult } from './runtime.ts';

export interface BootProbe {
  /** Runs `systemctl is-system-running --wait`, giving up after `timeoutMs`. */
  isSystemRunning(timeoutMs: number): Promise<ExecResult>;
  /** The name of the host's PID 1 (`/proc/1/comm`). */
  pid1(): Promise<string>;
}

export type BootOutcome = { booted: true; state: string } | { booted: false; state: string; why: string };

const STILL_BOOTING = /^(initializing|starting)$/;

export async function waitForBoot(probe: BootProbe, timeoutMs: number, pauseMs = 100): Promise<BootOutcome> {
  const deadline = Date.now() + timeoutMs;
  let state = '';
  while (Date.now() < deadline) {
    const result = await probe.isSystemRunning(Math.max(1000, deadline - Date.now()));
    const said = result.stdout.trim();
    state = said || result.stderr.trim();
    if (said === 'running' || said === 'degraded') return { booted: true, state: said };
    if (said === 'offline') {
      const pid1 = (await probe.pid1().catch(() => '')).trim();
      if (pid1 && pid1 !== 'systemd') return { booted: false, state, why: `PID 1 is ${pid1}, not systemd` };
    } else if (said && !STILL_BOOTING.test(said)) {
      return { booted: false, state, why: `systemd says "${said}"` };
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  return { booted: false, state, why: `still "${state}" after ${Math.ceil(timeoutMs / 1000)} s` };
}
