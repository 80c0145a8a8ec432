// The Docker (or Podman Docker-API) implementation of LabRuntime: with lab-network.ts, the only code
// that talks to the engine. A lab is one internal network (no route out) plus one systemd container
// per host.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { engineUnreachable, errorMessage, hostNotFound, labNotFound, MaillabError } from '../errors.ts';
import { waitForBoot } from './boot-wait.ts';
import { refusesStorageOpt, type StorageKind, storageKind, storageSize } from './disk-cap.ts';
import {
  type ArchiveRead,
  anyFileContains,
  type CopiedEntry,
  DEFAULT_COPY_LIMITS,
  filterArchive,
  packEntries,
  planReads,
} from './evidence-copy.ts';
import { FIX_UP_SCRIPT, SEAL_FACTS_SCRIPT, standInAddress, swapPairs } from './lab-facts.ts';
import {
  createLabNetwork,
  type LabExec,
  randomGraderAddress,
  serveLabDns,
  writeHostsFiles,
} from './lab-network.ts';
import { DEFAULT_LAB_SUBNETS } from './lab-subnets.ts';
import { containerName, graderContainerName, hostNames, LABEL, networkName } from './labels.ts';
import {
  type CopyRequest,
  type CopyResult,
  type DiskCap,
  type EngineInfo,
  type ExecOptions,
  type ExecResult,
  GRADER_HOST,
  type LabHost,
  type LabInfo,
  type LabRuntime,
  type LabSpec,
  type ProgressFn,
  type ShellCommand,
} from './runtime.ts';
import { hostHasHybridCgroups, ownCgroupV1, PODMAN_ULIMITS, systemdHostConfig } from './systemd-flags.ts';

export interface ResourceLimits {
  memoryBytes: number;
  pids: number;
  /** CPU time as a fraction of one core. */
  cpus: number;
}

/** Per container. A systemd host with postfix and dovecot idles near 20 MB; checks peak well below. */
export const DEFAULT_LIMITS: ResourceLimits = { memoryBytes: 384 * 1024 * 1024, pids: 512, cpus: 1 };

export interface DockerRuntimeOptions {
  docker: Docker;
  /** For messages and for the exec client's environment, e.g. unix:///var/run/docker.sock. */
  endpoint: string;
  /** The engine's exec client spawned for interactive shells: `docker` (works for Podman via DOCKER_HOST). */
  execClient?: string;
  limits?: ResourceLimits;
  readyTimeoutMs?: number;
  /** MAILLAB_UNSAFE_CGROUP_BIND: see systemd-flags.ts. */
  allowUnsafeCgroupBind?: boolean;
  /** The IPv4 range lab networks take a /28 each from on Docker (see lab-subnets.ts). */
  labSubnets?: string;
  /** MAILLAB_DISK_LIMIT_MB: what each host may write; the engine caps it where it can (disk-cap.ts). */
  diskLimitBytes?: number;
  /** cgroup v1: whether the machine has the hybrid unified tree; read from /sys/fs/cgroup by default. */
  hybridCgroups?: boolean;
}

/** The watch's default when none is given (config.ts has the setting). */
const DEFAULT_DISK_LIMIT_BYTES = 1024 * 1024 * 1024;

/** cgroup CPU weight of a background lab's hosts (spec.background), against the default 1024. */
const BACKGROUND_CPU_SHARES = 128;
const MAX_OUTPUT = 4 * 1024 * 1024;
/**
 * A lab whose hosts die while booting is created again, up to this many times, with a pause between:
 * in CI, every container started during one 30 s window (while another test ran a fork bomb and a
 * memory hog in a lab) died at once with runc's "read init-p: connection reset by peer".
 */
const BOOT_ATTEMPTS = 3;
const BOOT_RETRY_PAUSE_MS = 10_000;
/** How long a Podman cgroup janitor waits for conmon to leave a slot: its 300 s exit delay and a margin. */
const JANITOR_LINGER_S = 330;
/** The name terminal shells run under in a lab host (ps shows `maillab-shell -l`). */
const SHELL_NAME = 'maillab-shell';

export class DockerRuntime implements LabRuntime {
  private readonly docker: Docker;
  private readonly endpoint: string;
  private readonly execClient: string;
  private readonly limits: ResourceLimits;
  private readonly readyTimeoutMs: number;
  private readonly allowUnsafeCgroupBind: boolean;
  private readonly labSubnets: string;
  private readonly diskLimitBytes: number;
  private readonly hybridCgroups: boolean;
  private engine?: EngineInfo;
  /** Addresses of the labs this process created, for sealing prepared images (labAddresses). */
  private readonly createdAddresses = new Map<string, Map<string, string>>();
  private storage?: StorageKind;
  /** The engine's data root (`docker info` DockerRootDir), where containers' disks live. */
  private dataRoot?: string;
  private cap?: DiskCap;

  constructor(options: DockerRuntimeOptions) {
    this.docker = options.docker;
    this.endpoint = options.endpoint;
    this.execClient = options.execClient ?? 'docker';
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    this.allowUnsafeCgroupBind = options.allowUnsafeCgroupBind ?? false;
    this.labSubnets = options.labSubnets ?? DEFAULT_LAB_SUBNETS;
    this.diskLimitBytes = options.diskLimitBytes ?? DEFAULT_DISK_LIMIT_BYTES;
    // The engine runs on this machine in every supported setup (a local socket): its cgroup tree is ours.
    this.hybridCgroups = options.hybridCgroups ?? hostHasHybridCgroups();
  }

