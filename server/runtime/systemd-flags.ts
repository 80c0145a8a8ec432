// How to run systemd as PID 1 without privileged mode, per engine. Measured on a cgroup v1 Docker
// host: /run and /run/lock as tmpfs plus a read-only /sys/fs/cgroup boot systemd with no added
// capability. On cgroup v2 Docker, systemd needs its own writable cgroup subtree, which a private
// cgroup namespace gives. Podman detects /sbin/init and sets all of this up itself (measured on
// Podman 4.3, cgroup v1: tmpfs /run, /run/lock, /tmp and a read-only cgroup tree with a writable
// name=systemd hierarchy), even through its Docker-compatible API.
import type { EngineInfo } from './runtime.ts';

export interface Ulimit {
  Name: string;
  Soft: number;
  Hard: number;
}

export interface SystemdHostConfig {
  Tmpfs: Record<string, string>;
  Binds: string[];
  CgroupnsMode?: 'private' | 'host';
  Ulimits?: Ulimit[];
}

const RUN_TMPFS = { '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec' };

/**
 * Rootful Podman gives every container nofile and nproc limits of 1048576 unless told otherwise,
 * where Docker passes on its own limits. Raising a hard limit above the engine's own needs
 * CAP_SYS_RESOURCE, so on a host where root lacks it (measured: Podman's own hard limits 20000 open
 * files and 32768 processes) runc refuses to start any container ("error setting rlimit type 7:
 * operation not permitted"). Limits sized for a lab host start wherever the engine's own hard limits
 * reach them; the pids cgroup limit still caps each host's processes.
 */
export const PODMAN_ULIMITS: Ulimit[] = [
  { Name: 'nofile', Soft: 16384, Hard: 16384 },
  { Name: 'nproc', Soft: 16384, Hard: 16384 },
];

export function systemdHostConfig(engine: Pick<EngineInfo, 'product' | 'cgroupVersion'>): SystemdHostConfig {
  if (engine.product === 'podman')
    return { Tmpfs: {}, Binds: [], Ulimits: PODMAN_ULIMITS.map((u) => ({ ...u })) };
  if (engine.cgroupVersion === '2') {
    return { Tmpfs: { ...RUN_TMPFS }, Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'], CgroupnsMode: 'private' };
  }
  return { Tmpfs: { ...RUN_TMPFS }, Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:ro'] };
}
