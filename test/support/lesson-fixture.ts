// Writes small lesson folders into a temp dir for loader and API tests.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type LessonCatalog, loadLessons } from '../../server/lessons/catalog.ts';

export const VALID_FRONT_MATTER = `title: Test lesson
summary: A lesson used by the unit tests.
hosts: [server, desktop]
setup:
  - host: server
    script: setup/server.sh
exercises:
  - id: listen
    title: Make postfix listen
    criteria:
      - id: listening
        title: port 25 answers
        weight: 2
      - id: delivered
        title: the nonce arrived
    walkthrough: solution/walkthrough.md
    check:
      - host: server
        script: checks/act.sh
      - host: server
        collect: [/etc/postfix]
      - host: grader
        script: checks/probe.sh
        judges: [listening, delivered]
    solution:
      - host: server
        script: solution/listen.sh
    mistakes:
      - id: reload
        title: reload instead of restart
        steps: [{ host: server, script: mistakes/reload.sh }]
        expect: [{ criterion: listening, hint: restart }]
      - id: typo
        title: a typo
        steps: [{ host: server, script: mistakes/reload.sh }]
        expect: [{ criterion: delivered, hint: spelling }]
    cheats:
      - id: pass-printer
        title: prints pass lines
        steps: [{ host: server, script: mistakes/reload.sh }]
        fails: [listening, delivered]
    variants:
      - id: by-hand
        title: main.cf edited by hand
        steps: [{ host: server, script: solution/listen.sh }]
  - id: roles
    title: Who does what
    kind: quiz
    questions:
      - id: mta
        text: Which program is the MTA?
        choices: [postfix, mutt]
        answer: postfix
        hint: The MTA moves mail between servers.
    mistakes:
      - id: mutt
        title: picks mutt
        answers: { mta: mutt }
        expect: [{ criterion: mta, hint: moves mail }]
      - id: blank
        title: no answer
        answers: {}
        expect: [{ criterion: mta, hint: moves mail }]
`;

export async function writeLesson(
  root: string,
  name: string,
  frontMatter: string,
  body = '# Hello\n\n```bash host=desktop\npostconf -n\n```\n',
  scripts = [
    'setup/server.sh',
    'checks/act.sh',
    'checks/probe.sh',
    'solution/listen.sh',
    'mistakes/reload.sh',
  ],
): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'lesson.md'), `---\n${frontMatter}---\n${body}`);
  for (const script of scripts) {
    await mkdir(path.dirname(path.join(dir, script)), { recursive: true });
    await writeFile(path.join(dir, script), `echo ${script}\n`);
  }
  await mkdir(path.join(dir, 'solution'), { recursive: true });
  await writeFile(
    path.join(dir, 'solution', 'walkthrough.md'),
    '### Worked solution\n\n`postconf -e`, then restart.\n',
  );
  return dir;
}

export async function tempLessons(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'maillab-lessons-'));
}

/** A catalog of fixture lessons, one per folder name, each with VALID_FRONT_MATTER. */
export async function fixtureCatalog(names: string[] = ['03-receiving']): Promise<LessonCatalog> {
  const root = await tempLessons();
  for (const name of names) await writeLesson(root, name, VALID_FRONT_MATTER);
  return loadLessons(root);
}