  /** Asks the engine now (info() is cached); throws engine_unreachable with what to start. */
  async ping(): Promise<void> {
    await this.call(() => this.docker.ping());
  }

  async info(): Promise<EngineInfo> {
    if (this.engine) return this.engine;
    try {
      const [version, info] = await Promise.all([this.docker.version(), this.docker.info()]);
      const components: { Name?: string }[] =
        (version as { Components?: { Name?: string }[] }).Components ?? [];
      const podman = components.some((c) => /podman/i.test(c.Name ?? ''));
      const cgroup = String((info as { CgroupVersion?: string }).CgroupVersion ?? '1') === '2' ? '2' : '1';
      const driver = String((info as { CgroupDriver?: string }).CgroupDriver ?? '');
      this.storage = storageKind(info as { Driver?: string; DriverStatus?: [string, string][] });
      this.dataRoot = (info as { DockerRootDir?: string }).DockerRootDir || undefined;
      this.engine = {
        endpoint: this.endpoint,
        product: podman ? 'podman' : 'docker',
        version: version.Version,
        cgroupVersion: cgroup,
        ...(driver === 'cgroupfs' || driver === 'systemd' ? { cgroupDriver: driver } : {}),
      };
      return this.engine;
    } catch (err) {
      throw engineUnreachable(this.endpoint, err);
    }
  }

  async diskCap(image?: string): Promise<DiskCap> {
    if (this.cap) return this.cap;
    await this.info();
    const kind = this.storage ?? storageKind({});
    const base = { storage: kind.storage, limitBytes: this.diskLimitBytes };
    if (kind.support === 'no') {
      this.cap = { ...base, capped: false };
      return this.cap;
    }
    // The engine's answer settles it: a container created with the option (never started) is
    // accepted where the cap holds and refused where it does not (overlay2 on XFS without pquota:
    // "--storage-opt is supported only for overlay over xfs with 'pquota' mount option").
    if (!image) return { ...base, capped: kind.support === 'yes' };
    let probe: Docker.Container | undefined;
    try {
      probe = await this.call(async () =>
        this.docker.createContainer({
          Image: image,
          Cmd: ['/bin/true'],
          HostConfig: { NetworkMode: 'none', StorageOpt: { size: await this.storageSize(image) } },
        }),
      );
      this.cap = { ...base, capped: true };
    } catch (err) {
      const message = errorMessage(err);
      // No image yet: nothing is learnt; the next lab (which builds it first) asks again.
      if (/no such image|image not known/i.test(message)) return { ...base, capped: kind.support === 'yes' };
      const reason = `the engine refused a cap: ${message.trim().slice(0, 200)}`;
      // Not a refusal of the option (the engine busy, say): this lab goes uncapped, under the watch,
      // and the next one asks again, rather than no lab starting at all.
      if (!refusesStorageOpt(message)) return { ...base, capped: false, reason };
      this.cap = { ...base, capped: false, reason };
    } finally {
      await probe?.remove({ force: true }).catch(() => {});
    }
    return this.cap;
  }

  /** `--storage-opt size=` for a host made from `image`: see storageSize in disk-cap.ts. */
  private async storageSize(image: string): Promise<string> {
    const kind = this.storage ?? storageKind({});
    if (!kind.countsImage) return storageSize(kind, this.diskLimitBytes, 0);
    const inspect = await this.call(() => this.docker.getImage(image).inspect()).catch((err) => {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new MaillabError('image_missing', `The image ${image} is not on the engine.`, { cause: err });
      throw err;
    });
    const imageBytes = inspect.Size;
    return storageSize(kind, this.diskLimitBytes, imageBytes);
  }

