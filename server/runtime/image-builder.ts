// Finds or builds the lab image: the RHEL 9-family recipe (containers/rhel9) when its base can be had,
// else the offline recipe (containers/offline), Debian bookworm from mmdebstrap made to behave like RHEL 9.
// An image is tagged with the hash of its recipe files, so a rebuild happens only when a recipe changes.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';

export type ImageFlavor = 'rhel9' | 'offline';

export interface ImageChoice {
  image: string;
  flavor: ImageFlavor;
  recipeHash: string;
  /** Why this image: found up to date, built, or why the RHEL 9 recipe could not be used. */
  reason: string;
  built: boolean;
}

export interface ImageBuildProgress {
  phase: 'check' | 'pull' | 'base' | 'layer' | 'done';
  message: string;
}

export interface EnsureImageOptions {
  containersDir: string;
  onProgress?: (p: ImageBuildProgress) => void;
  /** Rebuild even when an image for the current recipe exists (the offline base is rebuilt too). */
  force?: boolean;
  flavor?: ImageFlavor | 'auto';
  /** How long to wait for the RHEL 9 base to pull before falling back; 20 s by default. */
  pullTimeoutMs?: number;
  /** Where the host's apt sources live, to pick the Debian mirror; /etc/apt by default. */
  aptDir?: string;
}

/** The offline base's mmdebstrap settings, read from containers/offline/base.json. */
export interface BaseSpec {
  suite: string;
  variant: string;
  components: string[];
  include: string[];
  dpkgopt: string[];
}

export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

export const LAB_REPOSITORY = 'maillab/lab';
export const BASE_REPOSITORY = 'maillab/base';
export const RECIPE_LABEL = 'maillab.image.recipe';
export const FLAVOR_LABEL = 'maillab.image.flavor';
const RECIPE_FILE: Record<ImageFlavor, string> = { rhel9: 'Containerfile', offline: 'Dockerfile' };
const DEFAULT_PULL_TIMEOUT_MS = 20_000;
/** Lines of build output kept to explain a failure. */
const TAIL_LINES = 25;

export function imageTag(flavor: ImageFlavor, hash: string): string {
  return `${LAB_REPOSITORY}:${flavor}-${hash}`;
}

// ---------------------------------------------------------------------------------------------
// Recipe hashing

/** Every file under dir, as sorted '/'-separated relative paths. */
export async function recipeFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    for (const entry of entries) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(child);
    }
  }
  await walk('');
  return files.sort();
}

/**
 * sha256 over the sorted relative paths, each file's executable bit (the only mode git keeps, and
 * scripts need it) and contents; the first 12 hex digits.
 */
