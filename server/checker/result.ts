// Check results: what a check script reports (parsed from its stdout) and what a grade is made of.

export interface CriterionResult {
  id: string;
  title: string;
  pass: boolean;
  weight: number;
  /** What was observed, in a sentence. */
  message: string;
  /** Points at the cause without handing over the answer; present when the criterion failed. */
  hint?: string;
}

export interface ExerciseResult {
  id: string;
  title: string;
  criteria: CriterionResult[];
  /** Weighted percentage of this exercise, 0–100. */
  score: number;
}

export interface GradeReport {
  lesson: string;
  exercises: ExerciseResult[];
  /** Weighted percentage over all exercises, 0–100. */
  score: number;
}

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