  /**
   * Creates the lab; if a host dies while booting (see BOOT_ATTEMPTS), the lab is removed and created
   * again, saying so, and the last death fails with the dead hosts' last log lines.
   */
  async createLab(spec: LabSpec, onProgress: ProgressFn = () => {}): Promise<LabInfo> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.createLabOnce(spec, onProgress);
      } catch (err) {
        const died = await this.deadHosts(spec.labId).catch(() => []);
        await this.destroyLab(spec.labId).catch(() => {});
        // A host that stopped, or never finished booting: both seen only transiently (see BOOT_ATTEMPTS).
        const bootFailure =
          died.length > 0 ||
          /is not running|did not finish booting|in a stopped state/.test(errorMessage(err));
        if (bootFailure && attempt < BOOT_ATTEMPTS) {
          onProgress(
            `Host ${died.map((d) => d.host).join(', ') || 'of the lab'} stopped or hung while booting; creating the lab again in ${BOOT_RETRY_PAUSE_MS / 1000} s (${attempt + 1} of ${BOOT_ATTEMPTS})`,
          );
          await new Promise((resolve) => setTimeout(resolve, BOOT_RETRY_PAUSE_MS));
          continue;
        }
        const detail =
          died.map((d) => `\n${d.host} (exit ${d.exitCode}): ${d.log}`).join('') +
          (bootFailure ? `\n${inotifyAdvice()}` : '');
        if (err instanceof MaillabError) {
          if (!detail) throw err;
          throw new MaillabError(err.code, `${err.message}${detail}`, { cause: err });
        }
        throw new MaillabError('lab_failed', `Could not create the lab: ${(err as Error).message}${detail}`, {
          cause: err,
        });
      }
    }
  }

  /** Hosts of a lab whose container stopped, with their exit code and last log lines. */
  private async deadHosts(labId: string): Promise<{ host: string; exitCode: number; log: string }[]> {
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.lab}=${labId}`] },
    });
    const dead = containers.filter((c) => c.State === 'exited' || c.State === 'dead');
    return Promise.all(
      dead.map(async (c) => {
        const container = this.docker.getContainer(c.Id);
        const inspect = await container.inspect().catch(() => undefined);
        const raw = (await container
          .logs({ stdout: true, stderr: true, tail: 12 })
          .catch(() => Buffer.alloc(0))) as Buffer;
        const log = demuxed(raw).split('\n').filter(Boolean).slice(-6).join(' | ');
        return {
          host: c.Labels?.[LABEL.host] ?? c.Id.slice(0, 12),
          exitCode: inspect?.State?.ExitCode ?? -1,
          log,
        };
      }),
    );
  }

  private async createLabOnce(spec: LabSpec, onProgress: ProgressFn): Promise<LabInfo> {
    const engine = await this.info();
    const hosts = [...spec.hosts.filter((h) => h !== GRADER_HOST), GRADER_HOST];
    const common = {
      [LABEL.lab]: spec.labId,
      [LABEL.lesson]: spec.lesson,
      [LABEL.owner]: spec.owner,
      [LABEL.token]: spec.token,
      [LABEL.created]: new Date().toISOString(),
      [LABEL.image]: spec.image,
    };
    const net = networkName(spec.labId);
    try {
      onProgress(`Creating private network ${net} (no route out)`);
      const subnet = await createLabNetwork(this.docker, engine, net, this.labSubnets, {
        [LABEL.lab]: spec.labId,
        [LABEL.lesson]: spec.lesson,
      });
      // Where the engine can, each host's disk is capped: a student cannot fill the machine's.
      const capped = (await this.diskCap(spec.image)).capped;
      // The grader's address is drawn per lab (Docker: students take the first ones in order).
      const graderAddress = subnet ? randomGraderAddress(subnet, hosts.length - 1) : undefined;
      // Each host its own parent cgroup, so no two hosts (not even a lab's server and desktop) share
      // what one of them can write: see systemd-flags.ts.
      for (const host of hosts) {
        const cgroupSlot = randomBytes(8).toString('hex');
        const flags = systemdHostConfig(engine, {
          allowUnsafeCgroupBind: this.allowUnsafeCgroupBind,
          cgroupSlot,
          hybridCgroups: this.hybridCgroups,
        });
        const { fqdn, aliases } = hostNames(host);
        const grader = host === GRADER_HOST;
        // The checker's name is drawn per lab (below), so progress names its role, not a host name.
        onProgress(grader ? 'Creating the checker' : `Creating host ${fqdn}`);
        const image = spec.hostImages?.[host] ?? spec.image;
        const storageOpt = capped ? { size: await this.storageSize(image) } : undefined;
        // Docker's DNS answers for a container's host name as for an alias (measured on 20.10: a
        // grader named grader.example.com resolved from desktop), so the grader is named at random.
        const name = grader ? graderContainerName(spec.labId) : containerName(spec.labId, host);
        const container = await this.docker
          .createContainer({
            name,
            Image: image,
            Hostname: grader ? name : fqdn,
            Labels: {
              ...common,
              [LABEL.host]: host,
              ...(flags.CgroupParent ? { [LABEL.cgroupSlot]: cgroupSlot } : {}),
            },
            Env: ['container=docker'],
            // The image's own /sbin/init, except where the engine must not know it for systemd.
            ...(flags.Cmd ? { Cmd: flags.Cmd } : {}),
            StopSignal: 'SIGRTMIN+3',
            HostConfig: {
              NetworkMode: net,
              Memory: this.limits.memoryBytes,
              MemorySwap: this.limits.memoryBytes,
              PidsLimit: this.limits.pids,
              NanoCpus: Math.round(this.limits.cpus * 1e9),
              // The engine's default weight is 1024: a background lab gets an eighth of a student's.
              ...(spec.background ? { CpuShares: BACKGROUND_CPU_SHARES } : {}),
              Privileged: false,
              // firewalld acts only inside the lab host's own network namespace. Podman's default
              // capabilities lack three of Docker's, among them NET_RAW, without which ping fails.
              CapAdd: [
                'NET_ADMIN',
                ...(engine.product === 'podman' ? ['AUDIT_WRITE', 'MKNOD', 'NET_RAW'] : []),
              ],
              // An internal network's DNS never answers names it does not know (AAAA included): fail
              // in 1 s instead of 10–40 s, so resolver look-ups in lessons stay fast.
              DnsOptions: ['timeout:1', 'attempts:1', 'no-aaaa'],
              Tmpfs: flags.Tmpfs,
              Binds: flags.Binds,
              ...(flags.CgroupnsMode ? { CgroupnsMode: flags.CgroupnsMode } : {}),
              ...(flags.CgroupParent ? { CgroupParent: flags.CgroupParent } : {}),
              ...(flags.Ulimits ? { Ulimits: flags.Ulimits } : {}),
              ...(flags.SecurityOpt ? { SecurityOpt: flags.SecurityOpt } : {}),
              ...(storageOpt ? { StorageOpt: storageOpt } : {}),
            },
            // No alias for the grader: the engine's DNS must not answer for it (lab-network.ts).
            NetworkingConfig: {
              EndpointsConfig: {
                [net]: grader
                  ? graderAddress
                    ? { IPAMConfig: { IPv4Address: graderAddress } }
                    : {}
                  : { Aliases: aliases },
              },
            },
          })
          .catch((err: unknown) => {
            // Docker says "No such image", Podman "image not known": one typed error for the callers.
            if (/no such image|image not known/i.test(errorMessage(err)))
              throw new MaillabError('image_missing', `The image ${image} is not on the engine.`, {
                cause: err,
              });
            throw err;
          });
        await container.start();
      }
      onProgress('Waiting for systemd to finish booting on every host');
      await Promise.all(hosts.map((host) => this.waitForSystemd(spec.labId, host)));
      const addresses = await this.addresses(spec.labId, net, hosts);
      const exec: LabExec = (host, argv, options) => this.exec(spec.labId, host, argv, options);
      await writeHostsFiles(exec, hosts, addresses);
      if (engine.product === 'podman') await serveLabDns(exec, spec.labId, hosts, addresses);
      if (spec.hostImages) await fixUpPreparedHosts(exec, hosts, spec.hostImages, addresses);
      this.createdAddresses.set(spec.labId, addresses);
    } catch (err) {
      if (err instanceof MaillabError) throw err;
      throw new MaillabError('lab_failed', `Could not create the lab: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const lab = await this.getLab(spec.labId);
    if (!lab) throw new MaillabError('lab_failed', `Lab ${spec.labId} vanished while it was being created.`);
    return lab;
  }

  private async waitForSystemd(labId: string, host: string): Promise<void> {
    const outcome = await waitForBoot(
      {
        isSystemRunning: (timeoutMs) =>
          this.exec(labId, host, ['systemctl', 'is-system-running', '--wait'], { timeoutMs }),
        pid1: async () => (await this.exec(labId, host, ['cat', '/proc/1/comm'])).stdout,
      },
      this.readyTimeoutMs,
    );
    if (outcome.booted) return;
    // What systemd was still waiting for, when it is alive enough to say.
    const jobs = await this.exec(labId, host, ['systemctl', 'list-jobs', '--no-pager', '--no-legend'], {
      timeoutMs: 5000,
    }).catch(() => undefined);
    const waiting = (jobs?.stdout ?? '').trim().split('\n').filter(Boolean).slice(0, 5).join('; ');
    throw new MaillabError(
      'lab_failed',
      `Host ${host} did not finish booting: ${outcome.why}${waiting ? ` (systemd still had jobs: ${waiting})` : ''}. ` +
        'Run `npx maillab doctor`; on a cgroup v2 or rootless host, check that systemd containers can run.',
    );
  }

  /**
   * Every host's address on the lab's network, by host name: as created by this process (a stopped
   * host, as the ones a preparation already committed, shows none), else as the engine lists them.
   */
  private async labAddresses(labId: string): Promise<Map<string, string>> {
    const known = this.createdAddresses.get(labId);
    if (known) return known;
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.lab}=${labId}`] },
    });
    const net = networkName(labId);
    const addresses = new Map<string, string>();
    for (const c of containers) {
      const host = c.Labels?.[LABEL.host];
      const ip = c.NetworkSettings?.Networks?.[net]?.IPAddress;
      if (host && ip) addresses.set(host, ip);
    }
    return addresses;
  }

  private async addresses(labId: string, net: string, hosts: string[]): Promise<Map<string, string>> {
    const addresses = new Map<string, string>();
    for (const host of hosts) {
      const inspect = await this.docker.getContainer(await this.containerRef(labId, host)).inspect();
      const ip = inspect.NetworkSettings.Networks[net]?.IPAddress;
      if (ip) addresses.set(host, ip);
    }
    return addresses;
  }

  async listLabs(): Promise<LabInfo[]> {
    return this.labsLabelled(LABEL.lab);
  }

  /** Labs whose containers match a label filter (`maillab.lab`, or `maillab.lab=<id>` for one). */
  private async labsLabelled(filter: string): Promise<LabInfo[]> {
    const containers = await this.call(() =>
      this.docker.listContainers({ all: true, filters: { label: [filter] } }),
    );
    const byLab = new Map<string, LabInfo>();
    for (const c of containers) {
      const labels = c.Labels ?? {};
      const labId = labels[LABEL.lab];
      const host = labels[LABEL.host];
      if (!labId || !host) continue;
      let lab = byLab.get(labId);
      if (!lab) {
        lab = {
          labId,
          lesson: labels[LABEL.lesson] ?? '',
          owner: labels[LABEL.owner] ?? '',
          token: labels[LABEL.token] ?? '',
          image: labels[LABEL.image] ?? c.Image,
          createdAt: labels[LABEL.created] ?? new Date(c.Created * 1000).toISOString(),
          network: networkName(labId),
          hosts: [],
        };
        byLab.set(labId, lab);
      }
      const { fqdn, aliases } = hostNames(host);
      const entry: LabHost = {
        name: host,
        fqdn,
        aliases,
        containerId: c.Id,
        containerName: (c.Names[0] ?? '').replace(/^\//, ''),
        running: c.State === 'running',
        state: c.State,
      };
      const address = c.NetworkSettings?.Networks?.[networkName(labId)]?.IPAddress;
      if (address) entry.address = address;
      lab.hosts.push(entry);
    }
    for (const lab of byLab.values()) lab.hosts.sort((a, b) => hostOrder(a.name) - hostOrder(b.name));
    return [...byLab.values()];
  }

  async getLab(labId: string): Promise<LabInfo | undefined> {
    return (await this.labsLabelled(`${LABEL.lab}=${labId}`))[0];
  }

  async destroyLab(labId: string): Promise<void> {
    this.createdAddresses.delete(labId);
    const containers = await this.call(() =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL.lab}=${labId}`] } }),
    );
    const slots = containers.flatMap((c) => c.Labels?.[LABEL.cgroupSlot] ?? []);
    await Promise.all(
      containers.map((c) =>
        this.docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch((err: { statusCode?: number }) => {
            if (err.statusCode !== 404 && err.statusCode !== 409) throw err;
          }),
      ),
    );
    const image = containers[0]?.Image;
    // About 0.3 s (a short-lived container), beside the network's removal rather than before it.
    // Left-over empty cgroups cost the machine little at a time: their removal failing (an engine
    // that refuses the bind, say) never keeps a lab from being removed.
    const slotsRemoved =
      slots.length && image ? this.removeCgroupSlots(image, slots).catch(() => {}) : Promise.resolve();
    const networks = await this.call(() =>
      this.docker.listNetworks({ filters: { label: [`${LABEL.lab}=${labId}`] } }),
    );
    await Promise.all(
      networks.map((n) =>
        this.docker
          .getNetwork(n.Id)
          .remove()
          .catch((err: { statusCode?: number }) => {
            if (err.statusCode !== 404) throw err;
          }),
      ),
    );
    await slotsRemoved;
    const volumes = await this.call(() =>
      this.docker.listVolumes({ filters: { label: [`${LABEL.lab}=${labId}`] } }),
    );
    await Promise.all(
      (volumes.Volumes ?? []).map((v) =>
        this.docker
          .getVolume(v.Name)
          .remove()
          .catch(() => {}),
      ),
    );
  }

  /**
   * Removes the parent cgroups that cgroup v1 hosts are given (systemd-flags.ts): the engine makes
   * them as bind sources but never removes them (nor, on Podman, the `conmon` cgroup it makes in each
   * controller below the parent), and each left behind holds a cgroup in every hierarchy (the memory
   * controller allows 65,535). maillab may not be root, so a short-lived container does it (about
   * 0.3 s), with the host's cgroup tree bound; it runs no student code and has no network. `rmdir`
   * removes only empty cgroups, so a slot still in use stays. The systemd driver's slices are
   * systemd's to remove once empty.
   */
  private async removeCgroupSlots(image: string, slots: string[]): Promise<void> {
    const engine = await this.info();
    if (engine.cgroupVersion !== '1' || engine.cgroupDriver === 'systemd') return;
    const paths = slots.map((slot) => ownCgroupV1(slot, engine.cgroupDriver).path);
    // Podman, unless systemd runs it, keeps each exec's conmon in `<slot>/conmon` of every controller
    // until its exit_command_delay (300 s by default) has passed: the janitor stays as long, retrying
    // every 5 s, on its own (AutoRemove), rather than hold up the lab's removal.
    const lingering = engine.product === 'podman';
    const janitor = await this.docker.createContainer({
      Image: image,
      Entrypoint: ['/bin/sh', '-c'],
      // Deepest first: systemd's own cgroups below a slot, if the engine left any, then the slot.
      Cmd: [
        'end=$(( $(date +%s) + $0 )); while :; do left=0; for p in "$@"; do for d in /host-cgroup/*/"$p"; do [ -d "$d" ] || continue; find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; [ -d "$d" ] && left=1; done; done; if [ $left = 0 ] || [ "$(date +%s)" -ge $end ]; then exit 0; fi; sleep 5; done',
        String(lingering ? JANITOR_LINGER_S : 0),
        ...paths,
      ],
      Labels: { 'maillab.cgroup-janitor': 'true' },
      HostConfig: {
        NetworkMode: 'none',
        Memory: 64 * 1024 * 1024,
        PidsLimit: 64,
        Binds: ['/sys/fs/cgroup:/host-cgroup:rw'],
        ...(lingering ? { AutoRemove: true } : {}),
        // Podman's default rlimits stop any container where root lacks CAP_SYS_RESOURCE (systemd-flags.ts).
        ...(engine.product === 'podman' ? { Ulimits: PODMAN_ULIMITS.map((u) => ({ ...u })) } : {}),
      },
    });
    if (lingering) {
      await janitor.start();
      return;
    }
    try {
      await janitor.start();
      await janitor.wait();
    } finally {
      await janitor.remove({ force: true }).catch(() => {});
    }
  }

  async exec(labId: string, host: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    // `timeout` inside the host ends a runaway command; the timer below is the backstop if the
    // stream itself hangs.
    const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    // By absolute path: on a student host an earlier PATH entry is the student's (what it prints is
    // never a verdict anyway; see lessons/README.md).
    const cmd = ['/usr/bin/timeout', '-k', '2', String(seconds), ...argv];
    // Containers are reached by their fixed names: no listing of the lab per command (a check
    // runs several); only a missing container costs a look-up, to say what is missing.
    const ref = await this.containerRef(labId, host);
    const exec = await this.call(() =>
      this.docker.getContainer(ref).exec({
        Cmd: cmd,
        AttachStdin: options.stdin !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        User: options.user ?? 'root',
        Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
      }),
    ).catch(async (err: { statusCode?: number }) => {
      if (err.statusCode === 404) await this.container(labId, host);
      throw err;
    });
    const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
    const stdout = collect();
    const stderr = collect();
    this.docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
    let timedOut = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        stream.destroy();
        resolve();
      }, timeoutMs + 5000);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', done);
      if (options.stdin !== undefined) stream.end(options.stdin);
    });
    const inspected = await exec.inspect().catch(() => undefined);
    const exitCode = inspected?.ExitCode ?? -1;
    if (exitCode === 124) timedOut = true;
    return { exitCode, stdout: stdout.text(), stderr: stderr.text(), timedOut };
  }

  async engineDiskFree(): Promise<number | undefined> {
    await this.info();
    if (!this.dataRoot) return undefined;
    try {
      const fs = await statfs(this.dataRoot);
      return fs.bavail * fs.bsize;
    } catch {
      return undefined;
    }
  }

  async diskUsage(labId: string): Promise<Record<string, number>> {
    const lab = await this.getLab(labId);
    const usage: Record<string, number> = {};
    // Side by side: a host writing 2 GB/s (measured, dd in a lab host) must not wait for its neighbours.
    await Promise.all(
      (lab?.hosts ?? [])
        .filter((host) => host.running)
        .map(async (host) => {
          // size: true makes the engine add up the container's writable layer (SizeRw).
          const inspect = (await this.call(() =>
            this.docker
              .getContainer(host.containerId)
              .inspect({ size: true } as Docker.ContainerInspectOptions),
          )) as { SizeRw?: number };
          usage[host.name] = inspect.SizeRw ?? 0;
        }),
    );
    return usage;
  }

  async processCounts(labId: string): Promise<Record<string, { current: number; limit: number }>> {
    const lab = await this.getLab(labId);
    const counts: Record<string, { current: number; limit: number }> = {};
    // Side by side: a one-shot stats answer still waits for the engine's next collection (up to 1 s,
    // measured ~0.7 s on Docker 20.10), which is waiting, not work.
    await Promise.all(
      (lab?.hosts ?? [])
        .filter((host) => host.running)
        .map(async (host) => {
          const stats = (await this.call(() =>
            this.docker
              .getContainer(host.containerId)
              .stats({ stream: false, 'one-shot': true } as { stream: false }),
          )) as { pids_stats?: { current?: number; limit?: number } };
          counts[host.name] = {
            current: stats.pids_stats?.current ?? 0,
            limit: stats.pids_stats?.limit ?? this.limits.pids,
          };
        }),
    );
    return counts;
  }

  async stopHost(labId: string, host: string): Promise<void> {
    const ref = await this.containerRef(labId, host).catch(() => undefined);
    if (!ref) return;
    await this.call(() => this.docker.getContainer(ref).stop({ t: 2 })).catch(
      (err: { statusCode?: number }) => {
        if (err.statusCode !== 304 && err.statusCode !== 404) throw err;
      },
    );
  }

  async imageId(reference: string): Promise<string | undefined> {
    try {
      return (await this.call(() => this.docker.getImage(reference).inspect())).Id;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return undefined;
      throw err;
    }
  }

  async commitHost(labId: string, host: string, reference: string): Promise<void> {
    const [repo, tag = 'latest'] = splitReference(reference);
    const container = this.docker.getContainer(await this.containerRef(labId, host));
    // The lab's addresses, for the seal to swap for stand-ins (lab-facts.ts), while the host still has one.
    const labAddresses = await this.labAddresses(labId);
    // A clean shutdown (SIGRTMIN+3 to systemd): daemons stop, queues and databases are written out.
    await this.call(() => container.stop({ t: 20 })).catch((err: { statusCode?: number }) => {
      if (err.statusCode !== 304) throw err;
    });
    const raw = `${repo}:${tag}-raw`;
    await commit(this.docker, container.id, raw, IMAGE_CHANGES);
    // Per lab, not per image: a fresh machine-id (systemd makes one at boot when the file is empty),
    // a journal and syslog files that start with the lab, TLS keys made at the lab's boot, and the
    // lab's addresses (lab-facts.ts). Done in a plain container from the raw
    // commit, as nothing can be deleted from a stopped container's disk through the engine.
    // Podman's default rlimits stop any container where root lacks CAP_SYS_RESOURCE (systemd-flags.ts).
    const podman = (await this.info()).product === 'podman';
    const sealer = await this.docker.createContainer({
      Image: raw,
      Cmd: [
        '/bin/bash',
        '-c',
        `${SEAL_SCRIPT}\n${SEAL_FACTS_SCRIPT}`,
        'maillab-seal',
        ...swapPairs([...labAddresses].map(([h, ip]) => [ip, standInAddress(h)])),
      ],
      HostConfig: {
        NetworkMode: 'none',
        Memory: 256 * 1024 * 1024,
        ...(podman ? { Ulimits: PODMAN_ULIMITS.map((u) => ({ ...u })) } : {}),
      },
    });
    try {
      await sealer.start();
      const { StatusCode } = (await sealer.wait()) as { StatusCode: number };
      if (StatusCode !== 0) {
        const log = demuxed((await sealer.logs({ stdout: true, stderr: true })) as Buffer);
        throw new Error(`sealing ${host}'s image failed (exit ${StatusCode}): ${log.trim().slice(-400)}`);
      }
      await commit(this.docker, sealer.id, reference, IMAGE_CHANGES);
    } finally {
      await sealer.remove({ force: true }).catch(() => {});
      await this.docker
        .getImage(raw)
        .remove()
        .catch(() => {});
    }
  }

  async listImages(
    repository: string,
  ): Promise<{ id: string; tags: string[]; createdAt: string; bytes: number }[]> {
    const images = await this.call(() => this.docker.listImages({ filters: { reference: [repository] } }));
    return images.map((image) => ({
      id: image.Id,
      tags: image.RepoTags ?? [],
      createdAt: new Date(image.Created * 1000).toISOString(),
      bytes: image.Size,
    }));
  }

  async removeImage(reference: string): Promise<boolean> {
    try {
      await this.call(() => this.docker.getImage(reference).remove());
      return true;
    } catch {
      return false;
    }
  }

  async copyFiles(labId: string, from: string, to: string, request: CopyRequest): Promise<CopyResult> {
    const limits = request.limits ?? DEFAULT_COPY_LIMITS;
    const budget = { bytes: limits.maxBytes, entries: limits.maxEntries };
    const result: CopyResult = { found: [], missing: [], dropped: [], bytes: 0, needleFound: false };
    const entries: CopiedEntry[] = [];
    const source = this.docker.getContainer(await this.containerRef(labId, from));
    const reads = planReads(request.paths);
    while (reads.length) {
      const read = reads.shift() as ArchiveRead;
      if (result.truncated) break;
      let archive: NodeJS.ReadableStream;
      try {
        archive = await this.call(() => source.getArchive({ path: read.path }));
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode !== 404) throw err;
        // A missing file is evidence too (the judge sees it absent); a missing host is an error.
        await this.container(labId, from);
        if (read.wanted) reads.unshift(...read.wanted.map((p) => ({ path: p })));
        else result.missing.push(read.path);
        continue;
      }
      const filtered = await filterArchive(archive as Readable, read.path, budget, read.wanted);
      // Wanted paths the parent's archive did not hold (or all, if it was abandoned) are read one by
      // one, so that a missing path or a linked parent reads exactly as it would on its own.
      const unseen = read.wanted?.filter((p) => !filtered.seen.includes(p.replace(/^\/+/, ''))) ?? [];
      reads.unshift(...unseen.map((p) => ({ path: p })));
      if (filtered.abandoned) continue;
      result.found.push(...(read.wanted ? read.wanted.filter((p) => !unseen.includes(p)) : [read.path]));
      result.dropped.push(...filtered.dropped);
      result.bytes += filtered.bytes;
      if (filtered.truncated) result.truncated = `${read.path}: ${filtered.truncated}`;
      entries.push(...filtered.entries);
    }
    if (request.needle) result.needleFound = anyFileContains(entries, request.needle);
    if (entries.length) {
      const target = await this.containerRef(labId, to);
      await this.call(() =>
        this.docker.getContainer(target).putArchive(packEntries(entries), { path: request.into }),
      );
    }
    return result;
  }

  async shellCommand(labId: string, host: string): Promise<ShellCommand> {
    const target = await this.container(labId, host);
    // The exec client must reach the same engine as dockerode does.
    const env: Record<string, string> = { DOCKER_HOST: this.endpoint };
    return {
      file: this.execClient,
      args: [
        'exec',
        '-it',
        '-e',
        'TERM=xterm-256color',
        '-w',
        '/root',
        target.containerName,
        // Named, so a later server process can find and end a shell this one leaves behind.
        '/bin/bash',
        '-c',
        `exec -a ${SHELL_NAME} /bin/bash -l`,
      ],
      env,
    };
  }

  async endShells(labId: string): Promise<Record<string, number>> {
    const lab = await this.getLab(labId);
    const ended: Record<string, number> = {};
    for (const host of lab?.hosts ?? []) {
      if (!host.running || host.name === GRADER_HOST) continue;
      const run = await this.exec(labId, host.name, [
        '/bin/bash',
        '-c',
        'n=$(pgrep -cf "^$0( |$)"); pkill -HUP -f "^$0( |$)"; echo "$n"',
        SHELL_NAME,
      ]).catch(() => undefined);
      ended[host.name] = Number.parseInt(run?.stdout.trim() ?? '0', 10) || 0;
    }
    return ended;
  }

  /**
   * What to call a host's container by: a student host's fixed name, or the grader's id, found by its
   * labels since its name is random (labels.ts). Not cached: a Reset in another process makes a new
   * grader under the same lab id.
   */
  private async containerRef(labId: string, host: string): Promise<string> {
    if (host !== GRADER_HOST) return containerName(labId, host);
    const found = await this.call(() =>
      this.docker.listContainers({
        all: true,
        filters: { label: [`${LABEL.lab}=${labId}`, `${LABEL.host}=${GRADER_HOST}`] },
      }),
    );
    const id = found[0]?.Id;
    if (id) return id;
    return (await this.container(labId, host)).containerId;
  }

  private async container(labId: string, host: string): Promise<LabHost> {
    const lab = await this.getLab(labId);
    if (!lab) throw labNotFound(labId);
    const target = lab.hosts.find((h) => h.name === host);
    if (!target)
      throw hostNotFound(
        labId,
        host,
        lab.hosts.map((h) => h.name),
      );
    return target;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'EACCES') {
        throw engineUnreachable(this.endpoint, err);
      }
      throw err;
    }
  }
}