export async function recipeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await recipeFiles(dir)) {
    const full = path.join(dir, file);
    const mode = (await stat(full)).mode;
    hash.update(`${file}\0${mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(await readFile(full));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

// ---------------------------------------------------------------------------------------------
// Debian mirror detection and mmdebstrap arguments (pure, unit-tested)

/** Parses apt sources in either format: one-line (`deb [opts] uri suite comp...`) or deb822 stanzas. */
export function parseAptSources(text: string): AptSource[] {
  const lines = text.split(/\r?\n/);
  const isDeb822 = lines.some((line) => /^\s*(Types|URIs)\s*:/i.test(line));
  return isDeb822 ? parseDeb822(lines) : parseOneLine(lines);
}

function parseOneLine(lines: string[]): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of lines) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    const words = line
      .replace(/\[[^\]]*\]/, ' ')
      .split(/\s+/)
      .slice(1);
    const [uri, suite, ...components] = words;
    if (uri && suite) sources.push({ uri, suites: [suite], components });
  }
  return sources;
}

function parseDeb822(lines: string[]): AptSource[] {
  const sources: AptSource[] = [];
  let fields = new Map<string, string>();
  const flush = () => {
    const types = (fields.get('types') ?? '').split(/\s+/);
    const enabled = (fields.get('enabled') ?? 'yes').toLowerCase() !== 'no';
    const uris = (fields.get('uris') ?? '').split(/\s+/).filter(Boolean);
    const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
    const components = (fields.get('components') ?? '').split(/\s+/).filter(Boolean);
    if (types.includes('deb') && enabled) {
      for (const uri of uris) sources.push({ uri, suites, components });
    }
    fields = new Map();
  };
  let last: string | undefined;
  for (const raw of lines) {
    if (raw.trim() === '') {
      flush();
      last = undefined;
      continue;
    }
    if (raw.trimStart().startsWith('#')) continue;
    if (/^\s/.test(raw) && last) {
      fields.set(last, `${fields.get(last) ?? ''} ${raw.trim()}`);
      continue;
    }
    const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(raw);
    if (!match?.[1]) continue;
    last = match[1].toLowerCase();
    fields.set(last, (match[2] ?? '').trim());
  }
  flush();
  return sources;
}

/** The Debian archive and security mirrors the host uses, when the default ones are only a fallback. */
export const FALLBACK_MIRRORS = {
  archive: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

/**
 * The `deb ...` lines to hand mmdebstrap: the host's own mirror for `suite`, `suite-updates` and
 * `suite-security`, limited to the components the base wants. Falls back to Debian's default mirrors
 * when the host has no source for the suite (e.g. a non-Debian host).
 */
export function mirrorLines(sources: AptSource[], suite: string, components: string[]): string[] {
  const wanted = [suite, `${suite}-updates`, `${suite}-security`];
  const lines: string[] = [];
  for (const source of sources) {
    const comps = source.components.filter((c) => components.includes(c));
    if (comps.length === 0) continue;
    for (const s of source.suites) {
      if (!wanted.includes(s)) continue;
      const line = `deb ${source.uri} ${s} ${comps.join(' ')}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (!lines.some((line) => line.split(' ')[2] === suite)) {
    const comps = components.join(' ');
    return [
      `deb ${FALLBACK_MIRRORS.archive} ${suite} ${comps}`,
      `deb ${FALLBACK_MIRRORS.archive} ${suite}-updates ${comps}`,
      `deb ${FALLBACK_MIRRORS.security} ${suite}-security ${comps}`,
    ];
  }
  return lines;
}

/** Reads /etc/apt/sources.list and sources.list.d/*.{list,sources}; missing files count as empty. */
export async function hostAptSources(aptDir = '/etc/apt'): Promise<AptSource[]> {
  const files = [path.join(aptDir, 'sources.list')];
  try {
    const dir = path.join(aptDir, 'sources.list.d');
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(path.join(dir, name));
    }
  } catch {
    // no sources.list.d: only sources.list counts
  }
  const sources: AptSource[] = [];
  for (const file of files) {
    try {
      sources.push(...parseAptSources(await readFile(file, 'utf8')));
    } catch {
      // unreadable or absent: skip it
    }
  }
  return sources;
}

export function parseBaseSpec(json: string): BaseSpec {
  const raw = JSON.parse(json) as Partial<BaseSpec>;
  const strings = (v: unknown, name: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
      throw new Error(`base.json: ${name} must be a list of strings`);
    return v;
  };
  if (typeof raw.suite !== 'string' || !/^[a-z]+$/.test(raw.suite))
    throw new Error('base.json: suite must be a Debian codename');
  return {
    suite: raw.suite,
    variant: typeof raw.variant === 'string' ? raw.variant : 'minbase',
    components: raw.components === undefined ? ['main'] : strings(raw.components, 'components'),
    include: strings(raw.include, 'include'),
    dpkgopt: strings(raw.dpkgopt, 'dpkgopt'),
  };
}

/** mmdebstrap's argv (no shell): writes the root file system as a tarball to stdout. */
export function mmdebstrapArgs(spec: BaseSpec, mirrors: string[]): string[] {
  const args = [`--variant=${spec.variant}`, `--components=${spec.components.join(',')}`];
  if (spec.include.length > 0) args.push(`--include=${spec.include.join(',')}`);
  for (const opt of spec.dpkgopt) args.push(`--dpkgopt=${opt}`);
  args.push(spec.suite, '-', ...mirrors);
  return args;
}

