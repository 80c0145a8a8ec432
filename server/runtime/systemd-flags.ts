// How to run systemd as PID 1 without privileged mode, per engine. Measured on a cgroup v1 Docker
// host: /run and /run/lock as tmpfs plus a read-only /sys/fs/cgroup boot systemd with no added
// capability. On cgroup v2 Docker, systemd needs its own writable cgroup subtree, which a private
// cgroup namespace gives. Podman detects /sbin/init and sets all of this up itself (measured on
// Podman 4.3, cgroup v1: tmpfs /run, /run/lock, /tmp and a read-only cgroup tree with a writable
// name=systemd hierarchy), even through its Docker-compatible API.
import { readdirSync } from 'node:fs';
import { MaillabError } from '../errors.ts';
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
  SecurityOpt?: string[];
}

// Sized: a tmpfs is memory, and an unsized one let a student's `dd` into /run take the whole machine
// (3 GB written there got the host OOM-killed). systemd and the mail daemons use well under 1 MB.
const RUN_TMPFS = {
  '/run': 'rw,nosuid,nodev,mode=755,size=64m',
  '/run/lock': 'rw,nosuid,nodev,noexec,size=8m',
};

/** Podman's systemd mode puts /tmp on a tmpfs (Docker leaves it on the container's disk). */
const PODMAN_TMP_TMPFS = { '/tmp': 'rw,nosuid,nodev,size=128m' };

/** Docker Engine 28.0 made the container's own cgroup writable without privileged mode. */
const WRITABLE_CGROUPS_SINCE = 28;

export interface SystemdFlagOptions {
  /** MAILLAB_UNSAFE_CGROUP_BIND=1: on older Docker with cgroup v2, bind the host's cgroup tree writable. */
  allowUnsafeCgroupBind?: boolean;
  /**
   * cgroup v1: the controller hierarchies mounted under the host's /sys/fs/cgroup (pids, memory,
   * devices…), from hostCgroupControllers().
   */
  cgroupControllers?: string[];
}

/**
 * The cgroup v1 controller hierarchies on this machine (real directories under /sys/fs/cgroup, not
 * the cpu → cpu,cpuacct links), leaving out the two systemd itself must write: name=systemd and the
 * hybrid unified tree. Empty when the engine's host is not this machine's (nothing to read).
 */
export function hostCgroupControllers(root = '/sys/fs/cgroup'): string[] {
  try {
    return readdirSync(root, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'systemd' && e.name !== 'unified')
      .map((e) => e.name);
  } catch {
    return [];
  }
}

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

export function systemdHostConfig(
  engine: Pick<EngineInfo, 'product' | 'cgroupVersion'> & { version?: string },
  options: SystemdFlagOptions = {},
): SystemdHostConfig {
  // Podman mounts what systemd needs itself when the command is /sbin/init, but its tmpfs mounts are
  // unsized (measured on Podman 4.3: /run and /tmp each as big as half the machine's memory). Mounts
  // given here replace its own, so they carry the same sizes as on Docker; /tmp, a tmpfs only on
  // Podman, gets one too.
  if (engine.product === 'podman')
    return {
      Tmpfs: { ...RUN_TMPFS, ...PODMAN_TMP_TMPFS },
      Binds: [],
      Ulimits: PODMAN_ULIMITS.map((u) => ({ ...u })),
    };
  if (engine.cgroupVersion === '2') {
    // A private cgroup namespace does not narrow a bind mount: binding the host's /sys/fs/cgroup
    // writable would let root in a lab rewrite the host's and other labs' limits. Docker 28 can make
    // the container's own cgroup writable instead.
    const major = Number.parseInt(engine.version ?? '', 10);
    if (major >= WRITABLE_CGROUPS_SINCE)
      return {
        Tmpfs: { ...RUN_TMPFS },
        Binds: [],
        CgroupnsMode: 'private',
        SecurityOpt: ['writable-cgroups=true'],
      };
    if (options.allowUnsafeCgroupBind)
      return {
        Tmpfs: { ...RUN_TMPFS },
        Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'],
        CgroupnsMode: 'private',
      };
    throw new MaillabError(
      'lab_failed',
      `Docker ${engine.version ?? '(unknown version)'} on a cgroup v2 host cannot run systemd in a lab safely: ` +
        `it would need the host's whole /sys/fs/cgroup writable in every lab. Use Docker ${WRITABLE_CGROUPS_SINCE}.0 or newer, ` +
        'or Podman (its Docker API works: DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock), or a cgroup v1 host. ' +
        'On a machine only you use, MAILLAB_UNSAFE_CGROUP_BIND=1 allows the old writable bind anyway.',
    );
  }
  // Measured: a read-only bind of /sys/fs/cgroup leaves the controller hierarchies mounted below it
  // writable (Docker 20.10 binds recursively but makes only the top read-only), so root in a lab could
  // raise the pids limit of every container or allow itself devices. Each controller is bound
  // read-only on its own; only name=systemd (no resource control) stays writable for systemd.
  const controllers = options.cgroupControllers ?? [];
  return {
    Tmpfs: { ...RUN_TMPFS },
    Binds: [
      '/sys/fs/cgroup:/sys/fs/cgroup:ro',
      ...controllers.map((c) => `/sys/fs/cgroup/${c}:/sys/fs/cgroup/${c}:ro`),
    ],
  };
}
