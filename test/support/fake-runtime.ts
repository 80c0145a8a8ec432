// An in-memory LabRuntime for unit tests only: records what was asked and answers exec with
// scripted replies. Integration tests use the real engine.
import type {
  CopyRequest,
  CopyResult,
  DiskCap,
  EngineInfo,
  ExecOptions,
  ExecResult,
  LabInfo,
  LabRuntime,
  LabSpec,
  ProgressFn,
  ShellCommand,
} from '../../server/runtime/runtime.ts';
import { GRADER_HOST } from '../../server/runtime/runtime.ts';

export type ExecReply = (
  host: string,
  argv: string[],
  options: ExecOptions,
) => Partial<ExecResult> | undefined;

export class FakeRuntime implements LabRuntime {
  readonly labs = new Map<string, LabInfo>();
  readonly execs: { labId: string; host: string; argv: string[]; options: ExecOptions }[] = [];
  readonly files = new Map<string, string>();
  readonly copies: { labId: string; from: string; to: string; request: CopyRequest }[] = [];
  reply: ExecReply = () => undefined;
  failCreate?: Error;

  async info(): Promise<EngineInfo> {
    return { endpoint: 'fake://', product: 'docker', version: '0-fake', cgroupVersion: '1' };
  }

  async createLab(spec: LabSpec, onProgress: ProgressFn = () => {}): Promise<LabInfo> {
    onProgress('fake: creating');
    if (this.failCreate) throw this.failCreate;
    this.specs.push(spec);
    const hosts = [...spec.hosts, GRADER_HOST].map((name) => ({
      name,
      fqdn: `${name}.example.com`,
      aliases: [],
      containerId: `${spec.labId}-${name}`,
      containerName: `maillab-${spec.labId}-${name}`,
      running: true,
      address: `10.0.0.${[...spec.hosts, GRADER_HOST].indexOf(name) + 2}`,
    }));
    const info: LabInfo = {
      labId: spec.labId,
      lesson: spec.lesson,
      owner: spec.owner,
      token: spec.token,
      image: spec.image,
      createdAt: new Date(0).toISOString(),
      network: `maillab-${spec.labId}`,
      hosts,
    };
    this.labs.set(spec.labId, info);
    return info;
  }

  async listLabs(): Promise<LabInfo[]> {
    return [...this.labs.values()];
  }

  async getLab(labId: string): Promise<LabInfo | undefined> {
    return this.labs.get(labId);
  }

  async destroyLab(labId: string): Promise<void> {
    this.labs.delete(labId);
    // Its hosts' files go with them, as they do with real containers.
    for (const key of [...this.files.keys()]) if (key.startsWith(`${labId}:`)) this.files.delete(key);
  }

