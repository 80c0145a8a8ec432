// With the container engine down, the page says so and what to start, and pressing Start ends in a
// readable error instead of a spinner that never stops. Needs a browser, not an engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { CHROMIUM, chromiumInstalled, launchBrowser } from '../support/browser.ts';

if (!chromiumInstalled() && process.env.CI === 'true') {
  throw new Error(`CI=true but no browser at ${CHROMIUM}: apt-get install chromium`);
}

describe.runIf(chromiumInstalled())('the page with the engine down', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    // A socket path where no engine listens: what a user sees before starting Docker.
    const config = readConfig({
      ...process.env,
      DOCKER_HOST: `unix:///tmp/maillab-no-engine-${process.pid}.sock`,
    });
    server = await serve(await compose(config), { host: '127.0.0.1', port: 0, log: () => {} });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows a banner naming what to start, and a failed Start as an error', async () => {
    const page = await browser.newPage();
    await page.goto(server.link('/lessons/06-null-client'));
    const banner = page.getByTestId('engine-banner');
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toMatch(/not answering\. Start it/);
    await page.getByTestId('start-lab').click();
    const error = page.getByTestId('error-banner');
    await expect.poll(() => error.first().textContent(), { timeout: 15_000 }).toMatch(/not answering/);
    expect(await page.getByTestId('lab-status').getAttribute('data-status')).not.toBe('starting');
    await page.close();
  });
});
