// How to run systemd as PID 1 without privileged mode, per engine. Measured on a cgroup v1 Docker
// host: /run and /run/lock as tmpfs plus a read-only /sys/fs/cgroup boot systemd with no added
// capability. On cgroup v2 Docker, systemd needs its own writable cgroup subtree, which a private
// cgroup namespace gives. Podman detects /sbin/init and sets all of this up itself.
import type { EngineInfo } from './runtime.ts';

export interface SystemdHostConfig {
  Tmpfs: Record<string, string>;
  Binds: string[];
  CgroupnsMode?: 'private' | 'host';
}

const RUN_TMPFS = { '/run': 'rw,nosuid,nodev,mode=755', '/run/lock': 'rw,nosuid,nodev,noexec' };

export function systemdHostConfig(engine: Pick<EngineInfo, 'product' | 'cgroupVersion'>): SystemdHostConfig {
  if (engine.product === 'podman') return { Tmpfs: {}, Binds: [] };
  if (engine.cgroupVersion === '2') {
    return { Tmpfs: { ...RUN_TMPFS }, Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:rw'], CgroupnsMode: 'private' };
  }
  return { Tmpfs: { ...RUN_TMPFS }, Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:ro'] };
}
