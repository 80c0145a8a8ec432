// Builds the browser client (client/) into one directory the HTTP layer serves: app.js, app.css and
// index.html. esbuild does it in well under a second, so `serve` can simply build at start-up.
import { copyFile, mkdir } from 'node:fs/promises';
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
    sourcemap: 'linked',
  } as const;
  await Promise.all([
    build({
      ...common,
      entryPoints: [path.join(dir, 'src/main.ts')],
      outfile: path.join(outdir, 'app.js'),
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      tsconfig: path.join(dir, 'tsconfig.json'),
    }),
    build({
      ...common,
      stdin: {
        contents: "@import '@xterm/xterm/css/xterm.css';\n@import './styles.css';\n",
        resolveDir: dir,
        sourcefile: 'app.css',
        loader: 'css',
      },
      outfile: path.join(outdir, 'app.css'),
    }),
    copyFile(path.join(dir, 'index.html'), path.join(outdir, 'index.html')),
  ]);
}
