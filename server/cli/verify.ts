// `maillab verify [lesson…]`: the lesson proofs (server/checker/proof.ts, the same cases the test
// suite runs) on the user's own engine and image, with a line per case as it finishes, a summary
// table, and --json for scripts. An instructor runs it the day before a class.
import { type ProofCase, type ProofOutcome, proofCases, runProofCase, summary } from '../checker/proof.ts';
import type { Services } from '../compose.ts';
import { errorMessage } from '../errors.ts';
import type { Lesson } from '../lessons/schema.ts';

export interface VerifiedCase {
  lesson: string;
  exercise: string;
  kind: ProofCase['kind'];
  id: string;
  name: string;
  ok: boolean;
  problems: string[];
  seconds: number;
  /** The verdicts of each check the case ran, for a failing case. */
  checks?: string[];
}

export interface VerifyReport {
  image: string | null;
  ok: boolean;
  cases: VerifiedCase[];
}

export async function verifyLessons(
  services: Services,
  lessons: Lesson[],
  options: { exercise?: string; onCase?: (c: VerifiedCase, index: number, total: number) => void },
): Promise<VerifyReport> {
  await services.images.ensure();
  const cases = lessons
    .flatMap(proofCases)
    .filter((c) => !options.exercise || c.exercise.id === options.exercise);
  const results: VerifiedCase[] = [];
  let seq = 0;
  const labs = {
    fresh: async (lesson: Lesson, fault?: string) => {
      // An owner of its own per case: never the user's labs, and never two cases on one lab.
      const lab = await services.labs.start(
        `verify-${process.pid}-${seq++}`,
        lesson.id,
        fault ? { fault } : {},
      );
      await services.labs.readyLab(lab.labId);
      return { labId: lab.labId, finish: () => services.labs.finish(lab.labId) };
    },
  };
  for (const [index, c] of cases.entries()) {
    const started = Date.now();
    let outcome: ProofOutcome;
    try {
      outcome = await runProofCase(services.checker, labs, c);
    } catch (err) {
      outcome = { problems: [`the case could not run: ${errorMessage(err)}`], results: [] };
    }
    const ok = outcome.problems.length === 0;
    const verified: VerifiedCase = {
      lesson: c.lesson.id,
      exercise: c.exercise.id,
      kind: c.kind,
      id: c.id,
      name: c.name,
      ok,
      problems: outcome.problems,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      ...(ok ? {} : { checks: outcome.results.map(summary) }),
    };
    results.push(verified);
    options.onCase?.(verified, index, cases.length);
  }
  return { image: services.images.status().tag, ok: results.every((r) => r.ok), cases: results };
}

/** The summary table: one row per lesson and kind of case. */
export function verifyTable(report: VerifyReport): string {
  const rows = new Map<string, { pass: number; fail: number }>();
  for (const c of report.cases) {
    const key = `${c.lesson}\t${c.exercise}\t${c.kind}`;
    const row = rows.get(key) ?? { pass: 0, fail: 0 };
    if (c.ok) row.pass++;
    else row.fail++;
    rows.set(key, row);
  }
  const lines = [['lesson', 'exercise', 'cases', 'passed', 'failed']];
  for (const [key, row] of rows) lines.push([...key.split('\t'), String(row.pass), String(row.fail)]);
  const widths = lines[0]?.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length))) ?? [];
  return lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
