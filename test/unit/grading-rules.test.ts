// The rules every check follows (lessons/README.md, "Who may judge"), enforced by the lesson loader
// and the checker: only grader steps judge, and only what they declare; what a student host prints is
// a claim; steps run with a fixed environment; evidence is copied through the engine.
import { beforeEach, describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { judgeCase, type ProofCase, proofCases, runProofCase } from '../../server/checker/proof.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { Lesson } from '../../server/lessons/schema.ts';
import type { ExerciseResult } from '../../server/shared/check-result.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const PASS_BOTH = '::maillab::\tpass\tlistening\tok\t\n::maillab::\tpass\tdelivered\tok\t\n';

async function fixture(frontMatter = VALID_FRONT_MATTER): Promise<Lesson> {
  const root = await tempLessons();
  await writeLesson(root, '03-receiving', frontMatter);
  return (await loadLessons(root)).get('03');
}

describe('who may judge', () => {
  let runtime: FakeRuntime;
  let checker: Checker;
  let lesson: Lesson;
  beforeEach(async () => {
    runtime = new FakeRuntime();
    checker = new Checker(runtime, new GraderStore(runtime));
    lesson = await fixture();
    await runtime.createLab({
      labId: 'lab1',
      lesson: lesson.id,
      owner: 'o',
      token: 't',
      hosts: lesson.hosts,
      image: 'x',
    });
  });
  const exercise = () => lesson.exercises[0] as Lesson['exercises'][number];

  it('refuses verdicts printed on a student host, even for every criterion', async () => {
    runtime.reply = (host, argv) =>
      argv[5] === 'maillab:checks/act.sh' && host === 'server' ? { stdout: PASS_BOTH } : undefined;
    const result = await checker.checkExercise('lab1', lesson, exercise());
    expect(result.criteria.map((c) => c.pass)).toEqual([false, false]);
    expect(result.criteria[0]?.message).toContain('only the grader judges');
  });

  it('counts a grader verdict only for the criteria its step declares in judges', async () => {
    const onlyListening = VALID_FRONT_MATTER.replace(
      'judges: [listening, delivered]',
      'judges: [listening]',
    ).replace(
      '    solution:',
      '      - host: grader\n        script: checks/probe.sh\n        judges: [delivered]\n    solution:',
    );
    lesson = await fixture(onlyListening);
    let calls = 0;
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:checks/probe.sh'
        ? { stdout: calls++ === 0 ? PASS_BOTH : '::maillab::\tfail\tdelivered\tno nonce\tlook\n' }
        : undefined;
    const result = await checker.checkExercise('lab1', lesson, exercise());
    expect(result.criteria.map((c) => [c.id, c.pass])).toEqual([
      ['listening', true],
      ['delivered', false],
    ]);
    expect(result.criteria[1]?.message).toBe('no nonce');
  });

  it('runs student steps with a fixed PATH and hands their facts to the grader only as claims', async () => {
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:checks/act.sh' ? { stdout: '::maillab::\tfact\tpostfix\tactive\t\n' } : undefined;
    await checker.checkExercise('lab1', lesson, exercise());
    const act = runtime.execs.find((e) => e.argv[5] === 'maillab:checks/act.sh');
    const judge = runtime.execs.find((e) => e.argv[5] === 'maillab:checks/probe.sh');
    expect(act?.options.env?.PATH).toBe('/usr/sbin:/usr/bin:/sbin:/bin');
    expect(act?.options.stdin).toBeUndefined();
    expect(act?.options.env?.MAILLAB_IP_server).toBeUndefined();
    expect(judge?.options.env).toMatchObject({
      MAILLAB_CLAIM_postfix: 'active',
      MAILLAB_IP_server: '10.0.0.2',
      MAILLAB_EVIDENCE: '/var/lib/maillab/evidence',
    });
    expect(judge?.options.env?.MAILLAB_FACT_postfix).toBeUndefined();
  });

  it('copies evidence from the student host into the grader through the engine, fresh for every run', async () => {
    await checker.checkExercise('lab1', lesson, exercise());
    expect(runtime.copies).toEqual([
      {
        labId: 'lab1',
        from: 'server',
        to: 'grader',
        request: { paths: ['/etc/postfix'], into: '/var/lib/maillab/evidence/server' },
      },
    ]);
    const clear = runtime.execs.findIndex(
      (e) => e.host === 'grader' && e.argv.includes('/var/lib/maillab/evidence'),
    );
    const judge = runtime.execs.findIndex((e) => e.argv[5] === 'maillab:checks/probe.sh');
    expect(clear).toBeGreaterThanOrEqual(0);
    expect(clear).toBeLessThan(judge);
  });
});

describe('lesson validation of judges', () => {
  const rejects = async (frontMatter: string, message: RegExp) => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', frontMatter);
    await expect(loadLessons(root)).rejects.toThrow(message);
  };

  it('refuses judges on a student host, naming the field', () =>
    rejects(
      VALID_FRONT_MATTER.replace(
        '        script: checks/act.sh\n',
        '        script: checks/act.sh\n        judges: [listening]\n',
      ),
      /field "exercises\.listen\.check\.0\.judges": only a step on the grader may judge/,
    ));

  it('refuses a criterion that no grader step judges', () =>
    rejects(
      VALID_FRONT_MATTER.replace('judges: [listening, delivered]', 'judges: [listening]'),
      /field "exercises\.listen\.criteria\.delivered": no grader step judges this criterion/,
    ));

  it('refuses a cheat aimed at a criterion the exercise lacks', () =>
    rejects(
      VALID_FRONT_MATTER.replace('fails: [listening, delivered]', 'fails: [listenning]'),
      /cheats\.pass-printer\.fails": no criterion "listenning"/,
    ));

  it('refuses evidence collected from the grader', () =>
    rejects(
      VALID_FRONT_MATTER.replace(
        '      - host: server\n        collect:',
        '      - host: grader\n        collect:',
      ),
      /check\.1\.host": evidence is collected from a student host/,
    ));

  it('requires a cheat and a variant for every checked exercise', async () => {
    await rejects(
      VALID_FRONT_MATTER.replace(/ {4}variants:\n {6}- id: by-hand\n {8}title: .*\n {8}steps: .*\n/, ''),
      /at least one correct variant/,
    );
  });
});

