// A recipe is a folder of files; its hash names the image built from it, so a rebuild happens
// exactly when a file (or a script's executable bit) changes.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

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
