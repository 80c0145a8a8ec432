// The raw baselines, done by hand with the docker CLI (argv arrays, no maillab code): a network and three
// bare systemd containers, and one SMTP round trip. Also memory figures read straight from the engine.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const run = promisify(execFile);

/** Every container and network the raw baseline creates carries this label, so leftovers are findable. */
export const BENCH_LABEL = 'maillab.bench=1';

export async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** docker, but a non-zero exit is an answer rather than an error. */
async function dockerStatus(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: await docker(args, timeoutMs) };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: (e.stdout ?? '').trim() };
  }
}

export interface RawLab {
  network: string;
  containers: Record<'server' | 'desktop' | 'grader', string>;
}

export const RAW_HOSTS = ['server', 'desktop', 'grader'] as const;

/**
 * The same lab by hand: an internal network, three systemd containers with the lab's systemd flags and
 * names, then each host polled until systemd says it has booted. No limits, no /etc/hosts, no lesson setup.
 */
export async function rawLabStart(
  image: string,
  cgroupVersion: '1' | '2',
  created: (what: { container?: string; network?: string }) => void,
): Promise<{ lab: RawLab; ms: number; bootMs: number }> {
  const id = `mlbench-${randomBytes(5).toString('hex')}`;
  const lab: RawLab = {
    network: id,
    containers: { server: `${id}-server`, desktop: `${id}-desktop`, grader: `${id}-grader` },
  };
  const cgroup =
    cgroupVersion === '2'
      ? ['-v', '/sys/fs/cgroup:/sys/fs/cgroup:rw', '--cgroupns', 'private']
      : ['-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro'];
  const t0 = performance.now();
  await docker([
    'network',
    'create',
    '--internal',
    '-o',
    'com.docker.network.bridge.inhibit_ipv4=true',
    '--label',
    BENCH_LABEL,
    lab.network,
  ]);
  created({ network: lab.network });
  for (const host of RAW_HOSTS) {
    const name = lab.containers[host];
    created({ container: name });
    await docker([
      'run',
      '-d',
      '--name',
      name,
      '--label',
      BENCH_LABEL,
      '--hostname',
      `${host}.example.com`,
      '--network',
      lab.network,
      '--network-alias',
      host,
      '-e',
      'container=docker',
      '--stop-signal',
      'SIGRTMIN+3',
      '--tmpfs',
      '/run',
      '--tmpfs',
      '/run/lock',
      ...cgroup,
      image,
    ]);
  }
  const started = performance.now();
  await Promise.all(RAW_HOSTS.map((host) => waitForBoot(lab.containers[host])));
  const end = performance.now();
  return { lab, ms: end - t0, bootMs: end - started };
}

/** Polls `systemctl is-system-running --wait` (it returns as soon as boot ends) until running. */
async function waitForBoot(container: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  let state = '';
  while (Date.now() < deadline) {
    const r = await dockerStatus(['exec', container, 'systemctl', 'is-system-running', '--wait'], 60_000);
    state = r.stdout;
    if (state === 'running' || state === 'degraded') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`raw container ${container} did not boot (systemd says "${state}")`);
}

export async function rawLabRemove(lab: RawLab): Promise<number> {
  const t0 = performance.now();
  await docker(['rm', '-f', '-v', ...Object.values(lab.containers)]);
  await docker(['network', 'rm', lab.network]);
  return performance.now() - t0;
}

/** Removes whatever an earlier, interrupted bench run left behind (found by BENCH_LABEL). */
export async function removeBenchLeftovers(): Promise<number> {
  const containers = (await docker(['ps', '-aq', '--filter', `label=${BENCH_LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (containers.length) await docker(['rm', '-f', '-v', ...containers]);
  const networks = (await docker(['network', 'ls', '-q', '--filter', `label=${BENCH_LABEL}`]))
    .split('\n')
    .filter(Boolean);
  if (networks.length) await docker(['network', 'rm', ...networks]);
  return containers.length + networks.length;
}

/**
 * The fastest real mail on a solved lesson-06 lab: sendmail on desktop, relayed by postfix to server,
 * delivered to student's mbox. A waiter on server is started first and watches the mbox every 10 ms, so
 * the figure is one `docker exec` plus the mail's travel, not a series of exec round trips.
 */
export async function rawSmtpRoundTrip(desktop: string, server: string): Promise<number> {
  const nonce = `mlbench${randomBytes(8).toString('hex')}`;
  const waiter = dockerStatus(
    [
      'exec',
      server,
      'bash',
      '-c',
      'for _ in $(seq 3000); do grep -qF "$1" /var/spool/mail/student 2>/dev/null && exit 0; sleep 0.01; done; exit 1',
      'wait-mail',
      nonce,
    ],
    60_000,
  );
  const t0 = performance.now();
  const sent = await dockerStatus([
    'exec',
    desktop,
    'bash',
    '-c',
    'printf "Subject: %s\\n\\nbench\\n" "$1" | sendmail -i student@example.com',
    'send-mail',
    nonce,
  ]);
  if (sent.code !== 0) throw new Error(`sendmail on ${desktop} exited ${sent.code}`);
  const arrived = await waiter;
  const ms = performance.now() - t0;
  if (arrived.code !== 0) throw new Error(`mail ${nonce} never reached student's mailbox on ${server}`);
  return ms;
}

/**
 * A container's memory as `docker stats` shows it: usage minus inactive page cache (cgroup v1:
 * total_inactive_file, v2: inactive_file), in bytes.
 */
export async function containerMemory(dockerApi: Docker, container: string): Promise<number> {
  const stats = (await dockerApi.getContainer(container).stats({ stream: false })) as unknown as {
    memory_stats?: { usage?: number; stats?: Record<string, number> };
  };
  const usage = stats.memory_stats?.usage ?? 0;
  const s = stats.memory_stats?.stats ?? {};
  const inactive = s.total_inactive_file ?? s.inactive_file ?? 0;
  return usage - inactive;
}

export async function memoryOf(dockerApi: Docker, containers: string[]): Promise<Record<string, number>> {
  const values = await Promise.all(containers.map((c) => containerMemory(dockerApi, c)));
  return Object.fromEntries(containers.map((c, i) => [c, values[i] as number]));
}