/** The base is tagged by its own settings, so a change to the Dockerfile layer does not redo it. */
export function baseTag(spec: BaseSpec): string {
  const hash = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
  return `${BASE_REPOSITORY}:${spec.suite}-${hash}`;
}

/** The image a Containerfile starts FROM (the first FROM; build args are not expanded). */
export function parseFromImage(containerfile: string): string | undefined {
  for (const line of containerfile.split(/\r?\n/)) {
    const match = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/i.exec(line);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** Docker Hub names without the implicit registry, for messages and local lookups. */
export function shortImageName(ref: string): string {
  return ref.replace(/^docker\.io\//, '').replace(/^library\//, '');
}

/** Keeps the last `max` non-empty lines of a stream of text chunks. */
export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly max = TAIL_LINES) {}
  /** Adds a chunk and returns the complete lines it finished. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const done = parts.map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    for (const line of done) this.remember(line);
    return done;
  }
  /** Flushes an unterminated last line. */
  end(): string[] {
    const rest = this.partial.trimEnd();
    this.partial = '';
    if (!rest.trim()) return [];
    this.remember(rest);
    return [rest];
  }
  text(): string {
    return this.lines.join('\n');
  }
  private remember(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
}

// ---------------------------------------------------------------------------------------------
// Engine side

export class ImageBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageBuildError';
  }
}

type Say = (phase: ImageBuildProgress['phase'], message: string) => void;

async function imageLabels(docker: Docker, ref: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker.getImage(ref).inspect();
    return info.Config?.Labels ?? {};
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw err;
  }
}

async function currentImage(docker: Docker, flavor: ImageFlavor, hash: string): Promise<string | undefined> {
  const tag = imageTag(flavor, hash);
  const labels = await imageLabels(docker, tag);
  return labels?.[RECIPE_LABEL] === hash ? tag : undefined;
}

async function recipeExists(containersDir: string, flavor: ImageFlavor): Promise<boolean> {
  try {
    await stat(path.join(containersDir, flavor, RECIPE_FILE[flavor]));
    return true;
  } catch {
    return false;
  }
}

/** An already-built image whose recipe label matches the current recipe; the RHEL 9 one first. */
export async function findImage(
  docker: Docker,
  opts: { containersDir?: string; flavor?: ImageFlavor | 'auto' } = {},
): Promise<ImageChoice | undefined> {
  const containersDir = opts.containersDir ?? path.resolve('containers');
  const flavors: ImageFlavor[] =
    !opts.flavor || opts.flavor === 'auto' ? ['rhel9', 'offline'] : [opts.flavor];
  for (const flavor of flavors) {
    if (!(await recipeExists(containersDir, flavor))) continue;
    const hash = await recipeHash(path.join(containersDir, flavor));
    const image = await currentImage(docker, flavor, hash);
    if (image) {
      return {
        image,
        flavor,
        recipeHash: hash,
        built: false,
        reason: `${image} is already built from the current containers/${flavor} recipe`,
      };
    }
  }
  return undefined;
}

/** Finds the image for the current recipe or builds it; see the module comment for the order. */
export async function ensureImage(docker: Docker, opts: EnsureImageOptions): Promise<ImageChoice> {
  const say: Say = (phase, message) => opts.onProgress?.({ phase, message });
  const flavor = opts.flavor ?? 'auto';
  if (!opts.force) {
    const found = await findImage(docker, { containersDir: opts.containersDir, flavor });
    if (found) {
      say('done', found.reason);
      return found;
    }
  }
  let fallbackReason = '';
  if (flavor === 'auto' && !(await recipeExists(opts.containersDir, 'rhel9'))) {
    fallbackReason = 'there is no containers/rhel9 recipe: using the offline Debian image';
  } else if (flavor !== 'offline') {
    const base = await rhel9Base(opts.containersDir);
    const why = await obtainBase(docker, base, opts.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS, say);
    if (why === undefined) return buildRhel9(docker, opts, base, say);
    if (flavor === 'rhel9') {
      throw new ImageBuildError(
        `The RHEL 9 image cannot be built: ${why}. Pull it where a registry is reachable and load it here (docker save | docker load), or use the offline image (flavor "offline" or "auto").`,
      );
    }
    fallbackReason = `RHEL 9 base ${shortImageName(base)} ${why}: using the offline Debian image`;
    say('check', fallbackReason);
  }
  return buildOffline(docker, opts, say, fallbackReason);
}

