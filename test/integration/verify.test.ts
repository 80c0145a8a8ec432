// `maillab verify` on the real engine: the lesson proofs (the same cases test/lessons runs) pass for
// lesson 06 on this machine's image, and a lesson whose reference solution is broken makes it exit 1
// with a table that says which case does not hold.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMaillab } from '../support/cli.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();

const maillab = (env: Record<string, string>, ...args: string[]) => runMaillab(args, env, 600_000);

/** A small lesson whose reference solution writes the wrong word: every other case holds. */
const BROKEN = {
  'lesson.md': `---
title: A lesson with a broken solution
summary: Used by the verify test.
hosts: [server]
exercises:
  - id: motd
    title: Greet in /etc/motd
    criteria:
      - { id: greeting, title: "/etc/motd on server says hello" }
    walkthrough: solution/walkthrough.md
    check:
      - { host: server, collect: [/etc/motd] }
      - { host: grader, script: checks/judge.sh, judges: [greeting] }
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
        steps: [{ host: server, script: variants/appended.sh }]
---
# Greet
`,
  'checks/judge.sh': `if grep -qw hello "$(evidence server /etc/motd)" 2>/dev/null; then pass greeting "motd says hello"
else fail greeting "motd does not say hello" "write hello into /etc/motd"; fi\n`,
  'solution/motd.sh': 'echo helo > /etc/motd\n',
  'solution/walkthrough.md': 'Write hello into /etc/motd.\n',
  'mistakes/empty.sh': ': > /etc/motd\n',
  'mistakes/shouting.sh': 'echo HELLO > /etc/motd\n',
  'cheats/pass-printer.sh': "printf '::maillab::\\tpass\\tgreeting\\tfine\\t\\n'\n",
  'variants/appended.sh': "printf 'hello\\n' >> /etc/motd\n",
};

describe.runIf(services)('maillab verify', () => {
  let lessons: string;
  beforeAll(async () => {
    lessons = await mkdtemp(path.join(tmpdir(), 'maillab-verify-'));
    for (const [file, text] of Object.entries(BROKEN)) {
      const target = path.join(lessons, '99-broken', file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
  });
  afterAll(async () => {
    await rm(lessons, { recursive: true, force: true });
  });

  // 15 cases of 8–10 s each on a quiet 2 cores, two at a time (--jobs defaults to the core count);
  // up to 9 minutes at a load average of 50.
  it('proves lesson 06 on this engine and image, case by case, and exits 0', {
    timeout: 900_000,
  }, async () => {
    const result = await maillab({ MAILLAB_OWNER: `verify-test-${process.pid}` }, 'verify', '06');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /✓ \[1\/\d+\] 06-null-client null-client: a fresh lab fails every criterion/,
    );
    expect(result.stdout).toMatch(/All \d+ cases hold on maillab\/lab:/);
    expect(result.stdout).not.toContain('✗');
  });

  it('exits 1 with a readable table when a lesson solution is broken, and says so in --json', {
    timeout: 300_000,
  }, async () => {
    const env = { MAILLAB_LESSONS: lessons };
    const text = await maillab(env, 'verify', '99');
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/✗ \[1\/6\] 99-broken motd: a fresh lab fails every criterion/);
    expect(text.stdout).toContain('the reference solution: greeting failed but must pass');
    expect(text.stdout).toMatch(/lesson\s+exercise\s+cases\s+passed\s+failed/);
    expect(text.stdout).toMatch(/99-broken\s+motd\s+fresh-and-solution\s+0\s+2/);
    expect(text.stdout).toMatch(/99-broken\s+motd\s+cheat\s+1\s+0/);
    const json = await maillab(env, 'verify', '99', '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { ok: boolean; cases: { kind: string; ok: boolean }[] };
    expect(report.ok).toBe(false);
    expect(report.cases.filter((c) => !c.ok).map((c) => c.kind)).toEqual([
      'fresh-and-solution',
      'fresh-and-solution',
    ]);
  });
});
