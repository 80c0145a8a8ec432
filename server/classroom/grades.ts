// A class's grades: one row per student per exercise of the class's lessons, from the recorded
// attempts. The same rows feed the dashboard's grid, `class export` and the dashboard's downloads.
import type { CellStatus, ExerciseColumn } from '../shared/classroom.ts';
import type { ClassRecord, StudentRecord } from '../store/class-store.ts';
import type { ExerciseProgress } from '../store/progress-store.ts';

export interface GradeRow {
  class_id: string;
  class_name: string;
  student_id: string;
  display_name: string;
  student_number: string;
  lesson: string;
  exercise: string;
  /** passed: the best attempt passed every criterion; partial: some; failed: none; not tried. */
  status: CellStatus;
  /** The best attempt's weighted score (0–100); null when never tried. */
  score: number | null;
  /** The criteria the best attempt passed, in the lesson's order. */
  passed_criteria: string[];
  criteria_total: number;
  attempts: number;
  first_attempt: string | null;
  last_attempt: string | null;
  /** Seconds from the student's first lab for the lesson being ready to their first full pass. */
  time_to_pass_s: number | null;
  /** When the student first revealed the worked solution; null if never. */
  revealed: string | null;
}

export interface ClassHistory {
  progress: ExerciseProgress[];
  reveals: { owner: string; lesson: string; exercise: string; at: string }[];
  firstReady: { owner: string; lesson: string; at: string }[];
}

export function statusOf(progress: ExerciseProgress | undefined): CellStatus {
  if (!progress) return 'not tried';
  if (progress.best.passed) return 'passed';
  return progress.best.criteria.some((c) => c.pass) ? 'partial' : 'failed';
}

const key = (...parts: string[]) => parts.join('\0');

export function gradeRows(
  klass: ClassRecord,
  students: StudentRecord[],
  columns: ExerciseColumn[],
  history: ClassHistory,
): GradeRow[] {
  const progress = new Map(history.progress.map((p) => [key(p.owner, p.lesson, p.exercise), p]));
  const reveals = new Map(history.reveals.map((r) => [key(r.owner, r.lesson, r.exercise), r.at]));
  const ready = new Map(history.firstReady.map((r) => [key(r.owner, r.lesson), r.at]));
  const rows: GradeRow[] = [];
  for (const student of students) {
    for (const column of columns) {
      const p = progress.get(key(student.id, column.lesson, column.exercise));
      const readyAt = ready.get(key(student.id, column.lesson));
      const passedIds = new Set(p?.best.criteria.filter((c) => c.pass).map((c) => c.id));
      rows.push({
        class_id: klass.id,
        class_name: klass.name,
        student_id: student.id,
        display_name: student.displayName,
        student_number: student.studentNumber ?? '',
        lesson: column.lesson,
        exercise: column.exercise,
        status: statusOf(p),
        score: p ? p.best.score : null,
        passed_criteria: column.criteria.filter((c) => passedIds.has(c)),
        criteria_total: column.criteria.length,
        attempts: p?.attempts ?? 0,
        first_attempt: p?.firstAt ?? null,
        last_attempt: p?.lastAt ?? null,
        time_to_pass_s:
          p?.firstPassAt && readyAt
            ? Math.max(0, Math.round((Date.parse(p.firstPassAt) - Date.parse(readyAt)) / 1000))
            : null,
        revealed: reveals.get(key(student.id, column.lesson, column.exercise)) ?? null,
      });
    }
  }
  return rows;
}

export const CSV_COLUMNS: (keyof GradeRow)[] = [
  'class_id',
  'class_name',
  'student_id',
  'display_name',
  'student_number',
  'lesson',
  'exercise',
  'status',
  'score',
  'passed_criteria',
  'criteria_total',
  'attempts',
  'first_attempt',
  'last_attempt',
  'time_to_pass_s',
  'revealed',
];

/**
 * One CSV field (RFC 4180). Names are typed by students, so a cell a spreadsheet would run as a
 * formula (=, +, -, @, tab, CR first) is led by an apostrophe.
 */
function csvField(value: GradeRow[keyof GradeRow]): string {
  let text = value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function gradesCsv(rows: GradeRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(CSV_COLUMNS.map((c) => csvField(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