describe('proof of a lesson', () => {
  const criteria = (pass: Record<string, boolean>): ExerciseResult => ({
    id: 'listen',
    title: 't',
    score: 0,
    criteria: Object.entries(pass).map(([id, p]) => ({
      id,
      title: id,
      weight: 1,
      pass: p,
      message: 'm',
      ...(p ? {} : { hint: id === 'listening' ? 'restart postfix' : 'check spelling' }),
    })),
  });
  let cases: ProofCase[];
  beforeEach(async () => {
    cases = proofCases(await fixture());
  });
  const find = (kind: string, id: string) => cases.find((c) => c.kind === kind && c.id === id) as ProofCase;

  it('lists fresh-and-solution, every mistake, cheat and variant of each exercise', () => {
    expect(
      cases.map((c) => `${c.exercise.id}/${c.kind}/${c.id}${c.runsSetup ? ' (runs setup)' : ''}`),
    ).toEqual([
      'listen/fresh-and-solution/listen',
      'listen/fresh-and-solution/listen (runs setup)',
      'listen/mistake/reload',
      'listen/mistake/typo',
      'listen/cheat/pass-printer',
      'listen/variant/by-hand',
      'roles/fresh-and-solution/roles',
      'roles/mistake/mutt',
      'roles/mistake/blank',
    ]);
  });

  it('holds a mistake to exactly its criteria: one more failing is a problem', () => {
    const reload = find('mistake', 'reload');
    expect(judgeCase(reload, [criteria({ listening: false, delivered: true })])).toEqual([]);
    expect(judgeCase(reload, [criteria({ listening: false, delivered: false })])).toEqual([
      'the mistake reload: delivered failed but must pass',
    ]);
  });

  it('fails a case whose mistake fails with the wrong hint', () => {
    expect(judgeCase(find('mistake', 'typo'), [criteria({ listening: true, delivered: false })])).toEqual([]);
    const wrongHint = criteria({ listening: true, delivered: false });
    (wrongHint.criteria[1] as { hint: string }).hint = 'start postfix';
    expect(judgeCase(find('mistake', 'typo'), [wrongHint])[0]).toMatch(/hint lacks "spelling"/);
  });

  it('catches a cheat that fools a criterion and a variant graded wrong', () => {
    expect(
      judgeCase(find('cheat', 'pass-printer'), [criteria({ listening: true, delivered: false })]),
    ).toEqual(['the cheat pass-printer passed listening']);
    expect(judgeCase(find('variant', 'by-hand'), [criteria({ listening: true, delivered: false })])).toEqual([
      'the variant by-hand: delivered failed but must pass',
    ]);
  });

  it('needs a fresh lab to fail everything and the solution to pass twice alike', () => {
    const fresh = find('fresh-and-solution', 'listen');
    const all = criteria({ listening: true, delivered: true });
    const none = criteria({ listening: false, delivered: false });
    expect(judgeCase(fresh, [none, all, all])).toEqual([]);
    expect(judgeCase(fresh, [criteria({ listening: false, delivered: true }), all, all])).toEqual([
      'a fresh lab: delivered passed but must fail',
    ]);
    expect(judgeCase(fresh, [none, all, criteria({ listening: true, delivered: false })])).toEqual([
      'a second check disagrees:  then delivered',
    ]);
  });

  it('holds an unanswered quiz question to giving no hint, where a check must give one', () => {
    const fresh = find('fresh-and-solution', 'roles');
    const unanswered = (hint?: string): ExerciseResult => ({
      id: 'roles',
      title: 't',
      score: 0,
      criteria: [
        {
          id: 'mta',
          title: 'q',
          weight: 1,
          pass: false,
          message: 'Not answered yet.',
          ...(hint ? { hint } : {}),
        },
      ],
    });
    const answered: ExerciseResult = {
      ...unanswered(),
      score: 100,
      criteria: [{ id: 'mta', title: 'q', weight: 1, pass: true, message: 'You answered "postfix".' }],
    };
    expect(judgeCase(fresh, [unanswered(), answered, answered])).toEqual([]);
    expect(judgeCase(fresh, [unanswered('It is postfix.'), answered, answered])).toEqual([
      'a fresh lab: the unanswered question mta gave a hint: It is postfix.',
    ]);
  });

  it('says where a case spent its time: lab ready, its setup, applying, the checks, clean-up', async () => {
    const fresh = find('fresh-and-solution', 'listen');
    const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const verdicts = [
      criteria({ listening: false, delivered: false }),
      criteria({ listening: true, delivered: true }),
      criteria({ listening: true, delivered: true }),
    ];
    const checker = {
      checkExercise: async () => {
        await wait(30);
        return verdicts.shift() as ExerciseResult;
      },
      solve: () => wait(60),
    } as unknown as Checker;
    const labs = {
      fresh: async () => {
        await wait(100);
        return { labId: 'lab1', setupMs: 70, finish: () => wait(20) };
      },
    };
    const { problems, phases } = await runProofCase(checker, labs, fresh);
    expect(problems).toEqual([]);
    // Timers run late, never early: each phase is at least its sleeps, three checks of 30 ms.
    expect(phases.setup).toBe(70);
    expect(phases.ready).toBeGreaterThanOrEqual(25);
    expect(phases.apply).toBeGreaterThanOrEqual(55);
    expect(phases.check).toBeGreaterThanOrEqual(85);
    expect(phases.cleanup).toBeGreaterThanOrEqual(15);
  });
});

