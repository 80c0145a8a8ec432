// Check results: what a check script reports (parsed from its stdout) and what a grade is made of.
// The result types themselves live in server/shared/check-result.ts, since the browser shows them too.
import type { CriterionResult } from '../shared/check-result.ts';

export type { CriterionResult, ExerciseResult, GradeReport } from '../shared/check-result.ts';

export type ReportLine =
  | { kind: 'pass'; criterion: string; observed: string }
  | { kind: 'fail'; criterion: string; observed: string; hint: string }
  | { kind: 'fact'; key: string; value: string };

const MARKER = '::maillab::';

/** Parses the marker lines of a script's stdout; other lines are ignored (they are the step's log). */
export function parseReport(stdout: string): ReportLine[] {
  const lines: ReportLine[] = [];
  for (const raw of stdout.split('\n')) {
    if (!raw.startsWith(`${MARKER}\t`)) continue;
    const [, kind, key = '', observed = '', hint = ''] = raw.split('\t');
    if (!key) continue;
    if (kind === 'pass') lines.push({ kind, criterion: key, observed });
    else if (kind === 'fail') lines.push({ kind, criterion: key, observed, hint });
    else if (kind === 'fact' && /^\w+$/.test(key)) lines.push({ kind, key, value: observed });
  }
  return lines;
}

export function weightedScore(criteria: Pick<CriterionResult, 'pass' | 'weight'>[]): number {
  const total = criteria.reduce((sum, c) => sum + c.weight, 0);
  if (total === 0) return 0;
  const passed = criteria.reduce((sum, c) => sum + (c.pass ? c.weight : 0), 0);
  return Math.round((passed / total) * 1000) / 10;
}
