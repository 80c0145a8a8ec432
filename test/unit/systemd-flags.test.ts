import { describe, expect, it } from 'vitest';
import { systemdHostConfig } from '../../server/runtime/systemd-flags.ts';

describe('systemd flags per engine', () => {
  it('binds no host cgroup tree on cgroup v1 Docker: only name=systemd, below a parent of this host alone', () => {
    const flags = systemdHostConfig(
      { product: 'docker', cgroupVersion: '1', cgroupDriver: 'cgroupfs' },
      { cgroupSlot: '0a1b2c3d4e5f6a7b' },
    );
    expect(flags).toEqual({
      Tmpfs: expect.objectContaining({
        '/run': expect.any(String),
        '/run/lock': expect.any(String),
        '/sys/fs/cgroup/systemd': expect.any(String),
      }),
      Binds: [
        '/sys/fs/cgroup/systemd/maillab/0a1b2c3d4e5f6a7b:/sys/fs/cgroup/systemd/maillab/0a1b2c3d4e5f6a7b:rw',
      ],
      CgroupParent: '/maillab/0a1b2c3d4e5f6a7b',
    });
    expect(flags.Binds.join(' ')).not.toMatch(/\/sys\/fs\/cgroup(\/unified)?:/);
  });

  it('follows the systemd cgroup driver, which nests a slice per dash', () => {
    const flags = systemdHostConfig(
      { product: 'docker', cgroupVersion: '1', cgroupDriver: 'systemd' },
      { cgroupSlot: 'ab12' },
    );
    expect(flags.CgroupParent).toBe('maillab-ab12.slice');
    expect(flags.Binds).toEqual([
      '/sys/fs/cgroup/systemd/maillab.slice/maillab-ab12.slice:/sys/fs/cgroup/systemd/maillab.slice/maillab-ab12.slice:rw',
    ]);
  });

  it('refuses a cgroup slot that would be read as a path or a nested slice', () => {
    for (const slot of ['../x', 'a-b', 'A/B', ''])
      expect(() =>
        systemdHostConfig({ product: 'docker', cgroupVersion: '1' }, { cgroupSlot: slot }),
      ).toThrow();
  });

  it('sizes every tmpfs it mounts, so a student cannot fill the machine memory through /run', () => {
    const flags = systemdHostConfig({ product: 'docker', cgroupVersion: '1' }, { cgroupSlot: 'ab12' });
    for (const size of Object.values(flags.Tmpfs)) expect(size).toMatch(/size=\d+m/);
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

  it('refuses Podman on cgroup v1, which would bind the whole host cgroup tree writable, unless the operator opts in', () => {
    expect(() => systemdHostConfig({ product: 'podman', cgroupVersion: '1' })).toThrow(
      /Podman on a cgroup v1 host.*could kill or freeze other labs.*MAILLAB_UNSAFE_CGROUP_BIND=1/,
    );
    const unsafe = systemdHostConfig(
      { product: 'podman', cgroupVersion: '1' },
      { allowUnsafeCgroupBind: true },
    );
    expect(unsafe.CgroupParent).toBeUndefined();
  });

  it('sets nofile and nproc on Podman, whose 1048576 defaults fail where root lacks CAP_SYS_RESOURCE', () => {
    for (const cgroupVersion of ['1', '2'] as const) {
      const limits =
        systemdHostConfig({ product: 'podman', cgroupVersion }, { allowUnsafeCgroupBind: true }).Ulimits ??
        [];
      expect(limits.map((u) => u.Name).sort()).toEqual(['nofile', 'nproc']);
      for (const u of limits) {
        expect(u.Soft).toBeLessThanOrEqual(u.Hard);
        expect(u.Hard).toBeLessThan(1048576);
      }
    }
  });

  it('leaves ulimits to Docker, which passes on its own', () => {
    expect(
      systemdHostConfig({ product: 'docker', cgroupVersion: '1' }, { cgroupSlot: 'ab12' }).Ulimits,
    ).toBeUndefined();
    expect(
      systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '28.0.0' }).Ulimits,
    ).toBeUndefined();
  });
});
