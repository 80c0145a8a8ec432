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
    await maillab('lab', 'finish', '01');
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

  it('shows a CLI student the choices and the answer command, and no hint before an answer', async () => {
    expect((await maillab('lab', 'start', '01')).code).toBe(0);
    const fresh = await maillab('lab', 'grade', '01', '--exercise', 'roles');
    expect(fresh.code).toBe(1);
    expect(fresh.stdout).toContain('choices: "MUA", "MTA", "MDA", "MRA"');
    expect(fresh.stdout).toContain('answer:  npx maillab lab answer 01 roles mua="<choice>"');
    expect(fresh.stdout).not.toContain('hint:');
    expect(fresh.stdout.trim().split('\n').at(-1)).toBe(
      'Only quiz questions are left: 6 not answered yet (lab answer, above).',
    );

    expect((await maillab('lab', 'answer', '01', 'roles', 'mua=MTA')).code).toBe(0);
    const wrong = await maillab('lab', 'grade', '01', '--exercise', 'roles');
    const mua = wrong.stdout.slice(wrong.stdout.indexOf('You answered "MTA"'));
    expect(mua).toMatch(/^You answered "MTA"\.\n\s+choices: .*\n\s+answer: .*\n\s+hint: Ask which program/);
    // A wrong answer is a real failure, not just an unanswered question.
    expect(wrong.stdout).not.toContain('Only quiz questions are left');

    // Without a terminal, a plain refusal instead of the engine's "the input device is not a TTY".
    const shell = await maillab('lab', 'shell', '01', 'server');
    expect(shell.code).not.toBe(0);
    expect(shell.stderr).toContain('lab shell needs a terminal');
    expect(shell.stderr).not.toContain('TTY');
  });
});
