// The bench's browser rows: what a student sees in Chromium, with maillab's server in a process of its
// own as `npm start` runs it (a server inside the bench's own process shares its event loop with the
// browser driver's DevTools traffic, which inflated maillab's echo; measured 2026-11-28).
//  - keystroke echo on the lesson page beside wetty 3.2.0 running `docker exec -it` into the same host,
//    A B A B, timed at the browser's network layer;
//  - a 14 MB flood of output through the page beside `docker exec` alone, and whether the page still
//    answers while it streams.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { terminalText } from '../support/page.ts';
import { browserEcho, recordFrames } from './browser-echo.ts';
import { docker } from './raw.ts';
import { type Percentiles, percentiles } from './stats.ts';

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WETTY_VERSION = '3.2.0';
const BIN = new URL('../../bin/maillab.mjs', import.meta.url).pathname;

export interface BrowserRows {
  echo: { maillab: Percentiles; wetty?: Percentiles; wettyMissing?: string; rounds: number };
  flood: {
    bytes: number;
    pageMs: number;
    dockerExecMs: number;
    /** The slowest answer of the page's main thread while the flood streamed (a probe every 100 ms). */
    pageAnswerMaxMs: number;
    pageAnswerP50Ms: number;
    /** From Ctrl-C during a flood until the prompt is back on the page. */
    interruptMs: number;
  };
}

/**
 * wetty, installed on demand outside the project's dependencies (in ~/.cache/maillab-bench); undefined
 * with the reason when npm cannot install it.
 */
async function wettyBin(): Promise<{ bin?: string; reason?: string }> {
  const dir = path.join(
    process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'),
    'maillab-bench',
    'wetty',
  );
  const bin = path.join(dir, 'node_modules', '.bin', 'wetty');
  if (existsSync(bin)) return { bin };
  log(`installing wetty ${WETTY_VERSION} for the echo baseline into ${dir} (not a project dependency)…`);
  await mkdir(dir, { recursive: true });
  const code = await new Promise<number>((resolve) => {
    const npm = spawn(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefix', dir, `wetty@${WETTY_VERSION}`],
      {
        stdio: 'ignore',
      },
    );
    npm.on('exit', (c) => resolve(c ?? 1));
    npm.on('error', () => resolve(1));
  });
  return existsSync(bin) ? { bin } : { reason: `npm install wetty@${WETTY_VERSION} failed (exit ${code})` };
}

async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (
      await fetch(`http://127.0.0.1:${port}/`).then(
        () => true,
        () => false,
      )
    )
      return;
    await sleep(200);
  }
  throw new Error(`nothing answered on port ${port}`);
}

/** `maillab serve` as its own process, as `npm start` runs it; resolves with the printed link. */
async function serveProcess(
  env: NodeJS.ProcessEnv,
  port: number,
): Promise<{ child: ChildProcess; link: string }> {
  const child = spawn('node', [BIN, 'serve', '--port', String(port)], {
    env: { ...env, MAILLAB_SPARE_LABS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const link = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?key=\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`maillab serve exited ${code}: ${out.slice(-500)}`)));
  });
  return { child, link };
}

async function waitForText(page: Page, host: string, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(await terminalText(page, host))) return;
    await sleep(20);
  }
  throw new Error(`terminal ${host} never showed ${pattern}`);
}

