// The CLI a user without a browser runs, end to end on the real engine: start, grade (text and JSON),
// solve, grade again, finish, with the exit codes scripts rely on.
import Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import { runMaillab } from '../support/cli.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const OWNER = `cli-test-${process.pid}`;

const maillab = (...args: string[]) => runMaillab(args, { MAILLAB_OWNER: OWNER });

describe.runIf(services)('maillab CLI', () => {
  afterAll(async () => {
    await maillab('lab', 'finish', '06');
  });

  it('says how to start a lab when grading one that does not exist', async () => {
    const result = await maillab('lab', 'grade', '06');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No lab is running for lesson 06. Start it: npx maillab lab start 06');
  });

  it('starts, grades, solves and finishes lesson 06', async () => {
    const started = await maillab('lab', 'start', '06');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/server\s+server\.example\.com \(mail\.example\.com\)/);
    expect(started.stdout).toMatch(/desktop\s+desktop\.example\.com/);
    // The hidden grader is not offered as a host to work on.
    expect(started.stdout.split('Hosts:')[1]).not.toMatch(/grader/);

    const fresh = await maillab('lab', 'grade', '06', '--json');
    expect(fresh.code).toBe(1);
    const report = JSON.parse(fresh.stdout);
    expect(report).toMatchObject({ lesson: '06-null-client', score: expect.any(Number) });
    expect(report.score).toBeLessThan(100);
    for (const c of report.exercises[0].criteria) {
      expect(Object.keys(c)).toEqual(expect.arrayContaining(['id', 'pass', 'weight', 'message']));
    }

    expect((await maillab('lab', 'solve', '06')).code).toBe(0);
    const solved = await maillab('lab', 'grade', '06');
    expect(solved.code, solved.stdout).toBe(0);
    expect(solved.stdout).toContain('PASS');
    expect(solved.stdout).not.toContain('FAIL');
    expect(solved.stdout).toContain('Score: 100%');

    const finished = await maillab('lab', 'finish', '06');
    expect(finished.stdout).toMatch(/finished: containers and network removed/);
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const left = await docker.listContainers({
      all: true,
      filters: { label: ['maillab.owner', `maillab.owner=${OWNER}`] },
    });
    expect(left).toEqual([]);
  });
});
