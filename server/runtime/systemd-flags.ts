// How to run systemd as PID 1 without privileged mode, per engine, so that root in a lab host sees
// and writes no cgroup but its own. cgroup v1 (Docker, and Podman with its systemd mode kept off):
// tmpfs /run and /run/lock, the engine's own read-only cgroup mount, and name=systemd writable only
// below a parent cgroup made for that one host (see the end of systemdHostConfig). cgroup v2 Docker
// 28+: a private cgroup namespace with only the container's own cgroup writable. Podman on cgroup v2
// sets systemd up itself when the command is /sbin/init, and its private namespace keeps a host to
// its own cgroup.
import { existsSync } from 'node:fs';
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
  /** cgroup v1: the parent cgroup made for this one host alone (see ownCgroupV1). */
  CgroupParent?: string;
  /**
   * The container's command, where the image's `/sbin/init` must not be named as such (Podman on
   * cgroup v1: see PODMAN_V1_INIT). Container config, not HostConfig.
   */
  Cmd?: string[];
  Ulimits?: Ulimit[];
  SecurityOpt?: string[];
}

// Sized: a tmpfs is memory, and an unsized one let a student's `dd` into /run take the whole machine
// (3 GB written there got the host OOM-killed). systemd and the mail daemons use well under 1 MB.
const RUN_TMPFS = {
  '/run': 'rw,nosuid,nodev,mode=755,size=64m',
  '/run/lock': 'rw,nosuid,nodev,noexec,size=8m',
};

/** Podman's systemd mode (cgroup v2) puts /tmp on a tmpfs (Docker leaves it on the container's disk). */
const PODMAN_TMP_TMPFS = { '/tmp': 'rw,nosuid,nodev,size=128m' };

/**
 * systemd as PID 1 on Podman on cgroup v1, by a command Podman does not take for systemd. Its Docker
 * API always asks for its systemd mode ("true", which turns on when the command is /sbin/init,
 * /usr/sbin/init, /usr/local/sbin/init or ends in /systemd: Podman 4.3 and main alike, in
 * pkg/specgen/generate/container_create.go), and has no field to say no. On cgroup v1 that mode binds
 * the machine's whole name=systemd tree writable at /sys/fs/cgroup/systemd, on top of any mount given
 * there (measured on 4.3: the mount's root was "/"). `env` execs /sbin/init, so systemd is still PID 1.
 */
export const PODMAN_V1_INIT = ['/usr/bin/env', '/sbin/init'];

/** Docker Engine 28.0 made the container's own cgroup writable without privileged mode. */
const WRITABLE_CGROUPS_SINCE = 28;

export interface SystemdFlagOptions {
  /** MAILLAB_UNSAFE_CGROUP_BIND=1: on older Docker with cgroup v2, bind the host's cgroup tree writable. */
  allowUnsafeCgroupBind?: boolean;
  /**
   * cgroup v1: a name for this host's own parent cgroup, unique on the engine (hex: it is also a
   * systemd slice name, where a dash would mean nesting). Required there.
   */
  cgroupSlot?: string;
  /**
   * cgroup v1: the machine has the hybrid layout, a cgroup2 tree at /sys/fs/cgroup/unified
   * (hostHasHybridCgroups()).
   */
  hybridCgroups?: boolean;
}

/** Whether this machine mounts the hybrid unified tree beside the v1 hierarchies. */
export function hostHasHybridCgroups(root = '/sys/fs/cgroup'): boolean {
  return existsSync(`${root}/unified/cgroup.procs`);
}

/**
 * Where a cgroup v1 host's own parent cgroup lives, by the engine's cgroup driver: cgroupfs puts a
 * container at `<CgroupParent>/<id>` (Podman: `<CgroupParent>/libpod-<id>`), the systemd driver at
 * `<slice path>/docker-<id>.scope` (Podman: `libpod-<id>.scope`).
 * `path` is relative to a hierarchy's root (/sys/fs/cgroup/<hierarchy>).
 */
