#!/usr/bin/env node
// Runs the TypeScript CLI, so a clone works without a build step. Through tsx every start transpiled
// the sources first; an esbuild bundle of server/ (packages left external, the web server split into a
// chunk loaded only by `serve`) is cached in node_modules/.cache/maillab, one folder per state of the
// sources, and rebuilt (~0.1 s) when a file under server/ is newer. If it cannot be built or written,
// tsx runs the sources as before (also with MAILLAB_CLI_FROM_SOURCE=1).
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const sources = path.join(root, 'server');
const cacheDir = path.join(root, 'node_modules', '.cache', 'maillab');

async function newestSource(dir) {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, (await stat(full)).mtimeMs);
  }
  return newest;
}

async function freshBundle() {
  const version = Math.floor(await newestSource(sources)).toString(36);
  const dir = path.join(cacheDir, `cli-${version}`);
  const entry = path.join(dir, 'main.js');
  if (
    await stat(entry).then(
      () => true,
      () => false,
    )
  )
    return entry;
  const { build } = await import('esbuild');
  const temporary = `${dir}.${process.pid}.tmp`;
  await mkdir(cacheDir, { recursive: true });
  await build({
    entryPoints: [path.join(sources, 'cli', 'main.ts')],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: temporary,
    logLevel: 'silent',
    plugins: [
      {
        // Modules find their files (check libraries, lessons, containers) next to their own source.
        name: 'source-locations',
        setup(b) {
          b.onLoad({ filter: /\.ts$/ }, async (args) => ({
            contents: (await readFile(args.path, 'utf8')).replaceAll(
              'import.meta.url',
              JSON.stringify(pathToFileURL(args.path).href),
            ),
            loader: 'ts',
          }));
        },
      },
    ],
  });
  // Another process may have built the same version meanwhile: either copy is the same.
  await rename(temporary, dir).catch(() => rm(temporary, { recursive: true, force: true }));
  for (const old of await readdir(cacheDir))
    if (old.startsWith('cli-') && old !== `cli-${version}` && !old.endsWith('.tmp'))
      await rm(path.join(cacheDir, old), { recursive: true, force: true }).catch(() => {});
  return entry;
}

const ready = await freshBundle().catch(() => undefined);
if (ready && process.env.MAILLAB_CLI_FROM_SOURCE !== '1') {
  await import(pathToFileURL(ready).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../server/cli/main.ts');
}
