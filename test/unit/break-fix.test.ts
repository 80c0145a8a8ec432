// Break-fix lessons (lesson 09): setup breaks the lab in one of several declared ways, chosen per lab
// so two students side by side get different faults; the fault reaches setup on every host, a check
// only on the hidden grader, and the proof covers every fault.
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { proofCases } from '../../server/checker/proof.ts';
import { chooseFault, LabService } from '../../server/labs/lab-service.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const FAULTS = `faults:
  - { id: typo, title: a misspelt parameter in main.cf }
  - { id: loopback, title: inet_interfaces back at loopback-only }
  - { id: no-domain, title: example.com missing from mydestination }
`;
const BREAK_FIX = VALID_FRONT_MATTER.replace('exercises:', `${FAULTS}exercises:`).replace(
  '        expect: [{ criterion: delivered, hint: spelling }]',
  '        fault: loopback\n        expect: [{ criterion: delivered, hint: spelling }]',
);

async function catalog(frontMatter = BREAK_FIX) {
  const root = await tempLessons();
  await writeLesson(root, '09-troubleshooting', frontMatter);
  return loadLessons(root);
}

function service(runtime: FakeRuntime, lessons: Awaited<ReturnType<typeof catalog>>) {
  const store = new GraderStore(runtime);
  return new LabService({
    runtime,
    store,
    lessons,
    checker: new Checker(runtime, store),
    image: async () => 'x',
  });
}

const ran = (runtime: FakeRuntime, script: string) =>
  runtime.execs.filter((e) => e.argv[5] === `maillab:${script}`);

describe('choosing a fault per lab', () => {
  it('gives the fault fewest running labs have, so two students get different ones', () => {
    expect(chooseFault(['a', 'b', 'c'], ['a', 'b'])).toBe('c');
    expect(chooseFault(['a', 'b'], ['a', 'a', 'b'])).toBe('b');
    const second = chooseFault(['a', 'b'], [chooseFault(['a', 'b'], [])]);
    const first = second === 'a' ? 'b' : 'a';
    expect(chooseFault(['a', 'b'], [first])).toBe(second);
  });

  it('breaks ties at random among the least used', () => {
    expect(chooseFault(['a', 'b', 'c'], ['a'], () => 0)).toBe('b');
    expect(chooseFault(['a', 'b', 'c'], ['a'], () => 0.99)).toBe('c');
  });
});

describe('break-fix labs', () => {
  it('give two students starting the same lesson different faults, recorded on each grader', async () => {
    const runtime = new FakeRuntime();
    const labs = service(runtime, await catalog());
    const a = await labs.start('ann', '09');
    await a.ready;
    const b = await labs.start('bob', '09');
    await b.ready;
    expect(a.fault).toBeDefined();
    expect(b.fault).toBeDefined();
    expect(a.fault).not.toBe(b.fault);
    expect(await new GraderStore(runtime).fault(a.labId)).toBe(a.fault);
    expect(await new GraderStore(runtime).fault(b.labId)).toBe(b.fault);
  });

  it('count labs another process started when choosing', async () => {
    const runtime = new FakeRuntime();
    const lessons = await catalog();
    const first = await service(runtime, lessons).start('ann', '09', { fault: 'typo' });
    await first.ready;
    const seen = new Set<string>();
    // A second process (the CLI, another server) does not know the first lab but must avoid its fault.
    for (let i = 0; i < 5; i++) {
      const other = service(runtime, lessons);
      const lab = await other.start(`bob${i}`, '09');
      await lab.ready;
      seen.add(lab.fault as string);
      await other.finish(lab.labId);
    }
    expect(seen.has('typo')).toBe(false);
  });

  it('run setup with the fault on the student host, and a check with it on the grader only', async () => {
    const runtime = new FakeRuntime();
    const lessons = await catalog();
    const labs = service(runtime, lessons);
    const lab = await labs.start('ann', '09', { fault: 'no-domain' });
    await lab.ready;
    expect(ran(runtime, 'setup/server.sh').map((e) => e.options.env?.MAILLAB_FAULT)).toEqual(['no-domain']);
    await labs.check(lab.labId, 'listen');
    const act = ran(runtime, 'checks/act.sh');
    const judge = ran(runtime, 'checks/probe.sh');
    expect(act.length).toBe(1);
    expect(act[0]?.options.env?.MAILLAB_FAULT).toBeUndefined();
    expect(judge[0]?.options.env?.MAILLAB_FAULT).toBe('no-domain');
  });

  it('keep the same fault when the lab is reset', async () => {
    const runtime = new FakeRuntime();
    const labs = service(runtime, await catalog());
    const lab = await labs.start('ann', '09', { fault: 'loopback' });
    await lab.ready;
    const again = await labs.reset(lab.labId);
    await again.ready;
    expect(again.fault).toBe('loopback');
    expect(await new GraderStore(runtime).fault(lab.labId)).toBe('loopback');
  });

  it('refuse a fault the lesson does not have, naming the ones it has', async () => {
    const labs = service(new FakeRuntime(), await catalog());
    await expect(labs.start('ann', '09', { fault: 'nope' })).rejects.toThrow(
      /no fault "nope"; its faults are typo, loopback, no-domain/,
    );
  });
});

describe('break-fix lessons in the loader and the proof', () => {
  it('refuse a single fault: there is nothing to choose from', async () => {
    const one = VALID_FRONT_MATTER.replace('exercises:', 'faults:\n  - { id: typo, title: t }\nexercises:');
    await expect(catalog(one)).rejects.toThrow(
      /field "faults": a break-fix lesson needs at least two faults/,
    );
  });

  it('refuse a case naming a fault the lesson lacks, naming the field', async () => {
    await expect(catalog(BREAK_FIX.replace('fault: loopback', 'fault: lopback'))).rejects.toThrow(
      /field "exercises\.listen\.mistakes\.typo\.fault": no fault "lopback"/,
    );
  });

  it('prove a fresh lab and the solution once per fault, and each case on its fault or the first', async () => {
    const lesson = (await catalog()).get('09');
    const cases = proofCases(lesson).filter((c) => c.exercise.id === 'listen');
    const fresh = cases.filter((c) => c.kind === 'fresh-and-solution');
    // The first once more on a lab that runs its setup (as every break-fix lab does; see proofCases).
    expect(fresh.map((c) => `${c.fault}${c.runsSetup ? ' (runs setup)' : ''}`)).toEqual([
      'typo',
      'typo (runs setup)',
      'loopback',
      'no-domain',
    ]);
    expect(cases.find((c) => c.id === 'typo')?.fault).toBe('loopback');
    expect(cases.find((c) => c.id === 'reload')?.fault).toBe('typo');
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('prove a quiz once, whatever the fault: it is marked in the maillab process', async () => {
    const lesson = (await catalog()).get('09');
    const quiz = proofCases(lesson).filter(
      (c) => c.exercise.id === 'roles' && c.kind === 'fresh-and-solution',
    );
    expect(quiz.map((c) => c.fault)).toEqual(['typo']);
  });
});
