// A student's path through lesson 06 in a real browser (Debian chromium via playwright-core), on
// real containers: start the lab, type in the desktop terminal, run the lesson's steps from the page,
// press Check and see every criterion pass, then reload and find the same shell.
import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { CHROMIUM, chromiumInstalled, launchBrowser } from '../support/browser.ts';
import { realEngine } from '../support/engine.ts';
import { typeInto, waitForLabReady, waitForTerminal } from '../support/page.ts';

const services = await realEngine();
const OWNER = `e2e-${process.pid}`;
const LESSON = '06-null-client';

if (services && !chromiumInstalled() && process.env.CI === 'true') {
  throw new Error(`CI=true but no browser at ${CHROMIUM}: apt-get install chromium`);
}
const canRun = Boolean(services) && chromiumInstalled();

describe.runIf(canRun)('lesson page in a real browser', () => {
  const s = services as Services;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const connections = new Set<Socket>();

  beforeAll(async () => {
    server = await serve(s, { host: '127.0.0.1', port: 0, log: () => {}, ownerOf: () => OWNER });
    server.server.on('connection', (socket) => connections.add(socket));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    const lab = await s.labs.find(OWNER, LESSON).catch(() => undefined);
    if (lab) await s.labs.finish(lab.labId);
    await server?.close();
  });

  it('tells a browser without the key to open the printed link, and shows no lesson or lab', async () => {
    const stranger = await browser.newPage();
    await stranger.goto(server.url);
    const banner = stranger.getByTestId('error-banner');
    await expect
      .poll(() => banner.textContent(), { timeout: 15_000 })
      .toMatch(/Open the link `npx maillab serve` printed/);
    expect(await stranger.getByTestId(`lesson-link-${LESSON}`).count()).toBe(0);
    await stranger.close();
  });

  it('starts lesson 06, runs its steps from the page and passes every check', async () => {
    await page.goto(server.loginUrl);
    await page.getByTestId(`lesson-link-${LESSON}`).click();
    await page.getByTestId('start-lab').click();
    await waitForLabReady(page);

    await typeInto(page, 'desktop', 'echo TYPED-$((6*7)) on $(hostname -f)');
    await waitForTerminal(page, 'desktop', /TYPED-42 on desktop\.example\.com/);

    const runButtons = page.locator('.code-block[data-host] [data-testid="run-button"]');
    const count = await runButtons.count();
    expect(count).toBeGreaterThan(3);
    for (let i = 0; i < count; i++) await runButtons.nth(i).click();
    await typeInto(page, 'desktop', 'echo STEPS-$((1+1))-DONE');
    await waitForTerminal(page, 'desktop', /STEPS-2-DONE/, 60_000);

    await page.getByTestId('check-null-client').click();
    const rows = page.getByTestId('result-null-client').locator('[data-testid^="criterion-"]');
    await expect.poll(() => rows.count(), { timeout: 90_000 }).toBeGreaterThan(0);
    const passes = await rows.evaluateAll((els) =>
      els.map((el) => `${el.getAttribute('data-testid')}=${el.getAttribute('data-pass')}`),
    );
    expect(
      passes.every((p) => p.endsWith('=true')),
      passes.join(', '),
    ).toBe(true);

    // The README's screenshot: the verdicts beside the terminal that earned them.
    await page.getByTestId('result-null-client').scrollIntoViewIfNeeded();
    await mkdir('docs', { recursive: true });
    await page.screenshot({ path: 'docs/screenshot.png' });

    // After a Check, the worked solution can be revealed; the reveal is kept with the lab's verdicts.
    await page.getByTestId('reveal-null-client').click();
    const walkthrough = page.getByTestId('walkthrough-null-client');
    await expect
      .poll(() => walkthrough.textContent(), { timeout: 15_000 })
      .toMatch(/Worked solution: desktop as a null client/);
    expect(await walkthrough.textContent()).toMatch(/The reveal is recorded with your results/);
    const lab = await s.labs.find(OWNER, LESSON);
    expect(lab?.revealed['null-client']).toBeTruthy();
  });

  it('finds the same shell with its recent output, and the last verdicts, after a reload', async () => {
    await typeInto(page, 'desktop', 'echo SHELL-PID=$$');
    const before = /SHELL-PID=(\d+)/.exec(await waitForTerminal(page, 'desktop', /SHELL-PID=\d+/))?.[1];
    await page.reload();
    const rows = page.getByTestId('result-null-client').locator('[data-testid^="criterion-"]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await rows.evaluateAll((els) => els.every((el) => el.getAttribute('data-pass') === 'true'))).toBe(
      true,
    );
    await page.getByTestId('terminal-tab-desktop').click();
    await waitForTerminal(page, 'desktop', new RegExp(`SHELL-PID=${before}`));
    await typeInto(page, 'desktop', 'echo AFTER-PID=$$');
    const after = /AFTER-PID=(\d+)/.exec(await waitForTerminal(page, 'desktop', /AFTER-PID=\d+/))?.[1];
    expect(after).toBe(before);
  });

  it('reattaches to the same shell after the connection drops for a while', async () => {
    await typeInto(page, 'desktop', 'echo BEFORE-DROP=$$');
    const before = /BEFORE-DROP=(\d+)/.exec(await waitForTerminal(page, 'desktop', /BEFORE-DROP=\d+/))?.[1];
    // Cut every TCP connection the browser has to the server, as a lost network does, then let the
    // page reconnect on its own.
    const open = [...connections].filter((c) => !c.destroyed);
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) c.destroy();
    await typeInto(page, 'desktop', 'echo AFTER-DROP=$$');
    const after = /AFTER-DROP=(\d+)/.exec(await waitForTerminal(page, 'desktop', /AFTER-DROP=\d+/))?.[1];
    expect(after).toBe(before);
  });

  it('resets the lab to a clean state with fresh shells', async () => {
    await typeInto(page, 'desktop', 'echo OLD-SHELL=$$ relay=[$(postconf -h relayhost)]');
    await waitForTerminal(page, 'desktop', /OLD-SHELL=\d+ relay=\[\[server\.example\.com\]\]/);
    await page.getByTestId('reset-lab').click();
    await page.getByTestId('confirm-accept').click();
    const status = () => page.getByTestId('lab-status').getAttribute('data-status');
    await expect.poll(status, { timeout: 30_000 }).toBe('starting');
    await waitForLabReady(page);
    // The verdicts were about the old hosts: a reset lab has none yet.
    expect(await page.getByTestId('result-null-client').locator('[data-testid^="criterion-"]').count()).toBe(
      0,
    );
    await page.getByTestId('terminal-tab-desktop').click();
    await typeInto(page, 'desktop', 'echo NEW-SHELL=$$ relay=[$(postconf -h relayhost)]');
    const text = await waitForTerminal(page, 'desktop', /NEW-SHELL=\d+ relay=\[/, 60_000);
    // A new shell on a new host: the old screen is gone (PIDs say nothing: a fresh host reuses them).
    expect(text).not.toContain('OLD-SHELL=');
    // The solution set a relayhost; a reset lab is back to the lesson's starting point.
    expect(text).toMatch(/NEW-SHELL=\d+ relay=\[\]/);
  });
});

