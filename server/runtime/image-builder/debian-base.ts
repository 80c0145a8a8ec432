// The offline image's base: which Debian mirror to use (the host's own, from its apt sources) and
// mmdebstrap's argv. Pure functions apart from reading the host's apt configuration.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

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
  return `maillab/base:${spec.suite}-${hash}`;
}
