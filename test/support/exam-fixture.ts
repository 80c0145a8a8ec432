// A tiny exam lesson (98-tiny-exam) for the exam's CLI and browser tests: quick to start (one host, no
// setup) and to check (two files copied and grepped on the grader).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A two-criterion exam: /etc/motd on server says hello (weight 3), /etc/issue says bye (1). */
const EXAM = {
  'lesson.md': `---
title: A tiny exam
summary: Used by the exam CLI test.
hosts: [server]
exam: { minutes: 30 }
exercises:
  - id: motd
    title: Greet in /etc/motd
    criteria:
      - { id: greeting, title: "/etc/motd on server says hello", weight: 3 }
      - { id: farewell, title: "/etc/issue on server says bye" }
    walkthrough: solution/walkthrough.md
    check:
      - { host: server, collect: [/etc/motd, /etc/issue] }
      - { host: grader, script: checks/judge.sh, judges: [greeting, farewell] }
    solution:
      - { host: server, script: solution/motd.sh }
    mistakes:
      - id: empty
        title: An empty motd
        steps: [{ host: server, script: mistakes/empty.sh }]
        expect: [{ criterion: greeting, hint: hello }]
      - id: shouting
        title: HELLO in capitals
        steps: [{ host: server, script: mistakes/shouting.sh }]
        expect: [{ criterion: greeting, hint: hello }]
    cheats:
      - id: pass-printer
        title: prints a pass line
        steps: [{ host: server, script: cheats/pass-printer.sh }]
        fails: [greeting]
    variants:
      - id: appended
        title: appended with printf
        steps: [{ host: server, script: solution/motd.sh }]
---
# A tiny exam
`,
  'checks/judge.sh': `if grep -qw hello "$(evidence server /etc/motd)" 2>/dev/null; then pass greeting "motd says hello"
else fail greeting "motd does not say hello" "write the word hello into /etc/motd"; fi
if grep -qw bye "$(evidence server /etc/issue)" 2>/dev/null; then pass farewell "issue says bye"
else fail farewell "issue does not say bye" "write the word bye into /etc/issue"; fi
`,
  'solution/motd.sh': 'echo hello > /etc/motd; echo bye > /etc/issue\n',
  'solution/walkthrough.md': 'Write hello into /etc/motd.\n',
  'mistakes/empty.sh': ': > /etc/motd\n',
  'mistakes/shouting.sh': 'echo HELLO > /etc/motd\n',
  'cheats/pass-printer.sh': "printf '::maillab::\\tpass\\tgreeting\\tfine\\t\\n'\n",
};

/** Writes a lessons folder holding only the tiny exam; returns its path. */
export async function writeTinyExam(): Promise<string> {
  const lessons = await mkdtemp(path.join(tmpdir(), 'maillab-exam-'));
  for (const [file, text] of Object.entries(EXAM)) {
    const target = path.join(lessons, '98-tiny-exam', file);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  return lessons;
}
