// Prepared lesson images: a lesson's setup done once, committed per host, and labs booted from it with
// no setup run; named by everything setup runs, refused when a lab from them would differ from setup's.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { MaillabError } from '../../server/errors.ts';
import { LabService, newLabId, newToken } from '../../server/labs/lab-service.ts';
import {
  notPreparable,
  PreparedImages,
  preparedKey,
  preparedReference,
  type RunSetup,
} from '../../server/labs/prepared-images.ts';
import { type LessonCatalog, loadLessons } from '../../server/lessons/catalog.ts';
import type { Logger } from '../../server/log.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const IMAGE = 'maillab/lab:test';
const BUILDS_ON = VALID_FRONT_MATTER.replace('exercises:', 'buildsOn: ["03"]\nexercises:');

async function catalog(): Promise<{ root: string; lessons: LessonCatalog }> {
  const root = await tempLessons();
  await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
  await writeLesson(root, '04-aliases', BUILDS_ON);
  await writeLesson(
    root,
    '09-troubleshooting',
    VALID_FRONT_MATTER.replace(
      'exercises:',
      'faults:\n  - { id: typo, title: a typo }\n  - { id: loopback, title: loopback-only }\nexercises:',
    ),
  );
  await writeLesson(
    root,
    '05-grader-setup',
    VALID_FRONT_MATTER.replace(
      '  - host: server\n    script: setup/server.sh',
      '  - host: grader\n    script: setup/server.sh',
    ),
  );
  return { root, lessons: await loadLessons(root) };
}

/** A runtime whose hosts print `print` for the fingerprint (then `later` for labs made after `after` prints). */
function fingerprinting(runtime: FakeRuntime, print: string, later = print, after = 2): void {
  let prints = 0;
  runtime.reply = (_host, argv) => {
    if (!argv[2]?.includes('list-units')) return undefined;
    prints++;
    return { stdout: prints > after ? later : print };
  };
}

