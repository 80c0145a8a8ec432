// How a lab host's boot is judged from what `systemctl is-system-running --wait` says, including the
// container's first instants, when systemd has not yet said it is systemd.
import { describe, expect, it } from 'vitest';
import { type BootProbe, waitForBoot } from '../../server/runtime/boot-wait.ts';

/** A host that answers with each of `answers` in turn (the last one from then on). */
function host(
  answers: { stdout?: string; stderr?: string }[],
  pid1 = 'systemd',
): BootProbe & { asked: number } {
  const probe = {
    asked: 0,
    async isSystemRunning() {
      const answer = answers[Math.min(probe.asked++, answers.length - 1)] ?? {};
      return {
        exitCode: answer.stdout === 'running' ? 0 : 1,
        stdout: answer.stdout ?? '',
        stderr: answer.stderr ?? '',
        timedOut: false,
      };
    },
    async pid1() {
      return `${pid1}\n`;
    },
  };
  return probe;
}

describe('waiting for a lab host to boot', () => {
  it('waits through the first instants (no bus, "offline") and the boot itself until running', async () => {
    const probe = host([
      { stderr: 'Failed to connect to bus: No such file or directory' },
      { stdout: 'offline' },
      { stdout: 'offline' },
      { stdout: 'initializing' },
      { stdout: 'starting' },
      { stdout: 'running' },
    ]);
    expect(await waitForBoot(probe, 5000, 1)).toEqual({ booted: true, state: 'running' });
    expect(probe.asked).toBe(6);
  });

  it('counts a degraded host as booted: a failed unit may be what the lesson is about', async () => {
    expect(await waitForBoot(host([{ stdout: 'degraded' }]), 5000, 1)).toEqual({
      booted: true,
      state: 'degraded',
    });
  });

  it('gives up at once when PID 1 is not systemd, naming it', async () => {
    const probe = host([{ stdout: 'offline' }], 'bash');
    const outcome = await waitForBoot(probe, 5000, 1);
    expect(outcome).toMatchObject({ booted: false, why: 'PID 1 is bash, not systemd' });
    expect(probe.asked).toBe(1);
  });

  it('gives up at once on a state that waiting will not change', async () => {
    const outcome = await waitForBoot(host([{ stdout: 'maintenance' }]), 5000, 1);
    expect(outcome).toMatchObject({ booted: false, why: 'systemd says "maintenance"' });
  });

  it('gives up at the deadline on a host that stays offline', async () => {
    const outcome = await waitForBoot(host([{ stdout: 'offline' }]), 200, 10);
    expect(outcome).toMatchObject({ booted: false, state: 'offline', why: 'still "offline" after 1 s' });
  });
});
