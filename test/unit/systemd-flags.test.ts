import { describe, expect, it } from 'vitest';
import { systemdHostConfig } from '../../server/runtime/systemd-flags.ts';

describe('systemd flags per engine', () => {
  it('mounts cgroups read-only, each controller on its own, with tmpfs /run on a cgroup v1 Docker host', () => {
    expect(
      systemdHostConfig(
        { product: 'docker', cgroupVersion: '1' },
        { cgroupControllers: ['pids', 'devices'] },
      ),
    ).toEqual({
      Tmpfs: expect.objectContaining({ '/run': expect.any(String), '/run/lock': expect.any(String) }),
      Binds: [
        '/sys/fs/cgroup:/sys/fs/cgroup:ro',
        '/sys/fs/cgroup/pids:/sys/fs/cgroup/pids:ro',
        '/sys/fs/cgroup/devices:/sys/fs/cgroup/devices:ro',
      ],
    });
  });

  it('sizes every tmpfs it mounts, so a student cannot fill the machine memory through /run', () => {
    for (const size of Object.values(systemdHostConfig({ product: 'docker', cgroupVersion: '1' }).Tmpfs))
      expect(size).toMatch(/size=\d+m/);
  });

  it('makes only the lab cgroup writable on cgroup v2 Docker 28 and later, binding nothing', () => {
    const flags = systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '28.2.2' });
    expect(flags.CgroupnsMode).toBe('private');
    expect(flags.SecurityOpt).toEqual(['writable-cgroups=true']);
    expect(flags.Binds).toEqual([]);
  });

  it('refuses older Docker on cgroup v2, naming what works, unless the operator opts in', () => {
    expect(() => systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '24.0.7' })).toThrow(
      /Docker 24\.0\.7 on a cgroup v2 host cannot run systemd in a lab safely.*Docker 28\.0 or newer.*MAILLAB_UNSAFE_CGROUP_BIND=1/,
    );
    const unsafe = systemdHostConfig(
      { product: 'docker', cgroupVersion: '2', version: '24.0.7' },
      { allowUnsafeCgroupBind: true },
    );
    expect(unsafe.Binds).toEqual(['/sys/fs/cgroup:/sys/fs/cgroup:rw']);
  });

  it('leaves systemd setup to Podman but for the sizes of its tmpfs mounts', () => {
    const flags = systemdHostConfig({ product: 'podman', cgroupVersion: '2' });
    expect(Object.keys(flags.Tmpfs).sort()).toEqual(['/run', '/run/lock', '/tmp']);
    for (const options of Object.values(flags.Tmpfs)) expect(options).toMatch(/(^|,)size=\d+m(,|$)/);
    expect(flags.Binds).toEqual([]);
    expect(flags.CgroupnsMode).toBeUndefined();
  });

  it('sets nofile and nproc on Podman, whose 1048576 defaults fail where root lacks CAP_SYS_RESOURCE', () => {
    for (const cgroupVersion of ['1', '2'] as const) {
      const limits = systemdHostConfig({ product: 'podman', cgroupVersion }).Ulimits ?? [];
      expect(limits.map((u) => u.Name).sort()).toEqual(['nofile', 'nproc']);
      for (const u of limits) {
        expect(u.Soft).toBeLessThanOrEqual(u.Hard);
        expect(u.Hard).toBeLessThan(1048576);
      }
    }
  });

  it('leaves ulimits to Docker, which passes on its own', () => {
    expect(systemdHostConfig({ product: 'docker', cgroupVersion: '1' }).Ulimits).toBeUndefined();
    expect(
      systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '28.0.0' }).Ulimits,
    ).toBeUndefined();
  });
});