export function ownCgroupV1(
  slot: string,
  driver: EngineInfo['cgroupDriver'],
): { CgroupParent: string; path: string } {
  if (!/^[0-9a-z]+$/.test(slot))
    throw new Error(`cgroup slot "${slot}" must be lowercase letters and digits`);
  if (driver === 'systemd')
    return { CgroupParent: `maillab-${slot}.slice`, path: `maillab.slice/maillab-${slot}.slice` };
  return { CgroupParent: `/maillab/${slot}`, path: `maillab/${slot}` };
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
  engine: Pick<EngineInfo, 'product' | 'cgroupVersion'> &
    Partial<Pick<EngineInfo, 'version' | 'cgroupDriver'>>,
  options: SystemdFlagOptions = {},
): SystemdHostConfig {
  // Podman on cgroup v2 mounts what systemd needs itself when the command is /sbin/init, but its
  // tmpfs mounts are unsized (measured on Podman 4.3: /run and /tmp each as big as half the machine's
  // memory). Mounts given here replace its own, so they carry the same sizes as on Docker; /tmp, a
  // tmpfs only in that mode, gets one too.
  if (engine.product === 'podman') {
    const ulimits = PODMAN_ULIMITS.map((u) => ({ ...u }));
    if (engine.cgroupVersion === '2')
      return { Tmpfs: { ...RUN_TMPFS, ...PODMAN_TMP_TMPFS }, Binds: [], Ulimits: ulimits };
    // Rootful Podman on cgroup v1, in its systemd mode, binds the host's whole name=systemd tree
    // writable into the container, and with a private cgroup namespace mounts it from the host's root
    // all the same: root in a lab wrote into other containers' cgroups, Docker's included (measured on
    // 4.3; run under those flags, the isolation test set the machine's maillab cgroup to
    // cgroup.max.descendants=1 and no lab booted after). With that mode kept off (PODMAN_V1_INIT),
    // Podman mounts cgroups as Docker does, and Docker's own-parent layout below applies unchanged
    // (measured on Podman 4.3 with runc 1.1.5, hybrid: systemd 252 boots to `running`, exec works).
    // MAILLAB_UNSAFE_CGROUP_BIND changes nothing here: nothing needs the host tree any more.
    const own = ownCgroupV1Flags(options, engine.cgroupDriver);
    return { ...own, Tmpfs: { ...RUN_TMPFS, ...own.Tmpfs }, Ulimits: ulimits, Cmd: [...PODMAN_V1_INIT] };
  }
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
  // cgroup v1 Docker (20.10 has no writable-cgroups): systemd must write its own name=systemd
  // hierarchy, and the engine's /sys/fs/cgroup bind used to hand over the WHOLE host tree with it
  // (measured: root in a lab listed every container in /sys/fs/cgroup/unified/docker and killed one
  // through its cgroup.kill). Now nothing of the host's tree is bound. The engine's own cgroup mount
  // shows each controller read-only at this container's own cgroup, and the hybrid unified tree not
  // at all (systemd then runs in legacy mode, as RHEL 8 did). Only name=systemd is writable, and
  // only below a parent cgroup made for this one host (CgroupParent): a small tmpfs over the
  // engine's read-only name=systemd mount holds the bind of that parent at the very path
  // /proc/self/cgroup names, so systemd finds its cgroup where it looks. A cgroup namespace cannot
  // do this on v1 Docker: it makes the engine mount name=systemd read-only. Measured on Docker
  // 20.10, cgroup v1 hybrid: systemd 252 boots to `running`; the host's other cgroups are invisible.
  // The engine makes the parent directories (a bind source it creates) but never removes them:
  // DockerRuntime.destroyLab does.
  const own = ownCgroupV1Flags(options, engine.cgroupDriver);
  return { ...own, Tmpfs: { ...RUN_TMPFS, ...own.Tmpfs } };
}

/** The own-parent layout of a cgroup v1 host (above); its tmpfs goes beside the /run mounts. */
function ownCgroupV1Flags(
  options: SystemdFlagOptions,
  driver: EngineInfo['cgroupDriver'],
): { Tmpfs: Record<string, string>; Binds: string[]; CgroupParent: string } {
  if (!options.cgroupSlot) throw new Error('a cgroup v1 lab host needs its own cgroup slot');
  const own = ownCgroupV1(options.cgroupSlot, driver);
  const systemdPath = `/sys/fs/cgroup/systemd/${own.path}`;
  // On a hybrid machine systemd also needs its cgroup in the unified tree: without it, it runs in
  // legacy mode, where nothing tells it a unit's cgroup emptied (measured: `systemctl restart
  // dovecot` hung in "deactivating" for 30–60 s, 3 restarts in 6). /sys/fs/cgroup/unified must itself
  // be a cgroup2 mount (systemd looks at its type), so the host's own parent is bound there, and again
  // at the path /proc/self/cgroup names below it (the engine makes that mount point: two empty cgroups
  // inside the parent, which DockerRuntime removes with it). Measured: restarts take 1.3 s again.
  const unifiedPath = `/sys/fs/cgroup/unified/${own.path}`;
  return {
    Tmpfs: { '/sys/fs/cgroup/systemd': 'rw,nosuid,nodev,noexec,mode=755,size=1m' },
    Binds: [
      `${systemdPath}:${systemdPath}:rw`,
      ...(options.hybridCgroups
        ? [`${unifiedPath}:/sys/fs/cgroup/unified:rw`, `${unifiedPath}:${unifiedPath}:rw`]
        : []),
    ],
    CgroupParent: own.CgroupParent,
  };
}
