// The client bundle is rebuilt by every `serve` at start-up, and several processes may serve from one
// checkout at once. Pages loading meanwhile must never get half a file.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../server/http/client-build.ts';

describe('client build', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('replaces its files whole while other builds run and readers read them', async () => {
    const outdir = await mkdtemp(path.join(tmpdir(), 'maillab-client-'));
    dirs.push(outdir);
    await buildClient({ outdir, minify: true });
    const complete = await readFile(path.join(outdir, 'app.js'), 'utf8');
    expect(complete).toMatch(/sourceMappingURL=app\.js\.map\s*$/);

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
    expect((await readdir(outdir)).sort()).toEqual([
      'app.css',
      'app.css.map',
      'app.js',
      'app.js.map',
      'index.html',
    ]);
  });
});
