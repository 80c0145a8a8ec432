// The instructor's dashboard in a real browser, beside a student's lesson page, on real containers:
// the student joins with the class code and starts lesson 06; the instructor watches the student's
// terminal read-only (sees what they type, cannot type into it) and sees their pass appear live.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { type RunningServer, serve } from '../../server/http/serve.ts';
import { SessionGate } from '../../server/http/session.ts';
import type { ClassRecord } from '../../server/store/class-store.ts';
import { CHROMIUM, chromiumInstalled, launchBrowser } from '../support/browser.ts';
import { realEngine } from '../support/engine.ts';
import { typeInto, waitForLabReady, waitForTerminal } from '../support/page.ts';

const services = await realEngine();
const LESSON = '06-null-client';

if (services && !chromiumInstalled() && process.env.CI === 'true') {
  throw new Error(`CI=true but no browser at ${CHROMIUM}: apt-get install chromium`);
}
const canRun = Boolean(services) && chromiumInstalled();

describe.runIf(canRun)('the instructor dashboard in a real browser', () => {
  const s = services as Services;
  const gate = SessionGate.ephemeral();
  let server: RunningServer;
  let browser: Browser;
  let studentContext: BrowserContext;
  let instructorContext: BrowserContext;
  let student: Page;
  let instructor: Page;
  let klass: ClassRecord;
  let studentId: string;

  /** Every Content-Security-Policy violation any page reports: the policy must not break the client. */
  const violations: string[] = [];
  const watchPolicy = (page: Page) =>
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
    });
  /** Another site of the same host (another port), as the issue's probes used. */
  let attacker: Server | undefined;
  let attackerPage = '';
  const attackerUrl = () => `http://127.0.0.1:${((attacker as Server).address() as AddressInfo).port}/`;

  beforeAll(async () => {
    klass = s.classroom.create(`e2e class ${process.pid}`, ['06']);
    server = await serve(s, { host: '127.0.0.1', port: 0, log: () => {}, session: gate, classroom: true });
    browser = await launchBrowser();
    studentContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    instructorContext = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    student = await studentContext.newPage();
    instructor = await instructorContext.newPage();
    watchPolicy(student);
    watchPolicy(instructor);
    attacker = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(attackerPage),
    );
    await new Promise<void>((resolve) => attacker?.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    attacker?.close();
    await browser?.close();
    if (studentId) for (const lab of s.labs.list(studentId)) await s.labs.finish(lab.labId);
    await server?.close();
  });

  it('lets a student join with the code and start lesson 06 as themselves', async () => {
    await student.goto(`${server.url}/join/${klass.joinCode}`);
    await student.getByTestId('join-name').fill('Ann Example');
    await student.getByTestId('join-submit').click();
    await expect.poll(() => student.getByTestId('session-link').textContent()).toMatch(/\?key=s\./);
    studentId = s.classes.students(klass.id)[0]?.id ?? '';
    expect(studentId).toBeTruthy();
    await student.goto(`${server.url}/lessons/${LESSON}`);
    await student.getByTestId('start-lab').click();
    await waitForLabReady(student);
    expect(s.labs.list(studentId).map((l) => l.lesson)).toEqual([LESSON]);
    await typeInto(student, 'desktop', 'echo STUDENT-TYPED-$((6*7))');
    await waitForTerminal(student, 'desktop', /STUDENT-TYPED-42/);
  });

  it('shows the student’s terminal read-only: what they type appears, what the instructor types does not reach it', async () => {
    await instructor.goto(`${server.url}/?key=${gate.keyFor('instructor', klass.id)}`);
    await expect.poll(() => instructor.getByTestId('live-state').getAttribute('data-state')).toBe('open');
    await instructor.getByTestId(`watch-${studentId}`).click();
    await waitForTerminal(instructor, 'desktop', /STUDENT-TYPED-42/);

    await instructor.getByTestId('watch-terminal-desktop').click();
    await instructor.keyboard.type('echo WATCHER-$((1+1))');
    await instructor.keyboard.press('Enter');
    await typeInto(student, 'desktop', 'echo LIVE-$((2+2))');
    await waitForTerminal(instructor, 'desktop', /LIVE-4/);
    const seenByStudent = await waitForTerminal(student, 'desktop', /LIVE-4/);
    expect(seenByStudent).not.toMatch(/WATCHER/);
  });

  it('shows the student’s pass on the grid as it happens, without a reload, and opens its criteria', async () => {
    const cell = instructor.getByTestId(`cell-${studentId}-${LESSON}-null-client`);
    await expect.poll(() => cell.getAttribute('data-status')).toBe('not tried');
    await instructor.evaluate(() => {
      (globalThis as unknown as { stillHere: boolean }).stillHere = true;
    });

    const lab = s.labs.list(studentId)[0];
    const lesson = s.lessons.get(LESSON);
    for (const exercise of lesson.exercises) await s.checker.solve(lab?.labId ?? '', lesson, exercise);
    await student.getByTestId('check-null-client').click();

    await expect.poll(() => cell.getAttribute('data-status'), { timeout: 120_000 }).toBe('passed');
    expect(
      await instructor.evaluate(() => (globalThis as unknown as { stillHere?: boolean }).stillHere),
    ).toBe(true);
    await cell.click();
    const criteria = instructor.getByTestId('attempt-criteria').locator('li');
    await expect.poll(() => criteria.count()).toBeGreaterThan(0);
    expect(
      await criteria.evaluateAll((els) => els.every((el) => el.getAttribute('data-pass') === 'true')),
    ).toBe(true);
    await instructor.screenshot({ path: 'docs/dashboard.png' });
  });

  it('tells the student who reset their lab: a banner, a true status, the stale result gone; watch waits without offering a shell', async () => {
    const result = student.getByTestId('result-null-client');
    await expect.poll(() => result.textContent()).not.toBe('');
    await instructor.getByTestId(`watch-${studentId}`).click();
    await waitForTerminal(instructor, 'desktop', /LIVE-4/);
    await instructor.getByTestId(`reset-${studentId}`).click();
    await instructor.getByTestId('confirm-accept').click();

    // The watch never offers to start a shell; it says why it waits, until the student's page opens
    // shells on the new lab (seconds later). The desktop pane's own message: the server pane waits too,
    // hidden behind its tab.
    const watch = instructor.getByTestId('watch-terminal-desktop');
    await expect.poll(() => watch.getByTestId('watch-waiting').isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await watch.textContent()).not.toContain('Start a new shell');

    const banner = student.getByTestId('reset-banner');
    await expect.poll(() => banner.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await banner.textContent()).toMatch(/Your instructor reset this lab\s*at \d\d:\d\d UTC/);
    expect(await banner.textContent()).toContain('your attempts so far are kept');
    // The old pass is not left on screen over a new lab, and the status follows the new lab.
    await expect.poll(() => result.textContent()).toBe('');
    await waitForLabReady(student);
    await student.screenshot({ path: 'docs/student-after-reset.png' });

    // When the student opens a shell again, the watch attaches by itself.
    await typeInto(student, 'desktop', 'echo AFTER-RESET-$((3*3))');
    await waitForTerminal(instructor, 'desktop', /AFTER-RESET-9/);
  });

  it('runs the pages and terminals under the Content Security Policy without a single violation', async () => {
    expect(violations).toEqual([]);
    // And a signed-in page offers a way out.
    expect(await student.getByTestId('logout').isVisible()).toBe(true);
  });

  it('refuses to be framed by another site, so nothing can be typed or pressed through a frame', async () => {
    attackerPage = `<!doctype html><iframe id="f" src="${server.url}/lessons/${LESSON}" width="800" height="600"></iframe>`;
    const page = await studentContext.newPage();
    const blocked: string[] = [];
    page.on('console', (m) => blocked.push(m.text()));
    await page.goto(attackerUrl());
    await expect
      .poll(() => blocked.join('\n'), { timeout: 10_000 })
      .toMatch(/frame-ancestors|X-Frame-Options|refused to connect|Refused to display/i);
    const framed = page.frames().find((f) => f !== page.mainFrame());
    const text = await framed
      ?.locator('body')
      .textContent({ timeout: 2_000 })
      .catch(() => '');
    expect(text ?? '').not.toMatch(/Start|Check|null client/i);
    await page.close();
  });

  it('keeps a signed-in student’s session when another site sends them to its own student key, and asks', async () => {
    const mallory = s.classroom.join(klass.joinCode, 'Mallory').student;
    attackerPage = `<!doctype html><script>location = ${JSON.stringify(`${server.url}/lessons/${LESSON}?key=${gate.keyFor('student', mallory.id)}`)};</script>`;
    const page = await studentContext.newPage();
    await page.goto(attackerUrl());
    await page.getByTestId('key-confirm').waitFor();
    expect(await page.getByRole('heading').textContent()).toContain('Mallory');
    await page.screenshot({ path: 'docs/key-confirm.png' });
    // Staying keeps Ann: her own lab is still the one the page shows.
    await page.getByTestId('key-confirm-keep').click();
    const me = (await page.evaluate(() => fetch('/api/me').then((r) => r.json()))) as {
      student: { id: string };
    };
    expect(me.student.id).toBe(studentId);
    await page.close();
  });

  it('shows the dashboard as not connected, not live, once the server stops', async () => {
    await expect.poll(() => instructor.getByTestId('live-state').getAttribute('data-state')).toBe('open');
    await server.close();
    await expect.poll(() => instructor.getByTestId('live-state').getAttribute('data-state')).toBe('closed');
    expect(await instructor.getByTestId('live-state').textContent()).toMatch(/not connected/);
  });
});
