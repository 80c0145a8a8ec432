// Finds or builds the lab image: the RHEL 9-family recipe (containers/rhel9) when its base can be had,
// else the offline recipe (containers/offline), Debian bookworm from mmdebstrap made to behave like RHEL 9.
// An image is tagged with the hash of its recipe files, so a rebuild happens only when a recipe changes.
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import {
  type BaseSpec,
  baseTag,
  hostAptSources,
  mirrorLines,
  mmdebstrapArgs,
  parseBaseSpec,
} from './image-builder/debian-base.ts';
import { LineTail } from './image-builder/line-tail.ts';
import { recipeFiles, recipeHash } from './image-builder/recipe.ts';

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

export const LAB_REPOSITORY = 'maillab/lab';
export const RECIPE_LABEL = 'maillab.image.recipe';
export const FLAVOR_LABEL = 'maillab.image.flavor';
const RECIPE_FILE: Record<ImageFlavor, string> = { rhel9: 'Containerfile', offline: 'Dockerfile' };
const DEFAULT_PULL_TIMEOUT_MS = 20_000;

export function imageTag(flavor: ImageFlavor, hash: string): string {
  return `${LAB_REPOSITORY}:${flavor}-${hash}`;
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

// ---------------------------------------------------------------------------------------------
// Engine side

export class ImageBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageBuildError';
  }
}

/**
 * The RHEL 9 base image could not be obtained (no registry reachable, or none answering in time): on an
 * offline machine this is the expected path, not a fault, so the fallback says it in one calm line.
 */
export class NoBaseImageError extends ImageBuildError {
  constructor(
    message: string,
    readonly base: string,
    readonly why: string,
  ) {
    super(message);
    this.name = 'NoBaseImageError';
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
      throw new NoBaseImageError(
        `The RHEL 9 image cannot be built: ${why}. Pull it where a registry is reachable and load it here (docker save | docker load), or use the offline image (flavor "offline" or "auto").`,
        shortImageName(base),
        why,
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
