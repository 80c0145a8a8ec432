// The client bundle is rebuilt by every `serve` at start-up, and several processes may serve from one
// checkout at once. Pages loading meanwhile must never get half a file.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../server/http/client-build.ts';

describe('client build', () => {
  it('writes no source maps and removes those an older build left', async () => {
    const outdir = await mkdtemp(path.join(tmpdir(), 'maillab-client-'));
    dirs.push(outdir);
    await writeFile(path.join(outdir, 'app.js.map'), '{}');
    await buildClient({ outdir, minify: true });
    expect((await readdir(outdir)).sort()).toEqual(['app.css', 'app.js', 'index.html']);
    expect(await readFile(path.join(outdir, 'app.css'), 'utf8')).not.toMatch(/sourceMappingURL/);
  });

  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('replaces its files whole while other builds run and readers read them', async () => {
    const outdir = await mkdtemp(path.join(tmpdir(), 'maillab-client-'));
    dirs.push(outdir);
    await buildClient({ outdir, minify: true });
    const complete = await readFile(path.join(outdir, 'app.js'), 'utf8');
    expect(complete).not.toMatch(/sourceMappingURL/);

    let building = true;
    const seen: number[] = [];
    const reader = (async () => {
      while (building) {
        seen.push((await readFile(path.join(outdir, 'app.js'), 'utf8')).length);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await Promise.all([1, 2, 3].map(() => buildClient({ outdir, minify: true })));
    building = false;
    await reader;

    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([complete.length]));
    expect((await readdir(outdir)).sort()).toEqual(['app.css', 'app.js', 'index.html']);
  });
});
