import { randomBytes } from 'node:crypto';
import { type AddressInfo, createServer, isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { newLabId, newToken } from '../../server/labs/lab-service.ts';
import { createLabNetwork } from '../../server/runtime/lab-network.ts';
import type { LabInfo } from '../../server/runtime/runtime.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const created: string[] = [];

async function createLab(hosts = ['server', 'desktop'], background?: boolean): Promise<LabInfo> {
  if (!services) throw new Error('no engine');
  const image = (await services.images.ensure()).image;
  const labId = newLabId();
  created.push(labId);
  return services.runtime.createLab({
    labId,
    lesson: 'test-runtime',
    owner: 'test',
    token: newToken(),
    hosts,
    image,
    ...(background ? { background } : {}),
  });
}

describe.runIf(services)('lab runtime on the real engine', () => {
  const s = services as Services;
  // The engine the services talk to (DOCKER_HOST: Docker or Podman), never a fixed socket.
  const docker = services?.engine.docker as Services['engine']['docker'];
  let lab: LabInfo;

  beforeAll(async () => {
    lab = await createLab();
  });

  afterAll(async () => {
    for (const id of created) await s.runtime.destroyLab(id);
  });

  it('boots every host with systemd and the lab hostnames, the grader under a name that does not say so', async () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['server', 'desktop', 'grader']);
    for (const host of ['server', 'desktop', 'grader']) {
      const state = await s.runtime.exec(lab.labId, host, ['systemctl', 'is-system-running']);
      expect(state.stdout.trim()).toBe('running');
      const name = await s.runtime.exec(lab.labId, host, ['hostname']);
      if (host === 'grader') expect(name.stdout.trim()).not.toMatch(/grader/);
      else expect(name.stdout.trim()).toBe(`${host}.example.com`);
    }
  });

  it('labels containers and the network so the engine tools can find them', async () => {
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`maillab.lab=${lab.labId}`] },
    });
    expect(containers.map((c) => c.Labels['maillab.host']).sort()).toEqual(['desktop', 'grader', 'server']);
    for (const c of containers) expect(c.Labels['maillab.lesson']).toBe('test-runtime');
    const networks = await docker.listNetworks({ filters: { label: [`maillab.lab=${lab.labId}`] } });
    expect(networks).toHaveLength(1);
    expect(networks[0]?.Labels?.['maillab.lesson']).toBe('test-runtime');
  });

  it('runs hosts unprivileged with memory, pids and CPU limits on an internal network', async () => {
    for (const host of lab.hosts) {
      const inspect = await docker.getContainer(host.containerId).inspect();
      expect(inspect.HostConfig.Privileged).toBe(false);
      expect(inspect.HostConfig.Memory).toBeGreaterThan(0);
      expect(inspect.HostConfig.PidsLimit).toBeGreaterThan(0);
      expect(inspect.HostConfig.NanoCpus).toBeGreaterThan(0);
    }
    const net = await docker.getNetwork(lab.network).inspect();
    expect(net.Internal).toBe(true);
  });

  it("gives a background lab (lesson images prepared ahead) an eighth of a student lab's CPU weight", async () => {
    const background = await createLab(['server'], true);
    const weight = async (containerId: string) =>
      (await docker.getContainer(containerId).inspect()).HostConfig.CpuShares;
    // 0 is the engine's default weight (1024).
    expect(await weight(lab.hosts[0]?.containerId ?? '')).toBe(0);
    for (const host of background.hosts) expect(await weight(host.containerId)).toBe(128);
    const state = await s.runtime.exec(background.labId, 'server', [
      'systemctl',
      'is-system-running',
      '--wait',
    ]);
    expect(state.stdout.trim()).toBe('running');
    await s.runtime.destroyLab(background.labId);
  });

  it("says which image is missing, as a typed error, when a host's image is not on the engine", async () => {
    const image = (await s.images.ensure()).image;
    const labId = newLabId();
    created.push(labId);
    const missing = 'maillab/lesson:gone-0000000000000000';
    const create = s.runtime.createLab({
      labId,
      lesson: 'test-runtime',
      owner: 'test',
      token: newToken(),
      hosts: ['server'],
      image,
      hostImages: { server: missing },
    });
    await expect(create).rejects.toMatchObject({
      code: 'image_missing',
      message: expect.stringContaining(missing),
    });
    expect(await s.runtime.getLab(labId)).toBeUndefined();
  });

  it('keeps a lab host from writing any cgroup limit outside its own, as root', async () => {
    const probe = await s.runtime.exec(lab.labId, 'server', [
      '/bin/bash',
      '-c',
      // Every writable-looking limit file under /sys/fs/cgroup: each write must be refused.
      'n=0; for f in $(find /sys/fs/cgroup -name "pids.max" -o -name "memory.limit_in_bytes" -o -name "memory.max" -o -name "cpu.max" -o -name "cpu.cfs_quota_us" -o -name "devices.allow" | head -n 40); do n=$((n+1)); if echo 1000000 2>/dev/null > "$f"; then echo "WROTE $f"; fi; done; echo "tried $n"',
    ]);
    expect(probe.stdout).toMatch(/tried [1-9]\d*/);
    expect(probe.stdout).not.toContain('WROTE');
  });

  it("shows a lab host no other container's cgroup, and lets it kill, freeze or join none, as root", async () => {
    // Another container of the same lab (server, and the grader) and a bystander lab's host.
    const bystander = await createLab(['server']);
    const others = [
      ...lab.hosts.filter((h) => h.name !== 'desktop').map((h) => h.containerId),
      ...bystander.hosts.map((h) => h.containerId),
    ];
    // As a determined student would: look everywhere a cgroup tree could be, mount one, then write
    // every control file found (kill, freeze, procs, tasks, subtree_control, release_agent, limits)
    // outside the host's own name=systemd subtree (the parent cgroup made for this host alone, see
    // systemd-flags.ts), and try to move into any other cgroup.
    const attack = await s.runtime.exec(
      lab.labId,
      'desktop',
      [
        '/bin/bash',
        '-c',
        `own=$(awk -F: '$2=="name=systemd"{print $3}' /proc/self/cgroup); echo "OWN $own"
for id in "$@"; do
  find /sys/fs/cgroup -name "*\${id:0:12}*" 2>/dev/null | sed "s/^/SEES /"
  grep -l "\${id:0:12}" /proc/[0-9]*/cgroup 2>/dev/null | sed "s/^/PROC /"
done
grep -E ' - cgroup2? ' /proc/self/mountinfo | awk '{print "ROOT " $4 " AT " $5}'
mkdir -p /tmp/cg; for t in "cgroup2 none" "cgroup -o name=systemd none" "cgroup -o pids none"; do mount -t $t /tmp/cg 2>/dev/null && echo "MOUNTED $t"; done
n=0
while IFS= read -r -d '' f; do
  # The host's own parent (made for it alone) and below are its own to write.
  # (/sys/fs/cgroup/unified is that same parent in the unified tree: its mount's root is checked below.)
  case "$f" in /sys/fs/cgroup/systemd"\${own%/*}"/* | /sys/fs/cgroup/unified/*) continue ;; esac
  [ "$(stat -f -c %T "$f")" = tmpfs ] && continue
  n=$((n+1))
  case "$(basename "$f")" in
    cgroup.procs|tasks) v=$$ ;; freezer.state) v=FROZEN ;; release_agent) v=/tmp/x ;; cgroup.subtree_control) v=+pids ;; *) v=1 ;;
  esac
  if (echo "$v" > "$f") 2>/dev/null; then echo "WROTE $f"; fi
done < <(find /sys/fs/cgroup -type f -print0 2>/dev/null)
echo "TRIED $n"`,
        'attack',
        ...others,
      ],
      { timeoutMs: 60_000 },
    );
    const out = attack.stdout;
    // Docker names a host's cgroup by its id, Podman by `libpod-` and its id.
    const own = /^OWN (\/maillab\/[0-9a-f]+\/(?:libpod-)?[0-9a-f]{64})$/m.exec(out)?.[1];
    expect(own, out).toBeDefined();
    expect(out).not.toMatch(/^(SEES|PROC|MOUNTED|WROTE) /m);
    // Every cgroup filesystem the host has mounted starts at its own cgroup or its own parent.
    const roots = [...out.matchAll(/^ROOT (\S+) AT (\S+)$/gm)].map((m) => m[1] ?? '');
    expect(roots.length).toBeGreaterThan(0);
    const parent = own?.replace(/\/(?:libpod-)?[0-9a-f]{64}$/, '') ?? '';
    for (const root of roots) expect([own, parent]).toContain(root);
    expect(Number(/^TRIED (\d+)$/m.exec(out)?.[1])).toBeGreaterThan(20);
    // No other host's slot is this host's: the parent holds only this container.
    const desktop = lab.hosts.find((h) => h.name === 'desktop');
    expect(own).toContain(desktop?.containerId);
    // And every other container is still up and not frozen.
    for (const [labId, host] of [
      [lab.labId, 'server'],
      [lab.labId, 'grader'],
      [bystander.labId, 'server'],
    ] as const) {
      const state = await s.runtime.exec(labId, host, ['systemctl', 'is-system-running'], {
        timeoutMs: 10_000,
      });
      expect(state.stdout.trim()).toBe('running');
    }
    await s.runtime.destroyLab(bystander.labId);
  });

  it('lets systemd in a host learn that a stopped service is gone, so restarts do not hang', async () => {
    // In legacy cgroup mode nothing tells systemd in a container that a unit's cgroup emptied: dovecot's
    // restart hung in "deactivating" for 30–60 s (measured). Each restart here must take seconds.
    const restarts = await s.runtime.exec(
      lab.labId,
      'server',
      [
        '/bin/bash',
        '-c',
        'systemctl start dovecot; for i in 1 2 3; do s=$(date +%s%N); timeout 25 systemctl restart dovecot; e=$(date +%s%N); echo "$(( (e - s) / 1000000 ))"; done; systemctl stop dovecot',
      ],
      { timeoutMs: 120_000 },
    );
    const times = restarts.stdout.trim().split('\n').map(Number);
    expect(times, restarts.stderr).toHaveLength(3);
    for (const ms of times) expect(ms).toBeLessThan(10_000);
  });

  it("leaves no cgroup of a finished lab's hosts behind on the machine", async () => {
    const info = await s.runtime.info();
    const extra = await createLab(['server']);
    const slots = (
      await docker.listContainers({ all: true, filters: { label: [`maillab.lab=${extra.labId}`] } })
    ).map((c) => c.Labels['maillab.cgroup-slot']);
    if (info.cgroupVersion === '1') {
      expect(slots.every((slot) => /^[0-9a-f]{16}$/.test(slot ?? ''))).toBe(true);
      const { existsSync } = await import('node:fs');
      for (const slot of slots) expect(existsSync(`/sys/fs/cgroup/systemd/maillab/${slot}`)).toBe(true);
      await s.runtime.destroyLab(extra.labId);
      const left = (hierarchies: string[]) =>
        slots.flatMap((slot) =>
          hierarchies.map((h) => `/sys/fs/cgroup/${h}/maillab/${slot}`).filter((p) => existsSync(p)),
        );
      // Docker's janitor is done when destroyLab returns. Podman's runs on its own (docker-runtime.ts):
      // the trees a host could write (name=systemd, unified) within seconds, and the controllers once
      // conmon leaves them: Podman not run by systemd keeps each exec's conmon there for 300 s.
      const podman = info.product === 'podman';
      const gone = async (hierarchies: string[], withinMs: number) => {
        const deadline = Date.now() + (podman ? withinMs : 0);
        while (left(hierarchies).length && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 1000));
        return left(hierarchies);
      };
      expect(await gone(['systemd', 'unified'], 20_000)).toEqual([]);
      expect(await gone(['memory', 'pids', 'cpu', 'freezer'], 345_000)).toEqual([]);
    } else {
      // On cgroup v2 the engine's private cgroup namespace needs no parent of maillab's own.
      expect(slots.every((slot) => slot === undefined)).toBe(true);
      await s.runtime.destroyLab(extra.labId);
    }
  }, 420_000);

  it('caps the tmpfs /run: writing past it fails inside the host instead of filling the machine', async () => {
    const fill = await s.runtime.exec(lab.labId, 'server', [
      '/bin/bash',
      '-c',
      'df -m --output=size /run | tail -n1; dd if=/dev/zero of=/run/fill bs=1M count=200 2>&1; rm -f /run/fill',
    ]);
    const [size = ''] = fill.stdout.trim().split('\n');
    expect(Number(size.trim())).toBeLessThanOrEqual(64);
    expect(fill.stdout).toMatch(/No space left on device/);
    // Nor is any other tmpfs where a student would write files: an engine's own default size is half
    // the machine's memory (Podman mounts /tmp and /run/lock so unless told otherwise).
    const mounts = await s.runtime.exec(lab.labId, 'server', [
      'findmnt',
      '-rn',
      '-t',
      'tmpfs',
      '-o',
      'TARGET,SIZE',
    ]);
    const sizes = new Map(
      mounts.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
    expect(sizes.get('/run')).toBeDefined();
    for (const target of ['/run', '/run/lock', '/tmp', '/dev/shm'])
      if (sizes.has(target)) expect(`${target} ${sizes.get(target)}`).toMatch(/ \d+(\.\d+)?[KM]$/);
  });

  it('resolves the lab names between hosts from /etc/hosts, including mail.example.com', async () => {
    // From the files database alone: no look-up of a lab name waits on the internal network's DNS.
    const files = await s.runtime.exec(lab.labId, 'desktop', [
      'getent',
      '-s',
      'files',
      'hosts',
      'mail.example.com',
    ]);
    expect(files.exitCode).toBe(0);
    const result = await s.runtime.exec(lab.labId, 'desktop', ['getent', 'ahostsv4', 'mail.example.com']);
    expect(result.exitCode).toBe(0);
    const server = await s.runtime.exec(lab.labId, 'desktop', ['getent', 'ahostsv4', 'server.example.com']);
    expect(result.stdout.split(/\s+/)[0]).toBe(server.stdout.split(/\s+/)[0]);
    expect(files.stdout.split(/\s+/)[0]).toBe(result.stdout.split(/\s+/)[0]);
  });

  it('lets the hosts of a lab reach each other by name, over TCP and ICMP', async () => {
    const listen = await s.runtime.exec(lab.labId, 'server', [
      'systemd-run',
      '--quiet',
      '--unit=maillab-test-listener',
      'python3',
      '-c',
      "import socket; s = socket.create_server(('', 7777)); c, _ = s.accept(); c.sendall(b'hello\\n'); c.close()",
    ]);
    expect(listen.exitCode).toBe(0);
    const connect = await s.runtime.exec(
      lab.labId,
      'desktop',
      [
        'bash',
        '-c',
        'for i in $(seq 20); do timeout 2 bash -c "exec 3<>/dev/tcp/server.example.com/7777 && cat <&3" 2>/dev/null && exit 0; sleep 0.1; done; exit 1',
      ],
      { timeoutMs: 8000 },
    );
    expect(connect.stdout).toBe('hello\n');
    const ping = await s.runtime.exec(lab.labId, 'desktop', [
      'ping',
      '-c',
      '1',
      '-W',
      '2',
      'server.example.com',
    ]);
    expect(ping.exitCode, ping.stderr).toBe(0);
  });

  it('streams stdin into a command and returns its exit code and output', async () => {
    const nonce = randomBytes(6).toString('hex');
    const result = await s.runtime.exec(lab.labId, 'server', ['bash', '-s'], {
      stdin: `echo "got $MARK"; echo oops >&2; exit 3\n`,
      env: { MARK: nonce },
    });
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: `got ${nonce}\n`,
      stderr: 'oops\n',
      timedOut: false,
    });
  });

  it('ends a command that runs past its timeout', async () => {
    const started = Date.now();
    const result = await s.runtime.exec(lab.labId, 'server', ['sleep', '30'], { timeoutMs: 1000 });
    expect(result.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('isolates labs from each other', async () => {
    const other = await createLab(['server']);
    const otherServer = other.hosts.find((h) => h.name === 'server');
    const inspect = await docker.getContainer(otherServer?.containerId ?? '').inspect();
    const ip = Object.values(inspect.NetworkSettings.Networks)[0]?.IPAddress;
    expect(ip).toBeTruthy();
    // The other lab's server is neither reachable by address nor by name from this lab.
    const connect = await s.runtime.exec(lab.labId, 'desktop', ['bash', '-c', `exec 3<>/dev/tcp/${ip}/22`], {
      timeoutMs: 4000,
    });
    expect(connect.exitCode).not.toBe(0);
    const ping = await s.runtime.exec(lab.labId, 'desktop', ['ping', '-c', '1', '-W', '2', String(ip)]);
    expect(ping.exitCode).not.toBe(0);
    await s.runtime.destroyLab(other.labId);
  });

  it('gives a lab no way out of its network, not even to the host', async () => {
    // A listener on this machine, reachable through the lab's gateway address (or this machine's
    // address on another engine bridge) if anything leaked.
    const listener = createServer((socket) => socket.end('leak\n'));
    await new Promise<void>((resolve) => listener.listen(0, '0.0.0.0', resolve));
    const port = (listener.address() as AddressInfo).port;
    try {
      const net = await docker.getNetwork(lab.network).inspect();
      // Docker reports a gateway even when the bridge has no host address; Podman's network
      // without DNS has no gateway at all (and reports "<nil>").
      const gateway = net.IPAM?.Config?.[0]?.Gateway ?? '';
      // The host's addresses on the engines' own bridges (docker0, br-*, podman*): this machine as
      // other container networks see it. Addresses outside the engines' networks are never probed.
      const hostAddresses = Object.entries(networkInterfaces())
        .filter(([name]) => /^(docker|br-|podman|cni)/.test(name))
        .flatMap(([, addrs]) => addrs ?? [])
        .filter((a) => a.family === 'IPv4' && !a.internal)
        .map((a) => a.address);
      const targets = [...new Set([...(isIPv4(gateway) ? [gateway] : []), ...hostAddresses])];

      // On a Podman-only host with no engine bridge up there may be no such address at all: then
      // the lab network must have no gateway, and its hosts no route beyond their own subnet.
      if (targets.length === 0) {
        expect(isIPv4(gateway)).toBe(false);
        const routes = await s.runtime.exec(lab.labId, 'desktop', ['ip', '-4', 'route', 'show']);
        expect(routes.stdout).toMatch(/dev eth0/);
        expect(routes.stdout).not.toMatch(/^default/m);
        return;
      }
      const attempt = await s.runtime.exec(
        lab.labId,
        'desktop',
        [
          'bash',
          '-c',
          'for t in "$@"; do timeout 2 bash -c "exec 3<>/dev/tcp/$t/$0 && cat <&3" 2>/dev/null && exit 0; done; exit 1',
          String(port),
          ...targets,
        ],
        { timeoutMs: 3000 + 2000 * targets.length },
      );
      expect(attempt.stdout).not.toContain('leak');
      expect(attempt.exitCode).not.toBe(0);
    } finally {
      listener.close();
    }
  });

  it('tears a lab down completely, and again without error', async () => {
    const doomed = await createLab(['server']);
    await s.runtime.destroyLab(doomed.labId);
    await s.runtime.destroyLab(doomed.labId);
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`maillab.lab=${doomed.labId}`] },
    });
    const networks = await docker.listNetworks({ filters: { label: [`maillab.lab=${doomed.labId}`] } });
    const volumes = await docker.listVolumes({ filters: { label: [`maillab.lab=${doomed.labId}`] } });
    expect(containers).toEqual([]);
    expect(networks).toEqual([]);
    expect(volumes.Volumes ?? []).toEqual([]);
  });

  it('gives each lab network a /28 of its own, so more labs fit on one engine than Docker has default pools for', async () => {
    const info = await s.runtime.info();
    const made: string[] = [];
    const tag = `subnets-${randomBytes(4).toString('hex')}`;
    try {
      // Docker's default pools hold about 31 networks; the 32nd used to fail.
      for (let i = 0; i < 40; i++) {
        const name = `maillab-test-${tag}-${i}`;
        await createLabNetwork(docker, info, name, readConfig().labSubnets, { 'maillab.test': tag });
        made.push(name);
      }
      const networks = await docker.listNetworks({ filters: { label: [`maillab.test=${tag}`] } });
      const subnets = networks.map((n) => n.IPAM?.Config?.[0]?.Subnet ?? '');
      expect(subnets).toHaveLength(40);
      if (info.product === 'docker') {
        expect(new Set(subnets).size).toBe(40);
        for (const subnet of subnets) expect(subnet).toMatch(/^10\.213\.\d+\.\d+\/28$/);
      }
    } finally {
      for (const name of made)
        await docker
          .getNetwork(name)
          .remove()
          .catch(() => {});
    }
  });
});
