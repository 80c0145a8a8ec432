// Lessons' YAML front matter, parsed once per text: parsing every lesson's YAML (and loading the YAML
// library) was the largest part of a CLI command's start-up (~150 of 700 ms, profiled). The cache
// maps a hash of the YAML text to what the parser made of it, so an edited lesson is simply a miss;
// what it holds is validated like freshly parsed YAML, so a broken lesson still fails with its file
// and field. A cache that cannot be read or written only costs the parse.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

export class FrontMatterCache {
  private readonly entries = new Map<string, unknown>();
  /** The hashes asked for by this load: only these are written back, so old texts fall out. */
  private readonly used = new Set<string>();
  private changed = false;

  /** Without a file, nothing is kept between processes. */
  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      if (saved && typeof saved === 'object' && !Array.isArray(saved))
        for (const [hash, data] of Object.entries(saved)) this.entries.set(hash, data);
    } catch {
      // None yet, or unreadable: every lesson is parsed.
    }
  }

  /** What `yaml` parses `text` into; throws the parser's error for YAML that is not valid. */
  async parse(text: string): Promise<unknown> {
    const hash = createHash('sha256').update(text).digest('hex');
    this.used.add(hash);
    if (this.entries.has(hash)) return structuredClone(this.entries.get(hash));
    const { parse } = await import('yaml');
    const data: unknown = parse(text);
    // Only what survives JSON unchanged is kept (a YAML date, say, would come back as a string).
    const copy: unknown = JSON.parse(JSON.stringify(data ?? null));
    if (isDeepStrictEqual(copy, data ?? null)) {
      this.entries.set(hash, copy);
      this.changed = true;
    }
    return data;
  }

  /** Writes the cache if anything was added, keeping only the texts this load asked for. */
  save(): void {
    if (!this.file || !this.changed) return;
    const out = Object.fromEntries([...this.entries].filter(([hash]) => this.used.has(hash)));
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(out));
      renameSync(temporary, this.file);
    } catch {
      // A read-only install: the next start parses again.
    }
  }
}
