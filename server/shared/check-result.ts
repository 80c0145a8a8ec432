// Check results: the verdict per criterion and the grade made of them. The server builds them
// (server/checker/), the HTTP API sends them, the browser shows them (client/src/exercises.ts) and the
// CLI prints them. Like everything in server/shared/, this module holds only types and pure
// constants/functions, with no Node or DOM imports, because both the browser bundle and the server
// import it.

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
  /**
   * Set when this attempt could not be written to maillab's record (the store's disk full or
   * read-only): the verdict stands, but no instructor or export will see it. Says what to do.
   */
  notRecorded?: string;
}

export interface GradeReport {
  lesson: string;
  exercises: ExerciseResult[];
  /** Weighted percentage over all exercises, 0–100. */
  score: number;
  /** An exam's clock and whether it ended (then `exercises` are the handed-in report). */
  exam?: ExamState;
}

/** How an exam ended: handed in by the student, at the limit by a maillab process, or late. */
export interface HandIn {
  at: string;
  by: 'student' | 'time-limit' | 'late';
  /** Minutes past the limit when no maillab process was running at the limit (`by` is "late"). */
  lateMinutes?: number;
  /** The full report, hints included, as it stood when the exam ended. */
  report: GradeReport;
}

/** An exam lab's clock and state, as the page, the CLI and the grade report show it. */
export interface ExamState {
  minutes: number;
  startedAt: string;
  deadline: string;
  /** Seconds to the deadline when this was sent (0 once past); the page counts down from it. */
  secondsLeft: number;
  hintsDuringExam: boolean;
  handedIn?: HandIn;
}
