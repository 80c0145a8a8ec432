// An exam in a real browser on real containers: the limit shown before the lab starts, a countdown
// while it runs, Check showing only pass or fail, no worked solution, then Hand in: the shells close,
// the score out of 100 and the full report with hints appear.
import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { CHROMIUM, chromiumInstalled, launchBrowser } from '../support/browser.ts';
import { realEngine } from '../support/engine.ts';
import { writeTinyExam } from '../support/exam-fixture.ts';
import { terminalText } from '../support/page.ts';

const engine = await realEngine();
const OWNER = `e2e-exam-${process.pid}`;
const LESSON = '98-tiny-exam';

if (engine && !chromiumInstalled() && process.env.CI === 'true') {
  throw new Error(`CI=true but no browser at ${CHROMIUM}: apt-get install chromium`);
}

describe.runIf(Boolean(engine) && chromiumInstalled())('an exam in a real browser', () => {
  let lessons: string;
  let services: Services;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    lessons = await writeTinyExam();
    services = await compose(readConfig({ ...process.env, MAILLAB_LESSONS: lessons }));
    server = await serve(services, { host: '127.0.0.1', port: 0, log: () => {}, ownerOf: () => OWNER });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    const lab = await services?.labs.find(OWNER, LESSON).catch(() => undefined);
    if (lab) await services.labs.finish(lab.labId);
    await server?.close();
    await rm(lessons, { recursive: true, force: true });
  });

  it('shows the limit before the lab starts, then counts down', async () => {
    await page.goto(server.link(`/lessons/${LESSON}`));
    await expect
      .poll(() => page.getByTestId('exam-status').textContent(), { timeout: 15_000 })
      .toMatch(/an exam with a time limit of 30 minutes/);
    await page.getByTestId('start-lab').click();
    await expect
      .poll(() => page.getByTestId('lab-status').getAttribute('data-status'), { timeout: 90_000 })
      .toBe('ready');
    await expect
      .poll(() => page.getByTestId('exam-clock').textContent(), { timeout: 10_000 })
      .toMatch(/^(29|30):\d\d$/);
    const first = await page.getByTestId('exam-clock').textContent();
    await expect.poll(() => page.getByTestId('exam-clock').textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(await page.getByTestId('hand-in').isVisible()).toBe(true);
  });

  it('checks with pass or fail only, and offers no worked solution during the exam', async () => {
    const motd = 'echo hello > /etc/motd';
    await expect.poll(() => terminalText(page, 'server'), { timeout: 30_000 }).toMatch(/[#$] $/m);
    await page.getByTestId('terminal-server').click();
    await page.keyboard.type(motd);
    await page.keyboard.press('Enter');
    await page.getByTestId('check-motd').click();
    const result = page.getByTestId('result-motd');
    await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/Hidden until you hand in/);
    expect(await page.getByTestId('criterion-greeting').getAttribute('class')).toMatch(/pass/);
    expect(await page.getByTestId('criterion-farewell').getAttribute('class')).toMatch(/fail/);
    expect(await result.textContent()).not.toContain('write the word bye');
    expect(await page.getByTestId('reveal-motd').isVisible()).toBe(false);
  });

  it('hands in: the shells close, and the score and the full report with hints appear', async () => {
    await page.getByTestId('hand-in').click();
    await page.getByTestId('confirm-accept').click();
    await expect.poll(() => page.getByTestId('handed-in').count(), { timeout: 60_000 }).toBe(1);
    expect(await page.getByTestId('exam-clock').textContent()).toBe('75/100');
    expect(await page.getByTestId('exam-status').textContent()).toMatch(/Handed in at/);
    const result = page.getByTestId('result-motd');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain('write the word bye');
    expect(await page.getByTestId('terminal-server').count()).toBe(0);
    expect(await page.getByTestId('reveal-motd').isVisible()).toBe(true);
    // A reload finds it handed in, not a fresh exam.
    await page.reload();
    await expect.poll(() => page.getByTestId('handed-in').count(), { timeout: 15_000 }).toBe(1);
  });
});