/** Prepared images and a LabService on a fake runtime; `opts` changes what one test needs changed. */
function services(
  runtime: FakeRuntime,
  lessons: LessonCatalog,
  opts: {
    refusalsFile?: string;
    enabled?: boolean;
    setup?: RunSetup;
    builtImage?: () => string | undefined;
    log?: Logger;
  } = {},
) {
  const store = new GraderStore(runtime);
  const checker = new Checker(runtime, store);
  const prepared = new PreparedImages({
    runtime,
    setup: opts.setup ?? ((labId, lesson, say) => checker.setup(labId, lesson, say)),
    owner: 'prep-test',
    enabled: opts.enabled ?? true,
    newLabId,
    newToken,
    ...(opts.refusalsFile ? { refusalsFile: opts.refusalsFile } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const labs = new LabService({
    runtime,
    store,
    lessons,
    checker,
    prepared,
    image: async () => IMAGE,
    ...(opts.builtImage ? { builtImage: opts.builtImage } : {}),
  });
  return { prepared, labs };
}

/** What the server has: a lab service that prepares in the background, from a lab image already there. */
async function aServer() {
  const { lessons } = await catalog();
  const runtime = new FakeRuntime();
  fingerprinting(runtime, 'unit postfix.service\nqueue 0');
  const { prepared, labs } = services(runtime, lessons, { builtImage: () => IMAGE });
  labs.setPrepareInBackground(true);
  return { lessons, runtime, prepared, labs };
}

const setupRuns = (runtime: FakeRuntime, labId: string) =>
  runtime.execs.filter((e) => e.labId === labId && e.argv[5] === 'maillab:setup/server.sh').length;

describe('prepared lesson images', () => {
  it('are named by everything setup runs: the lab image, the lesson and the lessons it builds on', async () => {
    const { root, lessons } = await catalog();
    const aliases = lessons.get('04');
    const key = preparedKey(aliases, 'sha256:a');
    expect(preparedKey(aliases, 'sha256:a')).toBe(key);
    expect(preparedKey(aliases, 'sha256:b')).not.toBe(key);
    expect(preparedReference(aliases, 'server', key)).toMatch(/^maillab\/lesson:04-server-[0-9a-f]{16}$/);
    // The earlier lesson's solution is part of 04's setup: changing it names new images.
    await writeFile(path.join(root, '03-receiving', 'solution', 'listen.sh'), 'echo changed\n');
    expect(preparedKey((await loadLessons(root)).get('04'), 'sha256:a')).not.toBe(key);
  });

  it('are never made for a lesson that draws a fault per lab, has no setup, or prepares the grader', async () => {
    const { lessons } = await catalog();
    expect(notPreparable(lessons.get('03'))).toBeUndefined();
    expect(notPreparable(lessons.get('04'))).toBeUndefined();
    expect(notPreparable(lessons.get('09'))).toMatch(/fault/);
    expect(notPreparable(lessons.get('05'))).toMatch(/grader/);
    const bare = { ...lessons.get('03'), setup: [], prerequisites: [] };
    expect(notPreparable(bare)).toMatch(/no setup/);
  });

  it('boot the next lab of a lesson once a lab ran its setup, and that lab runs no setup', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'unit postfix.service\nqueue 0');
    const { prepared, labs } = services(runtime, lessons);
    labs.setPrepareInBackground(true);

    const first = await labs.start('ann', '03');
    await first.ready;
    expect(setupRuns(runtime, first.labId)).toBe(1);
    expect(runtime.specs.at(-1)?.hostImages).toBeUndefined();
    await prepared.settled();
    const references = await prepared.imagesFor(lessons.get('03'), IMAGE);
    expect(Object.keys(references ?? {})).toEqual(['server', 'desktop']);
    expect(runtime.commits.map((c) => c.host)).toEqual(['server', 'desktop']);
    // The labs the preparation ran on are gone.
    expect([...runtime.labs.values()].filter((l) => l.owner === 'prep-test')).toEqual([]);

    const second = await labs.start('bob', '03');
    await second.ready;
    expect(second.status).toBe('ready');
    expect(runtime.specs.at(-1)?.hostImages).toEqual(references);
    expect(setupRuns(runtime, second.labId)).toBe(0);
    expect(second.progress.join('\n')).toMatch(/setup was done ahead/);
  });

  it('that vanish between the look and the create leave the lab to run its setup instead of failing', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'unit postfix.service\nqueue 0');
    const { prepared, labs } = services(runtime, lessons);
    expect(await prepared.prepare(lessons.get('03'), IMAGE)).toMatchObject({ status: 'ready' });
    const create = runtime.createLab.bind(runtime);
    runtime.createLab = async (spec, say) => {
      if (spec.hostImages)
        throw new MaillabError('image_missing', `The image ${spec.hostImages.server} is not on the engine.`);
      return create(spec, say);
    };
    const lab = await labs.start('ann', '03');
    await lab.ready;
    expect(lab.status).toBe('ready');
    expect(lab.progress.join('\n')).toMatch(/went away meanwhile/);
    expect(setupRuns(runtime, lab.labId)).toBe(1);
  });

  it('are refused and removed when a lab booted from them differs from the one setup ran on', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'unit postfix.service\nqueue 0', 'queue 0');
    const refusals = path.join(await tempLessons(), 'refusals.json');
    const { prepared } = services(runtime, lessons, { refusalsFile: refusals });
    const outcome = await prepared.prepare(lessons.get('03'), IMAGE);
    expect(outcome).toMatchObject({ status: 'refused' });
    expect('why' in outcome && outcome.why).toMatch(/lacks "unit postfix.service"/);
    expect(await prepared.imagesFor(lessons.get('03'), IMAGE)).toBeUndefined();
    expect(await prepared.list()).toEqual([]);
    // Not tried again, by this process or another that keeps its refusals in the same place.
    const commits = runtime.commits.length;
    expect(await prepared.prepare(lessons.get('03'), IMAGE)).toMatchObject({ status: 'refused' });
    const another = services(runtime, lessons, { refusalsFile: refusals }).prepared;
    expect(await another.prepare(lessons.get('03'), IMAGE)).toMatchObject({ status: 'refused' });
    expect(runtime.commits.length).toBe(commits);
  });

  it("are refused when a lab booted from them keeps the preparation lab's address in its configuration", async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(
      runtime,
      'unit dovecot.service\ndoveconf login_trusted_networks = ADDR_desktop/32\nqueue 0',
      'unit dovecot.service\ndoveconf login_trusted_networks = 10.213.15.227/32\nqueue 0',
    );
    const { prepared } = services(runtime, lessons);
    const outcome = await prepared.prepare(lessons.get('03'), IMAGE);
    expect(outcome).toMatchObject({ status: 'refused' });
    expect('why' in outcome && outcome.why).toMatch(
      /lacks "doveconf login_trusted_networks = ADDR_desktop\/32"/,
    );
    expect(await prepared.list()).toEqual([]);
  });

  it('are refused when a lab booted from them has the private key or machine-id of the lab they were made on', async () => {
    const { lessons } = await catalog();
    const prints = (key: string, id: string) =>
      `unit postfix.service\nqueue 0\nunique machine-id ${id}\nunique key /etc/pki/tls/private/postfix.key ${key}`;
    const sharedKey = new FakeRuntime();
    fingerprinting(sharedKey, prints('aaaa', 'm1'), prints('aaaa', 'm2'));
    const refused = await services(sharedKey, lessons).prepared.prepare(lessons.get('03'), IMAGE);
    expect(refused).toMatchObject({ status: 'refused' });
    expect('why' in refused && refused.why).toMatch(
      /key \/etc\/pki\/tls\/private\/postfix.key is the one of the lab the images were made on/,
    );
    const sharedId = new FakeRuntime();
    fingerprinting(sharedId, prints('aaaa', 'm1'), prints('bbbb', 'm1'));
    const alsoRefused = await services(sharedId, lessons).prepared.prepare(lessons.get('03'), IMAGE);
    expect('why' in alsoRefused && alsoRefused.why).toMatch(/machine-id is the one of the lab/);
    const ownFacts = new FakeRuntime();
    fingerprinting(ownFacts, prints('aaaa', 'm1'), prints('bbbb', 'm2'));
    expect(await services(ownFacts, lessons).prepared.prepare(lessons.get('03'), IMAGE)).toMatchObject({
      status: 'ready',
    });
  });

  it('are refused for a lesson whose setup leaves mail in a queue', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'unit postfix.service\nqueue 2');
    const { prepared } = services(runtime, lessons);
    const outcome = await prepared.prepare(lessons.get('03'), IMAGE);
    expect(outcome).toMatchObject({ status: 'refused' });
    expect('why' in outcome && outcome.why).toMatch(/queue/);
    expect(runtime.commits).toEqual([]);
    expect([...runtime.labs.keys()]).toEqual([]);
  });

  it('leave no lab behind when setup fails while preparing', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    runtime.reply = (_host, argv) =>
      argv[5] === 'maillab:setup/server.sh' ? { exitCode: 1, stderr: 'postfix did not start' } : undefined;
    const { prepared } = services(runtime, lessons);
    await expect(prepared.prepare(lessons.get('03'), IMAGE)).rejects.toThrow(/postfix did not start/);
    expect([...runtime.labs.keys()]).toEqual([]);
    expect(runtime.commits).toEqual([]);
  });

  it('leave no lab behind when the server stops in the middle of a preparation', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'queue 0');
    let started = () => {};
    const setupStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    let release = () => {};
    const { prepared } = services(runtime, lessons, {
      setup: () => {
        started();
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const outcome = prepared.prepare(lessons.get('03'), IMAGE);
    await setupStarted;
    expect(runtime.labs.size).toBe(1);
    await prepared.stop();
    expect(runtime.labs.size).toBe(0);
    release();
    await expect(outcome).rejects.toThrow(/stopped/);
    expect(runtime.commits).toEqual([]);
    expect(runtime.labs.size).toBe(0);
  });

  it('are not used when turned off (MAILLAB_PREPARED_IMAGES=0), even when they exist', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'queue 0');
    const on = services(runtime, lessons).prepared;
    expect(await on.prepare(lessons.get('03'), IMAGE)).toMatchObject({ status: 'ready' });
    const off = services(runtime, lessons, { enabled: false }).prepared;
    expect(await off.imagesFor(lessons.get('03'), IMAGE)).toBeUndefined();
  });

  it('are made ahead for a lesson whose page is open, on labs that yield the CPU, so its first lab runs no setup', async () => {
    const { runtime, prepared, labs } = await aServer();

    labs.prepareAhead('03');
    await prepared.settled();
    // The preparation's two labs (setup, then the proof boot) are background work.
    expect(runtime.specs.map((s) => [s.lesson, s.background])).toEqual([
      ['prepare-03-receiving', true],
      ['prepare-03-receiving', true],
    ]);
    const first = await labs.start('ann', '03');
    await first.ready;
    expect(setupRuns(runtime, first.labId)).toBe(0);
    expect(runtime.specs.at(-1)?.background).toBeUndefined();
    expect(first.progress.join('\n')).toMatch(/setup was done ahead/);
  });

  it('are made ahead for the next lesson of the course once a lab is ready', async () => {
    const { lessons, prepared, labs } = await aServer();

    const lab = await labs.start('ann', '03');
    await lab.ready;
    await prepared.settled();
    // 03 because its lab ran its setup; 04 because it comes next.
    expect(await prepared.imagesFor(lessons.get('03'), IMAGE)).toBeDefined();
    expect(await prepared.imagesFor(lessons.get('04'), IMAGE)).toBeDefined();
    expect(await prepared.imagesFor(lessons.get('05'), IMAGE)).toBeUndefined();
  });

  it('in a classroom, are made only for lessons that a class has, not for the next lesson', async () => {
    const { lessons, prepared, labs } = await aServer();
    labs.setPrepareInBackground((id) => id === '03-receiving');

    const lab = await labs.start('ann', '03');
    await lab.ready;
    await prepared.settled();
    expect(await prepared.imagesFor(lessons.get('03'), IMAGE)).toBeDefined();
    expect(await prepared.imagesFor(lessons.get('04'), IMAGE)).toBeUndefined();
  });

  it('are not made ahead by a short-lived CLI process, nor before the lab image is there', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'queue 0');
    const cli = services(runtime, lessons, { builtImage: () => IMAGE });
    cli.labs.prepareAhead('03');
    await cli.prepared.settled();
    const unbuilt = services(runtime, lessons, { builtImage: () => undefined });
    unbuilt.labs.setPrepareInBackground(true);
    unbuilt.labs.prepareAhead('03');
    await unbuilt.prepared.settled();
    expect(runtime.specs).toEqual([]);
  });

  it('are not used while they are being proven, between the commit and the end of the proof boot', async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    const { prepared } = services(runtime, lessons);
    let duringProof: Promise<unknown> | undefined;
    let prints = 0;
    runtime.reply = (_host, argv) => {
      if (!argv[2]?.includes('list-units')) return undefined;
      // Prints 1 and 2 are the setup lab's hosts, 3 and 4 the proof lab's, booted from the commits.
      if (++prints === 3) duringProof = prepared.imagesFor(lessons.get('03'), IMAGE);
      return { stdout: 'queue 0' };
    };
    expect(await prepared.prepare(lessons.get('03'), IMAGE)).toMatchObject({ status: 'ready' });
    expect(prints).toBe(4);
    expect(await duringProof).toBeUndefined();
    expect(await prepared.imagesFor(lessons.get('03'), IMAGE)).toBeDefined();
  });

  it("log a refusal once, not each time the lesson's page is opened again", async () => {
    const { lessons } = await catalog();
    const runtime = new FakeRuntime();
    fingerprinting(runtime, 'unit postfix.service\nqueue 2');
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const { prepared } = services(runtime, lessons, { log });
    for (let i = 0; i < 3; i++) {
      prepared.want(lessons.get('03'), IMAGE);
      await prepared.settled();
    }
    const told = lines.filter((l) => l.includes('lesson image preparation'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/"status":"refused".*queue/);
  });
});
