// Evidence from a student host for the hidden grader, copied by the engine (its archive API, as
// `docker cp` does) so that no program the student controls ever runs to produce it. This module
// owns the filter between the two archives: only regular files and directories pass, symbolic and
// hard links, devices and FIFOs are dropped (a link could make the judge read the grader's own
// files), and a size cap bounds what a student can make the grader store.
import path from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';

export interface CopyLimits {
  /** Total bytes of file content across all paths of one copy. */
  maxBytes: number;
  /** Entries (files and directories) across all paths of one copy. */
  maxEntries: number;
}

/** 64 MiB: a mailbox of a few thousand messages, or the 16 MB journal with room to spare. */
export const DEFAULT_COPY_LIMITS: CopyLimits = { maxBytes: 64 * 1024 * 1024, maxEntries: 20_000 };

export interface CopiedEntry {
  /** Path inside the archive that goes to the grader, relative to its root (no leading slash). */
  name: string;
  type: 'file' | 'directory';
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  content?: Buffer;
}

/**
 * One read of the engine's archive API. Each read costs the engine a fixed ~40 ms (it starts a
 * helper that chroots into the container), whatever its size, and reads of one container are
 * serialized by the engine; so three or more siblings (postfix's queue directories) are read as
 * their parent in one go, keeping only the entries asked for.
 */
export interface ArchiveRead {
  path: string;
  /** For a parent read: the requested paths inside it; anything else in the archive is skipped. */
  wanted?: string[];
}

/** Siblings from this many up share one read of their parent (never of / or a top-level directory
 * such as /etc, which hold far more than any check wants). */
export const MERGE_SIBLINGS = 3;
/** What a parent read may skip (unrequested siblings) before it gives up for one read per path. */
export const MERGE_SKIP_LIMIT = { bytes: 8 * 1024 * 1024, entries: 2000 };

export function planReads(paths: string[]): ArchiveRead[] {
  const unique = [...new Set(paths)];
  const byParent = new Map<string, string[]>();
  for (const p of unique) {
    const parent = path.posix.dirname(p);
    byParent.set(parent, [...(byParent.get(parent) ?? []), p]);
  }
  const reads: ArchiveRead[] = [];
  const planned = new Set<string>();
  for (const p of unique) {
    if (planned.has(p)) continue;
    const parent = path.posix.dirname(p);
    const siblings = byParent.get(parent) ?? [p];
    // A parent also asked for whole, or an ancestor of another request, is read the plain way.
    const overlaps = unique.some((q) => q === parent || parent.startsWith(`${q}/`));
    const deep = parent.split('/').filter(Boolean).length >= 2;
    if (deep && siblings.length >= MERGE_SIBLINGS && !overlaps) {
      reads.push({ path: parent, wanted: siblings });
      for (const sibling of siblings) planned.add(sibling);
    } else {
      reads.push({ path: p });
      planned.add(p);
    }
  }
  return reads;
}

export interface FilteredArchive {
  entries: CopiedEntry[];
  /** Entries left out, with the reason, for the judge's messages (e.g. "postfix/x: a symbolic link"). */
  dropped: string[];
  bytes: number;
  /** Set when the copy was cut short by a limit; the entries before it are kept. */
  truncated?: string;
  /** For a parent read: the wanted paths that were in the archive (each at its own name). */
  seen: string[];
  /** For a parent read: its unrequested entries passed the skip limit, and it was abandoned. */
  abandoned?: boolean;
}

/**
 * Reads the engine's archive of `sourcePath` (entries are named relative to its parent directory)
 * and keeps what may reach the grader, renamed to their absolute path without the leading slash.
 * `budget` is shared across the paths of one copy and is decremented in place.
 */