async function rhel9Base(containersDir: string): Promise<string> {
  const file = path.join(containersDir, 'rhel9', RECIPE_FILE.rhel9);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ImageBuildError(`The RHEL 9 recipe ${file} cannot be read`, { cause: err });
  }
  const base = parseFromImage(text);
  if (!base) throw new ImageBuildError(`${file} has no FROM line`);
  return base;
}

/** Undefined when the base is present (locally or just pulled), else why not. */
async function obtainBase(
  docker: Docker,
  base: string,
  timeoutMs: number,
  say: Say,
): Promise<string | undefined> {
  if ((await imageLabels(docker, base)) !== undefined) return undefined;
  say('pull', `pulling ${shortImageName(base)} (giving up after ${Math.round(timeoutMs / 1000)} s)`);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const stream = await docker.pull(base, { abortSignal: abort.signal });
    await followStream(docker, stream, (event) => {
      if (typeof event.status === 'string')
        say('pull', event.id ? `${event.id}: ${event.status}` : event.status);
    });
    return undefined;
  } catch (err) {
    if (abort.signal.aborted)
      return `could not be pulled within ${Math.round(timeoutMs / 1000)} s (registry unreachable or slow)`;
    return `could not be pulled (registry unreachable: ${oneLine(err)})`;
  } finally {
    clearTimeout(timer);
  }
}

async function buildRhel9(
  docker: Docker,
  opts: EnsureImageOptions,
  base: string,
  say: Say,
): Promise<ImageChoice> {
  const dir = path.join(opts.containersDir, 'rhel9');
  const hash = await recipeHash(dir);
  const tag = imageTag('rhel9', hash);
  say('layer', `building ${tag} from containers/rhel9 on ${shortImageName(base)}`);
  await buildLayer(docker, dir, RECIPE_FILE.rhel9, tag, { RECIPE: hash }, !!opts.force, say);
  const reason = `built ${tag} from containers/rhel9 (recipe ${hash}) on ${shortImageName(base)}`;
  say('done', reason);
  return { image: tag, flavor: 'rhel9', recipeHash: hash, built: true, reason };
}

async function buildOffline(
  docker: Docker,
  opts: EnsureImageOptions,
  say: Say,
  prefix: string,
): Promise<ImageChoice> {
  const dir = path.join(opts.containersDir, 'offline');
  if (!(await recipeExists(opts.containersDir, 'offline'))) {
    throw new ImageBuildError(
      `The offline recipe is missing: ${path.join(dir, RECIPE_FILE.offline)} does not exist`,
    );
  }
  const hash = await recipeHash(dir);
  const tag = imageTag('offline', hash);
  const spec = parseBaseSpec(await readFile(path.join(dir, 'base.json'), 'utf8'));
  const base = baseTag(spec);
  if (opts.force || (await imageLabels(docker, base)) === undefined) {
    const mirrors = mirrorLines(await hostAptSources(opts.aptDir), spec.suite, spec.components);
    const started = Date.now();
    await importBase(docker, spec, mirrors, base, say);
    say('base', `imported ${base} in ${seconds(started)}`);
  } else {
    say('base', `${base} is already there`);
  }
  const started = Date.now();
  say('layer', `building ${tag} from containers/offline on ${base}`);
  await buildLayer(docker, dir, RECIPE_FILE.offline, tag, { BASE: base, RECIPE: hash }, !!opts.force, say);
  say('layer', `built ${tag} in ${seconds(started)}`);
  const built = `built ${tag} from containers/offline (recipe ${hash})`;
  const reason = prefix ? `${prefix}; ${built}` : built;
  say('done', reason);
  return { image: tag, flavor: 'offline', recipeHash: hash, built: true, reason };
}

