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

export interface FilteredArchive {
  entries: CopiedEntry[];
  /** Entries left out, with the reason, for the judge's messages (e.g. "postfix/x: a symbolic link"). */
  dropped: string[];
  bytes: number;
  /** Set when the copy was cut short by a limit; the entries before it are kept. */
  truncated?: string;
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
): Promise<FilteredArchive> {
  const parent = path.posix.dirname(sourcePath).replace(/^\/+/, '');
  const out: FilteredArchive = { entries: [], dropped: [], bytes: 0 };
  const extract = tarExtract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.on('error', reject);
  });
  extract.on('entry', (header, stream, next) => {
    const name = path.posix.normalize(path.posix.join(parent, header.name)).replace(/\/+$/, '');
    const skip = (why?: string) => {
      if (why) out.dropped.push(`${name}: ${why}`);
      stream.on('end', () => next());
      stream.resume();
    };
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