export async function filterArchive(
  archive: Readable,
  sourcePath: string,
  budget: { bytes: number; entries: number },
  wanted?: string[],
): Promise<FilteredArchive> {
  const parent = path.posix.dirname(sourcePath).replace(/^\/+/, '');
  const out: FilteredArchive = { entries: [], dropped: [], bytes: 0, seen: [] };
  const want = wanted?.map((w) => w.replace(/^\/+/, ''));
  const skipped = { bytes: 0, entries: 0 };
  const extract = tarExtract();
  let abandon = () => {};
  const done = new Promise<void>((resolve, reject) => {
    abandon = resolve;
    extract.on('finish', resolve);
    extract.on('error', (err) => (out.abandoned ? resolve() : reject(err)));
    archive.on('error', (err) => (out.abandoned ? resolve() : reject(err)));
  });
  extract.on('entry', (header, stream, next) => {
    const name = path.posix.normalize(path.posix.join(parent, header.name)).replace(/\/+$/, '');
    const skip = (why?: string) => {
      if (why) out.dropped.push(`${name}: ${why}`);
      stream.on('end', () => next());
      stream.resume();
    };
    if (out.abandoned) return skip();
    if (want) {
      const match = want.find((w) => name === w || name.startsWith(`${w}/`));
      if (!match) {
        skipped.bytes += header.size ?? 0;
        skipped.entries += 1;
        if (skipped.bytes > MERGE_SKIP_LIMIT.bytes || skipped.entries > MERGE_SKIP_LIMIT.entries) {
          out.abandoned = true;
          // Nothing of it counts: the caller reads each wanted path on its own instead.
          budget.bytes += out.bytes;
          budget.entries += out.entries.length;
          Object.assign(out, { entries: [], dropped: [], bytes: 0, seen: [], truncated: undefined });
          abandon();
          archive.destroy();
          extract.destroy();
          return;
        }
        return skip();
      }
      if (name === match && !out.seen.includes(match)) out.seen.push(match);
    }
    if (out.truncated) return skip();
    if (name.startsWith('..') || path.posix.isAbsolute(name)) return skip('a path outside the copy');
    if (header.type !== 'file' && header.type !== 'directory')
      return skip(
        header.type === 'symlink' ? 'a symbolic link, not followed' : `a ${header.type}, not copied`,
      );
    if (budget.entries <= 0) {
      out.truncated = 'too many files';
      return skip();
    }
    const size = header.size ?? 0;
    if (size > budget.bytes) {
      out.truncated = `larger than the evidence limit (${Math.round(size / 1024)} KiB left to copy)`;
      return skip(`${Math.round(size / 1024)} KiB, over the limit`);
    }
    budget.entries -= 1;
    const entry: CopiedEntry = {
      name,
      type: header.type,
      mode: (header.mode ?? 0o644) & 0o7777,
      uid: header.uid ?? 0,
      gid: header.gid ?? 0,
      mtime: header.mtime ?? new Date(0),
    };
    if (header.type === 'directory') {
      out.entries.push(entry);
      return skip();
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => {
      chunks.push(chunk as Buffer);
    });
    stream.on('end', () => {
      entry.content = Buffer.concat(chunks);
      budget.bytes -= entry.content.length;
      out.bytes += entry.content.length;
      out.entries.push(entry);
      next();
    });
  });
  archive.pipe(extract);
  await done;
  return out;
}

/** Packs kept entries for the grader, with a directory entry for every parent so extraction can't fail. */
export function packEntries(entries: CopiedEntry[]): Readable {
  const pack = tarPack();
  const seen = new Set<string>();
  const directory = (name: string) => {
    if (!name || name === '.' || seen.has(name)) return;
    directory(path.posix.dirname(name));
    seen.add(name);
    pack.entry({ name: `${name}/`, type: 'directory', mode: 0o755 });
  };
  for (const entry of entries) {
    directory(path.posix.dirname(entry.name));
    if (entry.type === 'directory') {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
    }
    const header = {
      name: entry.type === 'directory' ? `${entry.name}/` : entry.name,
      type: entry.type,
      mode: entry.mode,
      uid: entry.uid,
      gid: entry.gid,
      mtime: entry.mtime,
    };
    if (entry.type === 'file') pack.entry(header, entry.content ?? Buffer.alloc(0));
    else pack.entry(header);
  }
  pack.finalize();
  return pack as unknown as Readable;
}

/** Whether any copied file holds `needle` (a run's nonce): a mailbox the nonce has reached. */
export function anyFileContains(entries: CopiedEntry[], needle: string): boolean {
  return entries.some((e) => e.content?.includes(needle));
}
