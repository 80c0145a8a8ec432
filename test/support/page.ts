// What the browser tests do on a page: read and type into its terminals, wait for its lab.
import type { Page } from 'playwright-core';

export async function terminalText(page: Page, host: string): Promise<string> {
  return page.evaluate(
    (h) =>
      (globalThis as unknown as { __maillab: { readTerminal(h: string): string } }).__maillab.readTerminal(h),
    host,
  );
}

export async function waitForTerminal(
  page: Page,
  host: string,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page, host);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`terminal ${host} never showed ${pattern}; it shows:\n${text.slice(-2000)}`);
}

/**
 * Waits for the page to show the lab ready. A lab that fails, or never gets there, fails the test
 * with what the page showed (status, progress, banners), well inside the test's own timeout.
 */
export async function waitForLabReady(page: Page, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let status: string | null = null;
  while (Date.now() < deadline) {
    status = await page.getByTestId('lab-status').getAttribute('data-status');
    if (status === 'ready') return;
    if (status === 'failed') break;
    await page.waitForTimeout(250);
  }
  const shown = (
    await page.locator('[data-testid="lab-progress"], [role="alert"], .lab-card').allTextContents()
  )
    .map((text) => text.trim())
    .join(' | ');
  throw new Error(`the lab is "${status}" after ${timeoutMs} ms, not ready; the page shows: ${shown}`);
}

export async function typeInto(page: Page, host: string, line: string): Promise<void> {
  await page.getByTestId(`terminal-tab-${host}`).click();
  await page.getByTestId(`terminal-${host}`).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
