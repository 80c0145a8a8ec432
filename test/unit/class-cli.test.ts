// `maillab class …` as an instructor runs it: links with the address the server is really reached
// at, the instructor link printed again on demand, and names that cannot drive the terminal.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Classroom } from '../../server/classroom/classroom.ts';
import { classCommand } from '../../server/cli/class.ts';
import type { Services } from '../../server/compose.ts';
import { forgetServing, recordServing } from '../../server/http/serving-address.ts';
import { SessionGate } from '../../server/http/session.ts';
import { ClassStore } from '../../server/store/class-store.ts';
import { openDatabase } from '../../server/store/database.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

let dir: string;
let services: Services;
let classes: ClassStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'maillab-class-cli-'));
  const db = openDatabase(':memory:');
  classes = new ClassStore(db);
  const progress = new ProgressStore(db);
  const lessons = await fixtureCatalog(['01-roles', '06-null-client']);
  const classroom = new Classroom({ classes, progress, lessons, labs: { list: () => [] } });
  services = {
    config: { dataDir: dir, stateDir: dir, host: '127.0.0.1', port: 8080, publicUrl: undefined },
    classroom,
    classes,
  } as unknown as Services;
});

afterEach(async () => {
  forgetServing(dir);
  await rm(dir, { recursive: true, force: true });
});

async function run(words: string[], flags: Record<string, string | true> = {}, isTerminal = false) {
  const lines: string[] = [];
  let raw = '';
  const code = await classCommand(
    services,
    words,
    flags,
    (line = '') => lines.push(line),
    (text) => {
      raw += text;
    },
    isTerminal,
  );
  return { code, text: lines.join('\n'), raw };
}

/** Any control character but the newline, or a bidi override: what a terminal would act on. */
const RAW_UNSAFE = /(?!\n)[\p{Cc}\u202e]/u;

const linkIn = (text: string) => /\s(http\S+\?key=\S+)/.exec(text)?.[1] ?? '';

describe('class links', () => {
  it('use the address of the server running on this data directory, not the default port', async () => {
    recordServing(dir, 'http://127.0.0.1:9090');
    const { text } = await run(['create', 'Tuesday'], { lessons: '06' });
    expect(linkIn(text)).toMatch(/^http:\/\/127\.0\.0\.1:9090\/\?key=i\./);
    expect(text).toMatch(/Join link: +http:\/\/127\.0\.0\.1:9090\/join\/[A-Z0-9]{10}/);
    expect(text).not.toMatch(/http\S*:8080/);
  });

  it('say which address they assume, and how to print them again, when no server runs yet', async () => {
    const { text } = await run(['create', 'Tuesday'], { lessons: '06' });
    expect(linkIn(text)).toMatch(/^http:\/\/127\.0\.0\.1:8080\//);
    expect(text).toMatch(/No maillab serves this data directory yet/);
    expect(text).toMatch(/npx maillab class link c[0-9a-f]+/);
  });

  it('follow MAILLAB_PUBLIC_URL over everything', async () => {
    recordServing(dir, 'http://127.0.0.1:9090');
    services.config.publicUrl = 'https://lab.school.example';
    const { text } = await run(['create', 'Tuesday'], { lessons: '06' });
    expect(linkIn(text)).toMatch(/^https:\/\/lab\.school\.example\/\?key=/);
  });

  it('are printed again by `class link`, and the instructor key opens that class', async () => {
    const created = await run(['create', 'Tuesday'], { lessons: '06' });
    const klass = services.classroom.list()[0];
    recordServing(dir, 'http://10.0.0.5:9090');
    const again = await run(['link', klass?.joinCode ?? '']);
    expect(again.code).toBe(0);
    const link = new URL(linkIn(again.text));
    expect(link.origin).toBe('http://10.0.0.5:9090');
    expect(link.searchParams.get('key')).toBe(new URL(linkIn(created.text)).searchParams.get('key'));
    const gate = await SessionGate.load(dir);
    expect(gate.sessionForKey(link.searchParams.get('key'))).toEqual({ role: 'instructor', id: klass?.id });
    expect((await run(['list'])).text).toMatch(
      /instructor link and join link: npx maillab class link <class id>/,
    );
  });
});

describe('names from students', () => {
  it('reach the terminal with their control characters made visible, and files exactly', async () => {
    const klass = services.classroom.create('Tuesday \u001b]0;owned\u0007', ['06']);
    classes.join(klass.id, 'Eve\u001b[2J\u009b31m\u202e', 'A1\u001b', new Date());
    const listed = (await run(['list'])).text;
    expect(listed).not.toMatch(RAW_UNSAFE);
    expect(listed).toContain('Tuesday \\x1b]0;owned\\x07');

    const toTerminal = (await run(['export', klass.id], { csv: true }, true)).raw;
    expect(toTerminal).not.toMatch(RAW_UNSAFE);
    expect(toTerminal).toContain('Eve\\x1b[2J\\x9b31m\\u202e');
    const toFile = (await run(['export', klass.id], { csv: true }, false)).raw;
    expect(toFile).toContain('Eve\u001b[2J\u009b31m\u202e');

    const json = (await run(['export', klass.id], { json: true }, true)).raw;
    expect(json).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(json)[0].display_name).toBe('Eve\u001b[2J\u009b31m\u202e');
  });
});
