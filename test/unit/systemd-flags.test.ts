import { describe, expect, it } from 'vitest';
import { PODMAN_V1_INIT, systemdHostConfig } from '../../server/runtime/systemd-flags.ts';

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

  it("binds the host's own parent in the unified tree too on a hybrid machine, where systemd needs it", () => {
    const flags = systemdHostConfig(
      { product: 'docker', cgroupVersion: '1', cgroupDriver: 'cgroupfs' },
      { cgroupSlot: 'ab12', hybridCgroups: true },
    );
    expect(flags.Binds).toEqual([
      '/sys/fs/cgroup/systemd/maillab/ab12:/sys/fs/cgroup/systemd/maillab/ab12:rw',
      '/sys/fs/cgroup/unified/maillab/ab12:/sys/fs/cgroup/unified:rw',
      '/sys/fs/cgroup/unified/maillab/ab12:/sys/fs/cgroup/unified/maillab/ab12:rw',
    ]);
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

  it('keeps Podman on cgroup v1 to its own parent cgroup, as Docker, with its systemd mode off', () => {
    const docker = systemdHostConfig(
      { product: 'docker', cgroupVersion: '1', cgroupDriver: 'cgroupfs' },
      { cgroupSlot: 'ab12', hybridCgroups: true },
    );
    const podman = systemdHostConfig(
      { product: 'podman', cgroupVersion: '1', cgroupDriver: 'cgroupfs' },
      { cgroupSlot: 'ab12', hybridCgroups: true },
    );
    expect(podman.Binds).toEqual(docker.Binds);
    expect(podman.CgroupParent).toBe('/maillab/ab12');
    expect(podman.Tmpfs).toEqual(docker.Tmpfs);
    expect(podman.Cmd).toEqual(PODMAN_V1_INIT);
  });

  it("starts systemd on Podman on cgroup v1 by a command its Docker API does not take for systemd's", () => {
    // Podman's own rule (pkg/specgen/generate/container_create.go, 4.3 to main): its systemd mode,
    // which binds the machine's whole name=systemd tree, turns on for these commands.
    const podmanSeesSystemd = (command: string[]) => {
      const cmd =
        command.length > 2 && command[0] === '/bin/sh' && command[1] === '-c' ? command.slice(2) : command;
      const first = cmd[0] ?? '';
      return (
        ['/sbin/init', '/usr/sbin/init', '/usr/local/sbin/init'].includes(first) ||
        first.split('/').pop() === 'systemd'
      );
    };
    expect(podmanSeesSystemd(['/sbin/init'])).toBe(true);
    const { Cmd } = systemdHostConfig({ product: 'podman', cgroupVersion: '1' }, { cgroupSlot: 'ab12' });
    expect(podmanSeesSystemd(Cmd ?? [])).toBe(false);
    // And still runs the image's init, as PID 1 (env execs it).
    expect(Cmd).toEqual(['/usr/bin/env', '/sbin/init']);
  });

  it('never hands Podman on cgroup v1 the host tree, even when the operator allows the unsafe bind', () => {
    const flags = systemdHostConfig(
      { product: 'podman', cgroupVersion: '1' },
      { cgroupSlot: 'ab12', allowUnsafeCgroupBind: true },
    );
    expect(flags.CgroupParent).toBe('/maillab/ab12');
    expect(flags.Cmd).toEqual(PODMAN_V1_INIT);
    expect(() => systemdHostConfig({ product: 'podman', cgroupVersion: '1' })).toThrow(/cgroup slot/);
  });

  it('binds no host cgroup tree, nor any cgroup outside the host slot, on any path that needs no opt-in', () => {
    const paths = [
      systemdHostConfig(
        { product: 'docker', cgroupVersion: '1' },
        { cgroupSlot: 'ab12', hybridCgroups: true },
      ),
      systemdHostConfig(
        { product: 'docker', cgroupVersion: '1', cgroupDriver: 'systemd' },
        { cgroupSlot: 'ab12', hybridCgroups: true },
      ),
      systemdHostConfig(
        { product: 'podman', cgroupVersion: '1' },
        { cgroupSlot: 'ab12', hybridCgroups: true },
      ),
      systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '28.0.0' }),
      systemdHostConfig(
        { product: 'docker', cgroupVersion: '2', version: '29.1.0' },
        { allowUnsafeCgroupBind: true },
      ),
      systemdHostConfig({ product: 'podman', cgroupVersion: '2' }),
    ];
    for (const flags of paths)
      for (const bind of flags.Binds) {
        const source = bind.split(':')[0] ?? '';
        if (source.startsWith('/sys/fs/cgroup'))
          expect(source).toMatch(/\/maillab(-ab12\.slice|\.slice\/maillab-ab12\.slice|\/ab12)$/);
      }
    // And no path asks the engine for the host's cgroup namespace.
    for (const flags of paths) expect(flags.CgroupnsMode).not.toBe('host');
  });

  it('on cgroup v2 leaves each host its private cgroup namespace: Docker 28+ asks for it, Podman keeps its own', () => {
    const docker = systemdHostConfig({ product: 'docker', cgroupVersion: '2', version: '28.0.0' });
    expect(docker).toMatchObject({
      CgroupnsMode: 'private',
      SecurityOpt: ['writable-cgroups=true'],
      Binds: [],
    });
    expect(docker.CgroupParent).toBeUndefined();
    // Podman on cgroup v2 mounts the cgroup tree itself, private and rooted at the host's cgroup, only in
    // its systemd mode: the image's own /sbin/init (no Cmd) is what turns that mode on.
    const podman = systemdHostConfig({ product: 'podman', cgroupVersion: '2' });
    expect(podman.Cmd).toBeUndefined();
    expect(podman.CgroupnsMode).toBeUndefined();
    expect(podman.CgroupParent).toBeUndefined();
  });

  it('sets nofile and nproc on Podman, whose 1048576 defaults fail where root lacks CAP_SYS_RESOURCE', () => {
    for (const cgroupVersion of ['1', '2'] as const) {
      const limits =
        systemdHostConfig({ product: 'podman', cgroupVersion }, { cgroupSlot: 'ab12' }).Ulimits ?? [];
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
