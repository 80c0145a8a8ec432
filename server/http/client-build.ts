// Builds the browser client (client/) into one directory the HTTP layer serves: app.js, app.css and
// index.html. esbuild does it in well under a second, so `serve` can simply build at start-up.
// Several processes may serve from one checkout (two servers, or test files side by side): each file
// is replaced by a rename, so a page being loaded never reads one half written.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Absolute path of the client sources, found from this file rather than the working directory. */
export function clientDir(): string {
  return fileURLToPath(new URL('../../client/', import.meta.url));
}

export async function buildClient(opts: { outdir: string; minify?: boolean }): Promise<void> {
  const dir = clientDir();
  const outdir = path.resolve(opts.outdir);
  const minify = opts.minify ?? false;
  await mkdir(outdir, { recursive: true });
  const common = {
    bundle: true,
    minify,
    logLevel: 'silent',
    legalComments: 'none',
    // No source maps: the served bundle need not hand anyone the readable sources and their layout.
    sourcemap: false,
  } as const;
  const [js, css] = await Promise.all([
    build({
      ...common,
      write: false,
      entryPoints: [path.join(dir, 'src/main.ts')],
      outfile: path.join(outdir, 'app.js'),
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      tsconfig: path.join(dir, 'tsconfig.json'),
    }),
    build({
      ...common,
      write: false,
      stdin: {
        contents: "@import '@xterm/xterm/css/xterm.css';\n@import './styles.css';\n",
        resolveDir: dir,
        sourcefile: 'app.css',
        loader: 'css',
      },
      outfile: path.join(outdir, 'app.css'),
    }),
  ]);
  const outputs = [...js.outputFiles, ...css.outputFiles].map((f) => ({
    path: f.path,
    contents: f.contents,
  }));
  outputs.push({
    path: path.join(outdir, 'index.html'),
    contents: await readFile(path.join(dir, 'index.html')),
  });
  await Promise.all(outputs.map((file) => replaceFile(file.path, file.contents)));
  // Maps an older build left behind go too, so nothing serves them.
  await Promise.all(
    ['app.js.map', 'app.css.map'].map((name) => rm(path.join(outdir, name), { force: true })),
  );
}

/** Writes beside the target, then renames over it: readers see the old file or the new, never half. */
async function replaceFile(target: string, contents: Uint8Array): Promise<void> {
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, target);
}
