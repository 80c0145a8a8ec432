// The machine's owner sees in the page header whether a lab host can fill the disk: on this machine's
// engine (overlay2 on ext4) it cannot be capped, and the header says so with how to cap it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { CHROMIUM, chromiumInstalled, launchBrowser } from '../support/browser.ts';
import { realEngine } from '../support/engine.ts';

if (!chromiumInstalled() && process.env.CI === 'true') {
  throw new Error(`CI=true but no browser at ${CHROMIUM}: apt-get install chromium`);
}

const engine = await realEngine();

describe.runIf(chromiumInstalled() && engine)("the owner's page header", () => {
  let services: Services;
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const stateDir = mkdtempSync(path.join(tmpdir(), 'maillab-disk-header-'));

  beforeAll(async () => {
    // Its own owner and state: this server adopts no other test's labs.
    services = await compose(
      readConfig({ ...process.env, MAILLAB_OWNER: 'test-disk-header', MAILLAB_STATE_DIR: stateDir }),
    );
    server = await serve(services, { host: '127.0.0.1', port: 0, log: () => {}, buildImage: false });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    services?.db.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('says whether the disk is capped, and the whole line on hover', async () => {
    const cap = await services.runtime.diskCap((await services.images.find())?.image);
    const page = await browser.newPage();
    await page.goto(server.link('/'));
    const disk = page.getByTestId('disk-state');
    await expect
      .poll(() => disk.textContent(), { timeout: 15_000 })
      .toBe(cap.capped ? 'Disk capped' : 'Disk not capped');
    const title = await disk.getAttribute('title');
    expect(title).toMatch(cap.capped ? /^disk: capped at \d+ MB per host/ : /^disk: NOT capped .*see README/);
    await page.close();
  });
});