  async exec(labId: string, host: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.execs.push({ labId, host, argv, options });
    const scripted = this.reply(host, argv, options);
    if (scripted) return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...scripted };
    const stored = this.storeCommand(labId, argv, options);
    if (stored) return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...stored };
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false };
  }

  /** The grader store's files (server/store/grader-store.ts): write, cat, test -e, and cat of many. */
  private storeCommand(labId: string, argv: string[], options: ExecOptions): Partial<ExecResult> | undefined {
    const key = (file: string) => `${labId}:${file}`;
    if (argv[0] === '/usr/bin/test' && argv[1] === '-e')
      return { exitCode: this.files.has(key(argv[2] ?? '')) ? 0 : 1 };
    if (argv[0] === '/usr/bin/cat') {
      const content = this.files.get(key(argv[1] ?? ''));
      return content === undefined ? { exitCode: 1, stderr: 'No such file' } : { stdout: content };
    }
    if (argv[0] === '/bin/bash' && argv[3] === 'maillab-store-claim') {
      if (this.files.has(key(argv[4] ?? ''))) return { exitCode: 1 };
      this.files.set(key(argv[4] ?? ''), '');
      return {};
    }
    if (argv[0] === '/bin/bash' && argv[3] === 'maillab-store') {
      const files = argv.slice(4);
      if (options.stdin !== undefined) {
        this.files.set(key(files[0] ?? ''), options.stdin);
        return {};
      }
      return {
        stdout: files
          .filter((f) => this.files.has(key(f)))
          .map((f) => `${f.replace(/^.*\//, '').replace(/\.json$/, '')}\t${this.files.get(key(f))}\0`)
          .join(''),
      };
    }
    return undefined;
  }

  readonly disk = new Map<string, number>();
  /** What diskCap answers: not capped, as on overlay2 over ext4, unless a test says otherwise. */
  cap: DiskCap = { capped: false, storage: 'overlay2 on extfs', limitBytes: 1024 * 1024 * 1024 };

  async diskCap(): Promise<DiskCap> {
    return this.cap;
  }

  /** What engineDiskFree answers; a test lowers it to play a fast write. */
  free: number | undefined = undefined;

  async engineDiskFree(): Promise<number | undefined> {
    return this.free;
  }
  readonly stopped: string[] = [];

  async diskUsage(labId: string): Promise<Record<string, number>> {
    const lab = this.labs.get(labId);
    return Object.fromEntries(
      (lab?.hosts ?? []).map((h) => [h.name, this.disk.get(`${labId}:${h.name}`) ?? 0]),
    );
  }

  readonly pids = new Map<string, number>();
  /** Shells left behind per lab and host, as an earlier server would leave them. */
  readonly leftShells = new Map<string, number>();

  async endShells(labId: string): Promise<Record<string, number>> {
    const lab = this.labs.get(labId);
    const out: Record<string, number> = {};
    for (const h of lab?.hosts ?? []) {
      if (h.name === 'grader') continue;
      out[h.name] = this.leftShells.get(`${labId}:${h.name}`) ?? 0;
      this.leftShells.delete(`${labId}:${h.name}`);
    }
    return out;
  }

  async processCounts(labId: string): Promise<Record<string, { current: number; limit: number }>> {
    const lab = this.labs.get(labId);
    return Object.fromEntries(
      (lab?.hosts ?? []).map((h) => [
        h.name,
        { current: this.pids.get(`${labId}:${h.name}`) ?? 10, limit: 512 },
      ]),
    );
  }

  /** Images by name (id); the lab image the tests use is there from the start. */
  readonly images = new Map<string, string>([['maillab/lab:test', 'sha256:lab-test']]);
  /** Lab specs as created, in order, for tests that look at which image each host got. */
  readonly specs: LabSpec[] = [];
  readonly commits: { labId: string; host: string; reference: string }[] = [];
  failCommit?: Error;

  async imageId(reference: string): Promise<string | undefined> {
    return this.images.get(reference);
  }

  async commitHost(labId: string, host: string, reference: string): Promise<void> {
    if (this.failCommit) throw this.failCommit;
    this.commits.push({ labId, host, reference });
    const target = this.labs.get(labId)?.hosts.find((h) => h.name === host);
    if (target) {
      target.running = false;
      target.state = 'exited';
    }
    this.images.set(reference, `sha256:${reference}`);
  }

  async listImages(repository: string) {
    return [...this.images.entries()]
      .filter(([name]) => name.startsWith(`${repository}:`))
      .map(([name, id]) => ({ id, tags: [name], createdAt: new Date(0).toISOString(), bytes: 0 }));
  }

  async removeImage(reference: string): Promise<boolean> {
    return this.images.delete(reference);
  }

  async stopHost(labId: string, host: string): Promise<void> {
    this.stopped.push(`${labId}:${host}`);
    const target = this.labs.get(labId)?.hosts.find((h) => h.name === host);
    if (target) {
      target.running = false;
      target.state = 'exited';
    }
  }

  /** Records the copy; the fake hosts hold no files, so every path is missing. */
  async copyFiles(labId: string, from: string, to: string, request: CopyRequest): Promise<CopyResult> {
    this.copies.push({ labId, from, to, request });
    return { found: [], missing: [...request.paths], dropped: [], bytes: 0, needleFound: false };
  }

  async shellCommand(labId: string, host: string): Promise<ShellCommand> {
    return { file: '/bin/echo', args: [labId, host], env: {} };
  }
}
