// A lab's network and names: an internal network with no way out (Docker or Podman), the lab's host
// names in every host's /etc/hosts, and on Podman the lab's own name server on the grader.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { MaillabError } from '../errors.ts';
import { type Cidr, formatAddress, formatCidr, freeLabSubnet, LAB_PREFIX, parseCidr } from './lab-subnets.ts';
import { hostNames } from './labels.ts';
import { type EngineInfo, type ExecOptions, type ExecResult, GRADER_HOST } from './runtime.ts';

/** Runs a command on one host of the lab being set up. */
export type LabExec = (host: string, argv: string[], options?: ExecOptions) => Promise<ExecResult>;

/** The lab's own name server on Podman; see lab-dns.py and serveLabDns. */
const LAB_DNS = readFileSync(new URL('./lab-dns.py', import.meta.url), 'utf8');

/**
 * An internal bridge network through which a lab reaches nothing but itself, not even the host.
 * On Docker an internal network still gives the host an address on the bridge, through which a
 * lab could reach the host's own services; `inhibit_ipv4` leaves it out. Podman's compatible API
 * ignores that option and always enables its DNS server, which needs the same host address on the
 * bridge (its gateway). Only Podman's own API can create a network without DNS, and then Podman
 * gives the bridge no address at all (measured on Podman 4.3 with netavark). Lab names never need
 * the engine's DNS: the runtime writes them into every host's /etc/hosts.
 */
export async function createLabNetwork(
  docker: Docker,
  engine: EngineInfo,
  name: string,
  subnetPool: string,
  labels: Record<string, string>,
): Promise<string | undefined> {
  if (engine.product === 'docker') {
    const pool = parseCidr(subnetPool);
    if (!pool)
      throw new MaillabError('bad_request', `MAILLAB_LAB_SUBNETS "${subnetPool}" is not an IPv4 range.`);
    const taken = await engineSubnets(docker);
    // Another process may take the same /28 between the look and the create: the engine refuses the
    // overlap, and the next try avoids it.
    for (let attempt = 0; ; attempt++) {
      const subnet = freeLabSubnet(pool, taken);
      if (!subnet)
        throw new MaillabError(
          'capacity_exceeded',
          `Every /${LAB_PREFIX} of MAILLAB_LAB_SUBNETS (${subnetPool}) is taken by a network: finish some labs (\`npx maillab doctor\` lists them) or give a larger range.`,
        );
      try {
        await docker.createNetwork({
          Name: name,
          Driver: 'bridge',
          Internal: true,
          CheckDuplicate: true,
          // The gateway is named so the engine reports it as it does for its own pools; the host never
          // holds that address (inhibit_ipv4), so it leads nowhere.
          IPAM: {
            Driver: 'default',
            Config: [{ Subnet: formatCidr(subnet), Gateway: formatAddress(subnet.base + 1) }],
          },
          Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
          Labels: labels,
        });
        return formatCidr(subnet);
      } catch (err) {
        if (attempt >= 5 || !/overlap/i.test((err as Error).message)) throw err;
        taken.push(subnet);
      }
    }
  }
  await new Promise<void>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/v${engine.version}/libpod/networks/create`,
        method: 'POST',
        // Docker bridges are isolated from each other; `isolate` asks the same of Podman's.
        options: {
          name,
          driver: 'bridge',
          internal: true,
          dns_enabled: false,
          options: { isolate: 'true' },
          labels,
        },
        statusCodes: { 200: true, 201: true, 409: 'network exists', 500: 'server error' },
      },
      (err: unknown) => (err ? reject(err) : resolve()),
    );
  });
  // Podman chooses the subnet itself: the grader's address is then the engine's choice.
  return undefined;
}

/** The IPv4 subnets of every network the engine has. */
async function engineSubnets(docker: Docker): Promise<Cidr[]> {
  const networks = await docker.listNetworks();
  const subnets: Cidr[] = [];
  for (const network of networks)
    for (const config of network.IPAM?.Config ?? []) {
      const cidr = config.Subnet ? parseCidr(config.Subnet) : undefined;
      if (cidr) subnets.push(cidr);
    }
  return subnets;
}

/**
 * Lab names in /etc/hosts as on a classroom network, so look-ups never wait on DNS. Student hosts
 * get the student hosts' names only: the grader is named nowhere they can read, so no trust rule can
 * be written against it by name. The grader gets every name, its checks use them.
 */
export async function writeHostsFiles(
  exec: LabExec,
  hosts: string[],
  addresses: Map<string, string>,
): Promise<void> {
  const entriesFor = (reader: string) => {
    const lines = hosts
      .filter((host) => addresses.has(host) && (host !== GRADER_HOST || reader === GRADER_HOST))
      .map((host) => `${addresses.get(host)}\t${hostNames(host).aliases.join(' ')}`);
    return `# maillab lab hosts\n${lines.join('\n')}\n`;
  };
  await Promise.all(
    hosts.map(async (host) => {
      const result = await exec(
        host,
        [
          'bash',
          '-c',
          'grep -v "[[:space:]]$(hostname)" /etc/hosts > /tmp/.hosts; cat /tmp/.hosts - > /etc/hosts; rm -f /tmp/.hosts',
        ],
        {
          stdin: entriesFor(host),
        },
      );
      if (result.exitCode !== 0)
        throw new Error(`Could not write /etc/hosts on ${host}: ${result.stderr.trim()}`);
    }),
  );
}

