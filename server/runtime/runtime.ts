// The one boundary to the container engine. Everything outside server/runtime talks to a lab through
// this interface; the Docker implementation is runtime/docker-runtime.ts, the fake for unit tests is
// test/unit/fake-runtime.ts.
import type { CopyLimits } from './evidence-copy.ts';

/** A lab host as lessons name it. `grader` is always present and hidden from students. */
export type HostName = string;

export const GRADER_HOST = 'grader';

export interface EngineInfo {
  /** Where the engine answers, for messages: unix:///var/run/docker.sock, tcp://… */
  endpoint: string;
  product: 'docker' | 'podman';
  version: string;
  cgroupVersion: '1' | '2';
  /** How the engine places containers' cgroups (Docker's `docker info`); unknown on some engines. */
  cgroupDriver?: 'cgroupfs' | 'systemd';
}

/** Whether the engine caps what each lab host writes to its disk (see disk-cap.ts). */
export interface DiskCap {
  capped: boolean;
  /** The engine's storage, for people: "btrfs", "overlay2 on extfs". */
  storage: string;
  /** What one host may write: the cap where the engine enforces it, else the watch's limit. */
  limitBytes: number;
  /** Why it is not capped, when the engine said (its own words). */
  reason?: string;
}

export interface LabSpec {
  labId: string;
  lesson: string;
  owner: string;
  /** Secret that terminal WebSockets must present; kept as a label so a restarted server re-adopts it. */
  token: string;
  /** Student-visible hosts, e.g. ['server', 'desktop']; the grader is added by the runtime. */
  hosts: HostName[];
  image: string;
  /**
   * A host made from a lesson's prepared image (its setup done ahead, see prepared-images.ts) instead
   * of `image`; hosts not named here, the grader always, use `image`.
   */
  hostImages?: Partial<Record<HostName, string>>;
  /**
   * Work nobody waits for (a lesson's images prepared ahead): its hosts get a small share of the CPU,
   * so students' labs on the same machine go first when both want it.
   */
  background?: boolean;
}

export interface LabHost {
  name: HostName;
  fqdn: string;
  aliases: string[];
  containerId: string;
  containerName: string;
  running: boolean;
  /** The engine's word for the container's state: running, created, exited, dead, paused… */
  state?: string;
  /** The host's address on the lab network, as the engine assigned it (not as the host claims). */
  address?: string;
}

export interface LabInfo {
  labId: string;
  lesson: string;
  owner: string;
  token: string;
  image: string;
  createdAt: string;
  network: string;
  hosts: LabHost[];
}

export interface ExecOptions {
  /** Bytes written to the command's stdin, then closed: how check scripts are streamed in. */
  stdin?: string;
  user?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** What to copy from a student host to the grader: see runtime/evidence-copy.ts. */
export interface CopyRequest {
  /** Absolute paths on the source host; a directory is copied whole. */
  paths: string[];
  /** Directory on the target host; each path lands at `${into}${path}`. It must exist. */
  into: string;
  limits?: CopyLimits;
  /** Report whether any copied file contains this string (a run's nonce). */
  needle?: string;
}

export interface CopyResult {
  /** Requested paths that existed on the source host. */
  found: string[];
  /** Requested paths that did not exist. */
  missing: string[];
  /** Entries left out (links, devices), each with the reason. */
  dropped: string[];
  /** Why the copy stopped early, if a limit cut it short. */
  truncated?: string;
  bytes: number;
  needleFound: boolean;
}

export type ProgressFn = (message: string) => void;

/** argv of the engine's own exec client for an interactive login shell (spawned by node-pty). */
export interface ShellCommand {
  file: string;
  args: string[];
  env: Record<string, string>;
  /** Shown in the terminal before the shell's first output (why this is a new shell, say). */
  banner?: string;
}

export interface LabRuntime {
  info(): Promise<EngineInfo>;
  createLab(spec: LabSpec, onProgress?: ProgressFn): Promise<LabInfo>;
  listLabs(): Promise<LabInfo[]>;
  getLab(labId: string): Promise<LabInfo | undefined>;
  /** Idempotent: removing a lab that is already gone succeeds. */
  destroyLab(labId: string): Promise<void>;
  exec(labId: string, host: HostName, argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Whether every lab host gets a disk cap from the engine; `image` (the lab image) lets the engine
   * confirm by its answer when its info alone cannot tell. Asked once per runtime.
   */
  diskCap(image?: string): Promise<DiskCap>;
  /**
   * Bytes free on the filesystem that holds the engine's containers, read from this machine (a
   * statfs, microseconds); undefined when it is not reachable from here (a remote or rootless engine
   * whose data this process cannot see). The host watch reads it often to notice a fast write early.
   */
  engineDiskFree(): Promise<number | undefined>;
  /** Bytes each host has written to its own disk layer (what a student's writes cost the machine). */
  diskUsage(labId: string): Promise<Record<HostName, number>>;
  /**
   * Ends the shells an earlier server process left running in a lab's student hosts (their exec
   * client died with it) and says how many per host.
   */
  endShells(labId: string): Promise<Record<HostName, number>>;
  /** Processes each running host has now, beside its pids limit (a fork bomb sits at the limit). */
  processCounts(labId: string): Promise<Record<HostName, { current: number; limit: number }>>;
  /** Stops one host (its container stays, for a look at why): used when a host breaks the rules. */
  stopHost(labId: string, host: HostName): Promise<void>;
  /** Copies files between two hosts of a lab through the engine; no program runs on the source. */
  copyFiles(labId: string, from: HostName, to: HostName, request: CopyRequest): Promise<CopyResult>;
  shellCommand(labId: string, host: HostName): Promise<ShellCommand>;
  /** The engine's id of an image, undefined when it has none by that name. */
  imageId(reference: string): Promise<string | undefined>;
  /**
   * Turns a lab host into the image `reference`: the host is shut down cleanly, its disk committed, and
   * what must differ per lab (machine-id, the journal, the syslog files, the TLS keys made at
   * preparation) emptied, and the lab's addresses swapped for stand-ins that the next lab's creation
   * replaces with its own; see prepared-images.ts and lab-facts.ts.
   */
  commitHost(labId: string, host: HostName, reference: string): Promise<void>;
  /** Images of a repository (`maillab/lesson`), with their tags, for listing and pruning. */
  listImages(repository: string): Promise<{ id: string; tags: string[]; createdAt: string; bytes: number }[]>;
  /** Removes an image by name; one still used by a container, or already gone, is left as it is. */
  removeImage(reference: string): Promise<boolean>;
}