describe.runIf(canRun)('lesson 01 in a real browser: a starting lab and its quiz', () => {
  const s = services as Services;
  const QUIZ_LESSON = '01-mail-roles';
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serve(s, { host: '127.0.0.1', port: 0, log: () => {}, ownerOf: () => `${OWNER}-quiz` });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    const lab = await s.labs.find(`${OWNER}-quiz`, QUIZ_LESSON).catch(() => undefined);
    if (lab) await s.labs.finish(lab.labId);
    await server?.close();
  });

  it('keeps following a starting lab while the server cannot be reached, and says so', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.link(`/lessons/${QUIZ_LESSON}`));
    // From the moment the lab is started, every look at it fails as if the network were gone.
    await page.route('**/api/labs/*', (route) => route.abort('connectionrefused'));
    await page.getByTestId('start-lab').click();
    const banner = page.getByTestId('error-banner');
    await expect
      .poll(() => banner.textContent(), { timeout: 15_000 })
      .toMatch(/Lost track of the lab, retrying/);
    expect(await page.getByTestId('lab-status').getAttribute('data-status')).toBe('starting');
    await page.unroute('**/api/labs/*');
    await waitForLabReady(page);
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
    await page.close();
  });

  it('marks chosen answers per question and keeps them on the lab, across a reload too', async () => {
    const lesson = s.lessons.get(QUIZ_LESSON);
    const quiz = lesson.exercises.find((e) => e.kind === 'quiz');
    if (quiz?.kind !== 'quiz') throw new Error('lesson 01 has no quiz');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.link(`/lessons/${QUIZ_LESSON}`));
    // The lab the test before left running, or a new one when this test runs alone.
    const status = () => page.getByTestId('lab-status').getAttribute('data-status');
    await expect.poll(status, { timeout: 15_000 }).toMatch(/^(none|starting|ready)$/);
    if ((await status()) === 'none') await page.getByTestId('start-lab').click();
    await waitForLabReady(page);

    // Every answer right but the first, which takes the first wrong choice.
    const [first, ...rest] = quiz.questions;
    if (!first) throw new Error('empty quiz');
    const wrong = first.choices.find((c) => c !== first.answer) ?? '';
    const pick = async (questionId: string, choice: string) =>
      page.getByTestId(`quiz-${quiz.id}-${questionId}`).getByLabel(choice, { exact: true }).check();
    await pick(first.id, wrong);
    for (const q of rest) await pick(q.id, q.answer);
    await page.getByTestId(`check-${quiz.id}`).click();
    const row = (id: string) => page.getByTestId(`result-${quiz.id}`).getByTestId(`criterion-${id}`);
    await expect.poll(() => row(first.id).getAttribute('data-pass'), { timeout: 30_000 }).toBe('false');
    await expect(row(first.id).textContent()).resolves.toContain(first.hint);
    for (const q of rest) expect(await row(q.id).getAttribute('data-pass')).toBe('true');

    // The answers live on the lab's grader host, so the CLI grades the same quiz.
    const lab = await s.labs.find(`${OWNER}-quiz`, QUIZ_LESSON);
    const report = await s.checker.checkExercise(lab?.labId ?? '', lesson, quiz);
    expect(report.criteria.map((c) => c.pass)).toEqual([false, ...rest.map(() => true)]);

    // A reload loses nothing: the verdicts come back, and so do the choices, also one changed
    // after the last Check (saved as it was chosen).
    const last = rest[rest.length - 1];
    const lastWrong = last?.choices.find((c) => c !== last.answer);
    if (!last || !lastWrong) throw new Error('lesson 01 quiz needs two questions with two choices');
    await pick(last.id, lastWrong);
    await expect
      .poll(() => s.checker.loadAnswers(lab?.labId ?? '', quiz.id).then((a) => a[last.id]), {
        timeout: 10_000,
      })
      .toBe(lastWrong);
    await page.reload();
    await waitForLabReady(page);
    await expect.poll(() => row(first.id).getAttribute('data-pass'), { timeout: 15_000 }).toBe('false');
    const choice = (questionId: string, text: string) =>
      page.getByTestId(`quiz-${quiz.id}-${questionId}`).getByLabel(text, { exact: true });
    await expect.poll(() => choice(last.id, lastWrong).isChecked(), { timeout: 15_000 }).toBe(true);
    expect(await choice(first.id, wrong).isChecked()).toBe(true);
    for (const q of rest.slice(0, -1)) expect(await choice(q.id, q.answer).isChecked()).toBe(true);
    await page.close();
  });
});
