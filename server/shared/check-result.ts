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
}

export interface GradeReport {
  lesson: string;
  exercises: ExerciseResult[];
  /** Weighted percentage over all exercises, 0–100. */
  score: number;
}