/**
 * Podman only: the lab network has no engine DNS (see createNetwork), but postfix's SMTP client
 * resolves relay and MX hosts through DNS alone, never /etc/hosts. The grader answers for the lab
 * instead, from its /etc/hosts (LAB_DNS) without its own names and address, and every host's
 * resolv.conf names it. That makes the grader's own address known to students on Podman: a name
 * server elsewhere would need a fourth container per lab (about 40 MB). It singles out no check,
 * since checks connect from a fresh address each (judge.sh), never from this one.
 */
export async function serveLabDns(
  exec: LabExec,
  labId: string,
  hosts: string[],
  addresses: Map<string, string>,
): Promise<void> {
  const dns = addresses.get(GRADER_HOST);
  if (!dns) throw new Error('The grader has no address on the lab network');
  const started = await exec(GRADER_HOST, [
    'bash',
    '-c',
    'systemd-run --quiet --unit=maillab-lab-dns python3 -c "$0" "$1" && ' +
      'for i in $(seq 50); do ss -Hlun "sport = :53" | grep -q . && exit 0; sleep 0.1; done; exit 1',
    LAB_DNS,
    dns,
  ]);
  if (started.exitCode !== 0)
    throw new Error(`Could not start the lab's name server on the grader: ${started.stderr.trim()}`);
  await Promise.all(
    hosts.map(async (host) => {
      const result = await exec(host, [
        'bash',
        '-c',
        // resolv.conf is a bind mount: rewrite it in place, keeping its options and search lines.
        'grep -v "^nameserver" /etc/resolv.conf > /tmp/.resolv; { echo "nameserver $0"; cat /tmp/.resolv; } > /etc/resolv.conf; rm -f /tmp/.resolv',
        dns,
      ]);
      if (result.exitCode !== 0)
        throw new Error(`Could not write /etc/resolv.conf on ${host}: ${result.stderr.trim()}`);
      // The first packet between two hosts of the lab: where the machine's firewall drops
      // traffic on Podman's bridges, say so now rather than leave a lab whose hosts cannot talk.
      // The grader asks for a student host's name, as its own is never answered (LAB_DNS).
      const named = host === GRADER_HOST ? (hosts.find((h) => h !== GRADER_HOST) ?? host) : host;
      const asked = await exec(host, ['dig', '+time=1', '+tries=2', '+short', hostNames(named).fqdn]);
      if (asked.stdout.trim() !== addresses.get(named))
        throw new MaillabError(
          'lab_failed',
          `The hosts of lab ${labId} cannot reach each other on Podman's network (${host} got no answer from the grader at ${dns}). ` +
            "Most likely the machine's firewall drops traffic between containers on Podman's internal networks: Docker on the same " +
            'machine sets the iptables FORWARD policy to DROP, and Podman adds no rule that accepts traffic within an ' +
            'internal network. Accept forwarding within Podman bridges (e.g. in DOCKER-USER), or run Podman where Docker is not.',
        );
    }),
  );
}

/**
 * A random address of the lab's /28 for the grader, above the `students` addresses the engine hands
 * out in order from base+2 (base+1 is the named gateway, the last one the broadcast), so that no fixed
 * address tells its connections apart. Checks do not probe from it anyway (judge.sh: a fresh address
 * per check); this keeps even the grader's own address from being the same in every lab.
 */
export function randomGraderAddress(subnet: string, students: number): string | undefined {
  const cidr = parseCidr(subnet);
  if (!cidr) return undefined;
  const first = cidr.base + 2 + students;
  const last = cidr.base + 2 ** (32 - cidr.prefix) - 2;
  if (last < first) return undefined;
  return formatAddress(first + randomInt(last - first + 1));
}
