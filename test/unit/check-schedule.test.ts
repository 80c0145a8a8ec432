// When the steps of a check run: the grader is cleared while the first step acts, copies from
// different hosts go side by side, and the result comes once every criterion has its verdict, with
// the clean-up steps after it finishing behind (the lab's next run waits for them).
import { beforeEach, describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { Lesson } from '../../server/lessons/schema.ts';
import type { ExecOptions, ExecResult } from '../../server/runtime/runtime.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const WITH_CLEANUP = VALID_FRONT_MATTER.replace(
  '      - host: server\n        collect: [/etc/postfix]\n',
  '      - host: server\n        collect: [/etc/postfix]\n      - host: desktop\n        collect: [/etc/postfix]\n',
).replace(
  '        judges: [listening, delivered]\n',
  '        judges: [listening, delivered]\n      - host: server\n        script: checks/cleanup.sh\n',
);
const PASS_BOTH = '::maillab::\tpass\tlistening\tok\t\n::maillab::\tpass\tdelivered\tok\t\n';

/** A promise with its resolve, to hold a step until the test lets it go. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const script = (argv: string[]) => argv[5]?.replace(/^maillab:/, '') ?? argv.join(' ');
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the steps of a check', () => {
  let runtime: FakeRuntime;
  let checker: Checker;
  let lesson: Lesson;
  let events: string[];
  let judgeSays: string;
  let held: Map<string, ReturnType<typeof gate>>;
  beforeEach(async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', WITH_CLEANUP, undefined, [
      'setup/server.sh',
      'checks/act.sh',
      'checks/probe.sh',
      'checks/cleanup.sh',
      'solution/listen.sh',
      'mistakes/reload.sh',
    ]);
    lesson = (await loadLessons(root)).get('03');
    runtime = new FakeRuntime();
    checker = new Checker(runtime, new GraderStore(runtime));
    await runtime.createLab({
      labId: 'lab1',
      lesson: lesson.id,
      owner: 'o',
      token: 't',
      hosts: lesson.hosts,
      image: 'x',
    });
    events = [];
    judgeSays = PASS_BOTH;
    held = new Map();
    const exec = runtime.exec.bind(runtime);
    runtime.exec = async (labId: string, host: string, argv: string[], options: ExecOptions = {}) => {
      const name = argv.includes('/var/lib/maillab/evidence') ? 'clear' : script(argv);
      events.push(`start ${name}`);
      await held.get(name)?.opened;
      const result: ExecResult =
        name === 'checks/probe.sh'
          ? { exitCode: 0, stdout: judgeSays, stderr: '', timedOut: false }
          : name === 'checks/cleanup.sh'
            ? { exitCode: 3, stdout: '', stderr: 'postsuper: boom', timedOut: false }
            : await exec(labId, host, argv, options);
      events.push(`end ${name}`);
      return result;
    };
    const copy = runtime.copyFiles.bind(runtime);
    runtime.copyFiles = async (labId, from, to, request) => {
      events.push(`start copy ${from}`);
      await held.get(`copy ${from}`)?.opened;
      await settle();
      events.push(`end copy ${from}`);
      return copy(labId, from, to, request);
    };
  });
  const exercise = () => lesson.exercises[0] as Lesson['exercises'][number];

  it('clears the grader while the first step acts, and copies nothing before the grader is clear', async () => {
    held.set('clear', gate());
    held.set('checks/act.sh', gate());
    const run = checker.checkExercise('lab1', lesson, exercise());
    await settle();
    expect(events).toEqual(['start clear', 'start checks/act.sh']);
    held.get('checks/act.sh')?.open();
    await settle();
    expect(events).not.toContain('start copy server');
    held.get('clear')?.open();
    await run;
    expect(events.indexOf('end clear')).toBeLessThan(events.indexOf('start copy server'));
  });

  it('copies from two hosts side by side, and judges only when both copies are in', async () => {
    await checker.checkExercise('lab1', lesson, exercise());
    const at = (e: string) => events.indexOf(e);
    expect(at('start copy desktop')).toBeLessThan(at('end copy server'));
    expect(at('end copy desktop')).toBeLessThan(at('start checks/probe.sh'));
    expect(at('end copy server')).toBeLessThan(at('start checks/probe.sh'));
  });

  it('answers once every criterion has its verdict, and the lab’s next run waits for the clean-up', async () => {
    held.set('checks/cleanup.sh', gate());
    const result = await checker.checkExercise('lab1', lesson, exercise());
    expect(result.criteria.map((c) => c.pass)).toEqual([true, true]);
    expect(events).toContain('start checks/cleanup.sh');
    expect(events).not.toContain('end checks/cleanup.sh');
    const again = checker.checkExercise('lab1', lesson, exercise());
    const solved = checker.solve('lab1', lesson, exercise());
    await settle();
    expect(events.filter((e) => e === 'start checks/act.sh')).toHaveLength(1);
    expect(events).not.toContain('start solution/listen.sh');
    held.get('checks/cleanup.sh')?.open();
    await Promise.all([again, solved]);
    const at = (e: string) => events.indexOf(e);
    expect(at('end checks/cleanup.sh')).toBeLessThan(events.lastIndexOf('start checks/act.sh'));
    expect(at('end checks/cleanup.sh')).toBeLessThan(at('start solution/listen.sh'));
  });

  it('runs the clean-up before answering when a criterion has no verdict, and names its trouble', async () => {
    judgeSays = '::maillab::\tpass\tlistening\tok\t\n';
    const result = await checker.checkExercise('lab1', lesson, exercise());
    expect(events.indexOf('end checks/cleanup.sh')).toBeGreaterThan(-1);
    expect(result.criteria[1]?.pass).toBe(false);
    expect(result.criteria[1]?.message).toContain('checks/cleanup.sh on server exited 3: postsuper: boom');
  });

  it('lets a command that exits after printing the result wait for every lab’s clean-up first', async () => {
    held.set('checks/cleanup.sh', gate());
    await checker.checkExercise('lab1', lesson, exercise());
    let idle = false;
    const waited = checker.whenAllIdle().then(() => {
      idle = true;
    });
    await settle();
    expect(idle).toBe(false);
    held.get('checks/cleanup.sh')?.open();
    await waited;
    expect(events).toContain('end checks/cleanup.sh');
  });
});
