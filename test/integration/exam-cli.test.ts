// An exam from the command line on the real engine: `lab start` says the limit and leaves a watch that
// hands in at it; `lab grade` shows the time left and only pass or fail; at the limit the watch hands in
// what stood then; afterwards grade prints the full report with hints and the hosts' shells are closed.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { runMaillab } from '../support/cli.ts';
import { realEngine } from '../support/engine.ts';
import { writeTinyExam } from '../support/exam-fixture.ts';

const run = promisify(execFile);
const services = await realEngine();
const OWNER = `exam-cli-${process.pid}`;

describe.runIf(services)('an exam from the CLI', () => {
  const s = services as Services;
  let lessons: string;
  const env = () => ({ MAILLAB_LESSONS: lessons, MAILLAB_OWNER: OWNER });

  const maillab = (...args: string[]) => runMaillab(args, env());

  const labIdOf = async () => {
    const labs = await s.runtime.listLabs();
    const lab = labs.find((l) => l.owner === OWNER);
    if (!lab) throw new Error('the exam lab is not running');
    return lab.labId;
  };

  const watchers = async (labId: string) => {
    const { stdout } = await run('ps', ['-eo', 'pid,args']).catch(() => ({ stdout: '' }));
    return stdout
      .split('\n')
      .filter((line) => line.includes(`exam-watch ${labId}`))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  };

  beforeAll(async () => {
    lessons = await writeTinyExam();
  });

  afterAll(async () => {
    const labId = await labIdOf().catch(() => undefined);
    if (labId) for (const pid of await watchers(labId)) process.kill(pid);
    await maillab('lab', 'finish', '98');
    await rm(lessons, { recursive: true, force: true });
  });

  it('says the limit at start and leaves a watch that will hand in at it', async () => {
    const started = await maillab('lab', 'start', '98');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/This lesson is an exam: 30 minutes from now, until \d\d:\d\d UTC\./);
    expect(started.stdout).toContain('npx maillab lab handin 98');
    const labId = await labIdOf();
    await expect.poll(async () => (await watchers(labId)).length, { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('grades with the time left and only pass or fail while the exam runs', async () => {
    const graded = await maillab('lab', 'grade', '98');
    expect(graded.code).toBe(1);
    expect(graded.stdout).toMatch(/Time left: (29|30) min \d\d s/);
    expect(graded.stdout).toMatch(/FAIL\s+\/etc\/motd on server says hello/);
    expect(graded.stdout).not.toContain('write the word hello');
    expect(graded.stdout).toContain('Score: 0/100');
  });

  it('hands in at the limit what stood then; grade then shows the full report and the shells are closed', async () => {
    const labId = await labIdOf();
    // Half the work done, then the limit comes: the watch (run here in the foreground) hands in.
    await s.runtime.exec(labId, 'server', ['/bin/bash', '-c', 'echo hello > /etc/motd']);
    const past = new Date(Date.now() - 2000).toISOString();
    await s.runtime.exec(labId, 'grader', ['/bin/bash', '-c', 'cat > /var/lib/maillab/state/exam.json'], {
      stdin: JSON.stringify({ startedAt: new Date(Date.now() - 1_800_000).toISOString(), deadline: past }),
    });
    const watch = await maillab('exam-watch', labId);
    expect(watch.code, watch.stderr).toBe(0);
    // Work after the limit does not count.
    await s.runtime.exec(labId, 'server', ['/bin/bash', '-c', 'echo bye > /etc/issue']);
    const graded = await maillab('lab', 'grade', '98');
    expect(graded.stdout).toContain('The time limit ended the exam');
    expect(graded.stdout).toMatch(/PASS\s+\/etc\/motd on server says hello/);
    expect(graded.stdout).toMatch(/FAIL\s+\/etc\/issue on server says bye/);
    expect(graded.stdout).toContain('hint: write the word bye into /etc/issue');
    expect(graded.stdout).toContain('Score: 75/100');
    const shell = await maillab('lab', 'shell', '98', 'server');
    expect(shell.code).toBe(1);
    expect(shell.stderr).toContain('The exam of lesson 98 is over: its hosts are closed');
    // Handing in again hands in nothing: it says when and how the exam ended, and shows that report.
    const again = await maillab('lab', 'handin', '98');
    expect(again.stdout).not.toContain('Handing in');
    expect(again.stdout.split('\n')[0]).toMatch(
      /^Already handed in: The time limit ended the exam at \d\d:\d\d UTC/,
    );
    expect(again.stdout).toContain('Score: 75/100');
  });
});
