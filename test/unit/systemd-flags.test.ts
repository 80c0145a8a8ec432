import { describe, expect, it } from 'vitest';
import { systemdHostConfig } from '../../server/runtime/systemd-flags.ts';

describe('systemd flags per engine', () => {
  it('mounts cgroups read-only with tmpfs /run on a cgroup v1 Docker host', () => {
    expect(systemdHostConfig({ product: 'docker', cgroupVersion: '1' })).toEqual({
      Tmpfs: expect.objectContaining({ '/run': expect.any(String), '/run/lock': expect.any(String) }),
      Binds: ['/sys/fs/cgroup:/sys/fs/cgroup:ro'],
    });
  });

  it('gives systemd a private writable cgroup namespace on cgroup v2 Docker', () => {
    const flags = systemdHostConfig({ product: 'docker', cgroupVersion: '2' });
    expect(flags.CgroupnsMode).toBe('private');
    expect(flags.Binds).toEqual(['/sys/fs/cgroup:/sys/fs/cgroup:rw']);
  });

  it('leaves systemd setup to Podman', () => {
    expect(systemdHostConfig({ product: 'podman', cgroupVersion: '2' })).toEqual({ Tmpfs: {}, Binds: [] });
  });
});