/** `maillab/lesson:06-server-abc` → ['maillab/lesson', '06-server-abc']. */
function splitReference(reference: string): [string, string | undefined] {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return [reference, undefined];
  return [reference.slice(0, colon), reference.slice(colon + 1)];
}

/** Commits a container as `reference`, with Dockerfile-style config changes. */
async function commit(
  docker: Docker,
  containerId: string,
  reference: string,
  changes: string[],
): Promise<void> {
  const [repo, tag = 'latest'] = splitReference(reference);
  // Through the modem, as dockerode's commit sends no body at all for an empty configuration, which
  // Podman's Docker API refuses ("Decode(): EOF", Podman 4.3); `{}` means the same to both engines.
  await new Promise<void>((resolve, reject) =>
    docker.modem.dial(
      {
        path: '/commit?',
        method: 'POST',
        allowEmpty: true,
        statusCodes: { 200: true, 201: true, 404: 'no such container', 500: 'server error' },
        options: { _query: { container: containerId, repo, tag, changes, pause: false }, _body: {} },
      },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

/**
 * A commit keeps the container's labels; the lab's own (its id, owner and token) are emptied so that
 * neither the image nor the sealing container passes for part of a lab. A lab host made from the
 * image gets its labels at creation, as any other.
 */
const IMAGE_CHANGES = [
  'CMD ["/sbin/init"]',
  `LABEL ${[LABEL.lab, LABEL.lesson, LABEL.host, LABEL.owner, LABEL.token, LABEL.created].map((l) => `${l}=""`).join(' ')}`,
];

/**
 * What a prepared image must not carry over from the host it was made on. postfix's own quick-start
 * mark skips the integrity walk on its first start (`postfix quick-stop` leaves it): that walk already
 * ran on this very disk when setup started postfix, and it is most of postfix's start-up time.
 */
const SEAL_SCRIPT = [
  'set -e',
  ': > /etc/machine-id',
  'rm -rf /var/log/journal/* /var/lib/systemd/random-seed',
  'for f in /var/log/maillog /var/log/messages /var/log/secure; do [ -f "$f" ] && : > "$f"; done',
  'if [ -e /etc/systemd/system/multi-user.target.wants/postfix.service ]; then touch /var/spool/postfix/quick-start; fi',
].join('\n');

/**
 * Hosts booted from prepared images get this lab's addresses where the image has stand-ins; runs before
 * the lab is handed over, so nothing a student made is involved.
 */
async function fixUpPreparedHosts(
  exec: LabExec,
  hosts: string[],
  hostImages: Partial<Record<string, string>>,
  addresses: Map<string, string>,
): Promise<void> {
  const pairs = swapPairs(hosts.map((h) => [standInAddress(h), addresses.get(h) ?? '']));
  if (!pairs.length) return;
  await Promise.all(
    hosts
      .filter((host) => hostImages[host])
      .map(async (host) => {
        const result = await exec(host, ['bash', '-c', FIX_UP_SCRIPT, 'maillab-fix-up', ...pairs]);
        if (result.exitCode !== 0)
          throw new Error(`Could not give ${host} this lab's addresses: ${result.stderr.trim().slice(-300)}`);
      }),
  );
}

/**
 * The usual reason systemd hosts die or hang at start once many are up: each takes several inotify
 * instances from one machine-wide budget per user (fs.inotify.max_user_instances, often 128).
 */
function inotifyAdvice(): string {
  let limit = '';
  try {
    limit = readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8').trim();
  } catch {
    // Not Linux, or not this machine's engine: say it anyway.
  }
  return `If many labs are running, the machine may be out of inotify instances${limit ? ` (fs.inotify.max_user_instances is ${limit})` : ''}: raise it with \`sudo sysctl -w fs.inotify.max_user_instances=8192\`.`;
}

/** The text of a non-TTY container's log: the engine frames each chunk with an 8-byte header. */
function demuxed(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

function hostOrder(host: string): number {
  return host === 'server' ? 0 : host === 'desktop' ? 1 : host === GRADER_HOST ? 9 : 5;
}

function collect() {
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    if (size < MAX_OUTPUT) chunks.push(chunk);
    size += chunk.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}
