// A lesson linter: every script a lesson ships, and the step library, parses before any lab runs it
// (a syntax error in a judge would otherwise show up as "not reported" on every Check).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stepArgv, stepProgram } from '../../server/checker/step-runner.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { renderLessonMarkdown } from '../../server/lessons/render.ts';
import { balancedGroups, PROOF_FILES, proofGroup } from '../lessons/proof-suite.ts';

const lessonsDir = new URL('../../lessons', import.meta.url).pathname;
const catalog = await loadLessons(lessonsDir);
// Through stdin: the whole program is bigger than one argument may be (it travels in parts, stepArgv).
const bashParses = (program: string) =>
  execFileSync('bash', ['-n'], { input: program, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
/** Linux's cap on one argument (MAX_ARG_STRLEN): a bigger part would keep the step from running at all. */
const MAX_ARG_BYTES = 128 * 1024;

describe('lesson scripts', () => {
  it('puts every lesson in exactly one proof group, so none goes unproven', async () => {
    const grouped = (
      await Promise.all(Array.from({ length: PROOF_FILES }, (_, i) => proofGroup(i + 1)))
    ).flat();
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(
      catalog
        .list()
        .map((l) => l.number)
        .filter((n) => !grouped.includes(n)),
    ).toEqual([]);
    expect(
      readdirSync(new URL('../lessons', import.meta.url)).filter((f) => /^proofs-\d+\.test\.ts$/.test(f)),
    ).toHaveLength(PROOF_FILES);
  });

  it('balances the proof groups by measured time, not by lesson count', () => {
    const lessons = ['01', '02', '03', '04'].map((number) => ({ number, cases: 10 }));
    const groups = balancedGroups(lessons, 2, { '01': 100, '02': 10, '03': 40, '04': 50 });
    expect(groups).toEqual([['01'], ['02', '03', '04']]);
    // A lesson without a measured time counts 12 s a case.
    expect(balancedGroups([...lessons, { number: '05', cases: 20 }], 2, { '01': 100 })).toEqual([
      ['04', '05'],
      ['01', '02', '03'],
    ]);
  });

  for (const lesson of catalog.list()) {
    for (const [script, text] of Object.entries(lesson.scripts)) {
      it(`${lesson.id}/${script} parses as bash, with the library its host gets`, () => {
        expect(() => bashParses(stepProgram('grader', text))).not.toThrow();
      });
      it(`${lesson.id}/${script} travels in arguments the kernel takes`, () => {
        const big = stepArgv('grader', text, 'x').filter((arg) => Buffer.byteLength(arg) >= MAX_ARG_BYTES);
        expect(big.map((arg) => `${Buffer.byteLength(arg)} bytes: ${arg.slice(0, 60)}…`)).toEqual([]);
      });
    }
  }

  it('ships no script that no step uses', () => {
    for (const lesson of catalog.list()) {
      const used = new Set(Object.keys(lesson.scripts));
      const onDisk = readdirSync(lesson.dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.sh'),
      );
      expect(
        onDisk.filter((f) => !used.has(f.split(path.sep).join('/'))),
        lesson.id,
      ).toEqual([]);
    }
  });

  for (const lesson of catalog.list()) {
    it(`${lesson.id}: every host= code block names a host the student has a terminal on`, () => {
      const hosts = renderLessonMarkdown(lesson.markdown).runnable.map((b) => b.host);
      expect(hosts.filter((h) => !lesson.hosts.includes(h))).toEqual([]);
    });

    it(`${lesson.id}: every link to another lesson resolves`, () => {
      const links = [...lesson.markdown.matchAll(/\]\(\/lessons\/([^)#/\s]+)/g)].map((m) => m[1] as string);
      const broken = links.filter((name) => {
        try {
          catalog.get(name);
          return false;
        } catch {
          return true;
        }
      });
      expect(broken).toEqual([]);
    });
  }

  it('carries a judge helper that Python compiles', () => {
    const py = new URL('../../server/checker/lib/judge.py', import.meta.url).pathname;
    expect(() =>
      execFileSync('python3', ['-c', 'import ast,sys; ast.parse(open(sys.argv[1]).read())', py]),
    ).not.toThrow();
  });
});