describe('lessons that build on earlier ones', () => {
  const builds = (on: string) =>
    VALID_FRONT_MATTER.replace('hosts: [server, desktop]', `hosts: [server, desktop]\nbuildsOn: [${on}]`);

  it('start from the earlier lesson’s setup and reference solution, then their own setup', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    await writeLesson(root, '04-aliases', builds('"03"'));
    const catalog = await loadLessons(root);
    const lesson = catalog.get('04');
    expect(lesson.prerequisites.map((l) => l.id)).toEqual(['03-receiving']);
    const runtime = new FakeRuntime();
    await runtime.createLab({
      labId: 'lab1',
      lesson: lesson.id,
      owner: 'o',
      token: 't',
      hosts: lesson.hosts,
      image: 'x',
    });
    const said: string[] = [];
    await new Checker(runtime, new GraderStore(runtime)).setup('lab1', lesson, (m) => said.push(m));
    const ran = runtime.execs
      .filter((e) => e.argv[5]?.startsWith('maillab:'))
      .map((e) => e.options.env?.MAILLAB_LAB && e.argv[5]);
    expect(ran).toEqual(['maillab:setup/server.sh', 'maillab:solution/listen.sh', 'maillab:setup/server.sh']);
    expect(said[0]).toMatch(/lesson 03's work first/);
  });

  const rejects = async (on: string, message: RegExp) => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    await writeLesson(root, '04-aliases', builds(on));
    await expect(loadLessons(root)).rejects.toThrow(message);
  };
  it('refuse a lesson that does not exist', () =>
    rejects('"02"', /04-aliases\/lesson\.md: field "buildsOn": no lesson "02"/));
  it('refuse a later lesson, so there are no cycles', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', builds('"04"'));
    await writeLesson(root, '04-aliases', VALID_FRONT_MATTER);
    await expect(loadLessons(root)).rejects.toThrow(/"04" must be an earlier lesson than 03/);
  });
});