export async function browserRows(opts: {
  env: NodeJS.ProcessEnv;
  labId: string;
  lesson: string;
  desktopContainer: string;
  samples: number;
  rounds: number;
}): Promise<BrowserRows> {
  const port = 18000 + (process.pid % 1000);
  const server = await serveProcess(opts.env, port);
  let wetty: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const maillabFrames = await recordFrames(page, '/ws/labs/');
    const url = new URL(server.link);
    await page.goto(`${url.origin}/lessons/${opts.lesson}?key=${url.searchParams.get('key')}`);
    await page.getByTestId('terminal-tab-desktop').click();
    await page.getByTestId('terminal-desktop').click();
    await waitForText(page, 'desktop', /[#$] $/m);

    const { bin, reason } = await wettyBin();
    let wettyPage: Page | undefined;
    let wettyFrames: Awaited<ReturnType<typeof recordFrames>> | undefined;
    if (bin) {
      const wettyPort = port + 1;
      wetty = spawn(
        bin,
        [
          '--port',
          String(wettyPort),
          '--host',
          '127.0.0.1',
          '--command',
          `docker exec -it ${opts.desktopContainer} bash -l`,
        ],
        { stdio: 'ignore' },
      );
      await waitForPort(wettyPort);
      wettyPage = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      wettyFrames = await recordFrames(wettyPage, 'socket.io');
      await wettyPage.goto(`http://127.0.0.1:${wettyPort}/`);
      await sleep(2500);
    } else log(`no wetty baseline: ${reason}`);

    const maillab: number[] = [];
    const wettySamples: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      await page.bringToFront();
      await page.getByTestId('terminal-desktop').click();
      maillab.push(
        ...(await browserEcho(page, maillabFrames, opts.samples, {
          isKeyFrame: (text, key) => text.includes('"t":"in"') && text.includes(`"d":"${key}"`),
        })),
      );
      if (wettyPage && wettyFrames) {
        await wettyPage.bringToFront();
        await wettyPage.mouse.click(600, 400);
        wettySamples.push(
          ...(await browserEcho(wettyPage, wettyFrames, opts.samples, {
            isKeyFrame: (text, key) => text.includes('"input"') && text.includes(`"${key}"`),
            // socket.io frames are 42["data","<output>"]; a backspace arrives JSON-escaped.
            isEchoFrame: (text, key) =>
              text.startsWith('42["data","') &&
              (key === '\b' ? text.includes('\\b') : text.slice(11).includes(key)),
          })),
        );
      }
      log(`browser echo round ${round + 1}/${opts.rounds} done`);
    }
    await wettyPage?.close();

    // The flood: 14 MB of base64 through the page, timed until the marker after it is on screen.
    const bytes = 14 * 1000 * 1000;
    const floodCommand = `head -c ${(bytes * 3) / 4} /dev/urandom | base64; echo FLOOD-DONE-$((6*7))`;
    await page.bringToFront();
    await page.getByTestId('terminal-desktop').click();
    const answers: number[] = [];
    let flooding = true;
    const prober = (async () => {
      while (flooding) {
        const t0 = performance.now();
        await page.evaluate(() => 1);
        answers.push(performance.now() - t0);
        await sleep(100);
      }
    })();
    const f0 = performance.now();
    await page.keyboard.type(floodCommand);
    await page.keyboard.press('Enter');
    await waitForText(page, 'desktop', /FLOOD-DONE-42/, 300_000);
    const pageMs = performance.now() - f0;
    flooding = false;
    await prober;
    const d0 = performance.now();
    await docker(['exec', opts.desktopContainer, 'bash', '-c', floodCommand], 300_000);
    const dockerExecMs = performance.now() - d0;

    // Ctrl-C in a flood that would last long: how soon the prompt is back.
    await page.keyboard.type('clear; yes maillab-flood-line');
    await page.keyboard.press('Enter');
    await sleep(1500);
    const i0 = performance.now();
    await page.keyboard.press('Control+C');
    await page.keyboard.type('echo INTERRUPTED-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForText(page, 'desktop', /INTERRUPTED-42/, 60_000);
    const interruptMs = performance.now() - i0;

    const answered = percentiles(answers);
    return {
      echo: {
        maillab: percentiles(maillab),
        ...(wettySamples.length
          ? { wetty: percentiles(wettySamples) }
          : { wettyMissing: reason ?? 'not run' }),
        rounds: opts.rounds,
      },
      flood: {
        bytes,
        pageMs,
        dockerExecMs,
        pageAnswerMaxMs: answered.max,
        pageAnswerP50Ms: answered.p50,
        interruptMs,
      },
    };
  } finally {
    await browser?.close().catch(() => {});
    wetty?.kill();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }
}