/** mmdebstrap's tarball on stdout goes straight into the engine's image import: no temporary file. */
async function importBase(
  docker: Docker,
  spec: BaseSpec,
  mirrors: string[],
  tag: string,
  say: Say,
): Promise<void> {
  const args = mmdebstrapArgs(spec, mirrors);
  say('base', `mmdebstrap ${args.join(' ')}`);
  const child = spawn('mmdebstrap', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = new LineTail();
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    for (const line of tail.push(chunk)) say('base', line);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  const [repo, version] = splitTag(tag);
  const imported = docker
    .importImage(child.stdout, { repo, tag: version })
    .then((stream) => followStream(docker, stream, () => {}));
  let code: number | null;
  try {
    code = await exited;
  } catch (err) {
    child.stdout.destroy();
    await imported.catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ImageBuildError('mmdebstrap is not installed; install it: apt-get install mmdebstrap', {
        cause: err,
      });
    }
    throw new ImageBuildError(`mmdebstrap could not be started: ${oneLine(err)}`, { cause: err });
  }
  tail.end();
  if (code !== 0) {
    await imported.catch(() => {});
    await removeImage(docker, tag);
    const hint = process.getuid?.() === 0 ? '' : ' (mmdebstrap builds as root; run the builder as root)';
    throw new ImageBuildError(
      `mmdebstrap failed with exit code ${code}${hint}. Its last lines:\n${tail.text()}`,
    );
  }
  try {
    await imported;
  } catch (err) {
    await removeImage(docker, tag);
    throw new ImageBuildError(`The engine could not import the base file system as ${tag}: ${oneLine(err)}`, {
      cause: err,
    });
  }
}

async function buildLayer(
  docker: Docker,
  dir: string,
  dockerfile: string,
  tag: string,
  buildargs: Record<string, string>,
  nocache: boolean,
  say: Say,
): Promise<void> {
  const src = await recipeFiles(dir);
  const tail = new LineTail();
  let step = '';
  let failure: string | undefined;
  try {
    const stream = await docker.buildImage(
      { context: dir, src },
      { t: tag, dockerfile, buildargs, rm: true, forcerm: true, nocache },
    );
    await followStream(docker, stream, (event) => {
      if (typeof event.stream === 'string') {
        for (const line of tail.push(event.stream)) {
          if (/^Step \d+\/\d+ :/.test(line)) step = line;
          say('layer', line);
        }
      }
      if (typeof event.error === 'string') failure = event.error;
    });
  } catch (err) {
    failure ??= oneLine(err);
  }
  tail.end();
  if (failure !== undefined) {
    const where = step ? ` at "${step.slice(0, 200)}"` : '';
    throw new ImageBuildError(
      `Building ${tag} failed${where}: ${failure.trim()}\nLast output lines:\n${tail.text()}`,
    );
  }
  const labels = await imageLabels(docker, tag);
  if (labels?.[RECIPE_LABEL] !== buildargs.RECIPE) {
    throw new ImageBuildError(
      `Building ${tag} finished but the image lacks the label ${RECIPE_LABEL}=${buildargs.RECIPE}`,
    );
  }
}

interface ProgressEvent {
  stream?: unknown;
  status?: unknown;
  id?: unknown;
  error?: unknown;
}

/** Resolves when the engine's JSON stream ends; a stream `error` event rejects. */
function followStream(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (e: ProgressEvent) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, results: ProgressEvent[]) => {
        if (err) return reject(err);
        const failed = results.find((r) => typeof r.error === 'string');
        if (failed) return reject(new Error(String(failed.error)));
        resolve();
      },
      (event: ProgressEvent) => onEvent(event),
    );
  });
}

async function removeImage(docker: Docker, ref: string): Promise<void> {
  try {
    await docker.getImage(ref).remove({ force: true });
  } catch {
    // not created, or already gone
  }
}

function splitTag(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
