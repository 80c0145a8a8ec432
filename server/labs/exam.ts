// The rules of an exam lab (a lesson with `exam:`), apart from where they are stored: the clock, what
// a Check may show while the exam runs, and what a report says about how the exam ended.
import type { ExamSettings } from '../lessons/schema.ts';
import type { ExamState, ExerciseResult, GradeReport, HandIn } from '../shared/check-result.ts';

/** What the grader keeps of an exam: when it began and ends, and how it ended. */
export interface ExamRecord {
  startedAt: string;
  deadline: string;
  handedIn?: HandIn;
}

export const HIDDEN_DURING_EXAM =
  'Hidden until you hand in: during the exam Check shows only whether each criterion passes.';

export function newExam(settings: ExamSettings, now = new Date()): ExamRecord {
  return {
    startedAt: now.toISOString(),
    deadline: new Date(now.getTime() + settings.minutes * 60_000).toISOString(),
  };
}

export function secondsLeft(record: ExamRecord, now = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(record.deadline) - now) / 1000));
}

export function isOver(record: ExamRecord, now = Date.now()): boolean {
  return Boolean(record.handedIn) || now >= Date.parse(record.deadline);
}

export function examState(settings: ExamSettings, record: ExamRecord, now = Date.now()): ExamState {
  return {
    minutes: settings.minutes,
    startedAt: record.startedAt,
    deadline: record.deadline,
    secondsLeft: record.handedIn ? 0 : secondsLeft(record, now),
    hintsDuringExam: settings.hintsDuringExam,
    ...(record.handedIn ? { handedIn: record.handedIn } : {}),
  };
}

/**
 * A result as the student may see it during the exam: which criteria pass, and (unless the lesson
 * allows hints) neither what was observed nor a hint, since both can hand over the answer.
 */
export function duringExam(result: ExerciseResult, settings: ExamSettings): ExerciseResult {
  if (settings.hintsDuringExam) return result;
  return {
    ...result,
    criteria: result.criteria.map(({ hint: _hint, ...c }) => ({ ...c, message: HIDDEN_DURING_EXAM })),
  };
}

/** Whole minutes past the limit (12 min 30 s is 12), and at least 1 once past. */
export function minutesLate(record: ExamRecord, at: Date): number {
  return Math.max(1, Math.floor((at.getTime() - Date.parse(record.deadline)) / 60_000));
}

/** A sentence on how the exam ended, for the page and the CLI. */
export function handInNote(handIn: HandIn): string {
  const when = new Date(handIn.at).toISOString().slice(11, 16);
  switch (handIn.by) {
    case 'student':
      return `Handed in at ${when} UTC, within the time limit.`;
    case 'time-limit':
      return `The time limit ended the exam at ${when} UTC; this is the work as it stood at the limit.`;
    case 'late':
      return `Graded at ${when} UTC, ${handIn.lateMinutes ?? 1} min after the time limit: no maillab process was running at the limit to hand in, so this counts the hosts as they were when graded, not as they stood at the limit.`;
  }
}

export function scoreOutOf100(report: GradeReport): string {
  return `${Math.round(report.score)}/100`;
}
