// The JSON bodies of the HTTP API (/api/...): what server/http/app.ts sends and client/src/api.ts
// receives, and what the client sends back. Like everything in server/shared/, this module holds only
// types and pure constants/functions, with no Node or DOM imports, because both the browser bundle and
// the server import it.
import type { ExamState, ExerciseResult } from './check-result.ts';

/** GET /api/status */
export interface Status {
  engine: { ok: boolean; message?: string; product?: string; version?: string };
  image: {
    flavor: 'rhel9' | 'offline' | null;
    tag: string | null;
    description: string;
    /** Why auto is not running the RHEL 9 image, when it fell back. */
    fallback?: string;
    /** The image's self-test: passed, or the step that failed. */
    selfTest?: { passed: boolean; at: string; failedStep?: string };
  };
  /**
   * The machine's owner only: whether the engine caps each lab host's disk, one line ("disk: capped
   * at 1024 MB per host (btrfs)" or "disk: NOT capped (…)"); absent for students and instructors.
   */
  disk?: { capped: boolean; line: string };
}

/** GET /api/lessons answers a list of these. */
export interface LessonSummary {
  id: string;
  number: string;
  title: string;
  summary: string;
  hosts: string[];
  exercises: { id: string; title: string; kind: 'check' | 'quiz' }[];
  /** An exam: its time limit, which runs from the moment the lab is ready. */
  exam?: { minutes: number; hintsDuringExam: boolean };
}

export interface Criterion {
  id: string;
  title: string;
  weight: number;
}

export interface Question {
  id: string;
  text: string;
  choices: string[];
}

export interface Exercise {
  id: string;
  title: string;
  kind: 'check' | 'quiz';
  criteria: Criterion[];
  questions?: Question[];
}

/** GET /api/lessons/:lesson */
export interface LessonDetail {
  id: string;
  number: string;
  title: string;
  summary: string;
  hosts: string[];
  /** Sanitized by the server. */
  html: string;
  exercises: Exercise[];
  /** An exam: its time limit, which runs from the moment the lab is ready. */
  exam?: { minutes: number; hintsDuringExam: boolean };
  lab: LabView | null;
}

/** A lab as POST /api/lessons/:lesson/lab, GET /api/labs/:labId and POST .../reset answer it. */
export interface LabView {
  labId: string;
  lesson: string;
  status: 'starting' | 'ready' | 'failed';
  progress: string[];
  error?: string;
  /** The latest Check result per exercise on this lab. */
  results: Record<string, ExerciseResult>;
  /** When each exercise's worked solution was revealed (ISO time). */
  revealed: Record<string, string>;
  hosts: { name: string; fqdn: string }[];
  token: string;
  image: { flavor: string | null; description: string };
  /** An exam lesson's clock; during the exam `results` show only which criteria pass. */
  exam?: ExamState;
  /** Classroom mode: when this lab is reclaimed if nobody uses it. */
  expiresAt?: string;
  /** The last reset, by whom and when: results start over, and one by an instructor is explained. */
  reset?: { by: 'student' | 'instructor'; at: string };
}

/** GET and PUT /api/labs/:labId/exercises/:exercise/answers: a quiz's choices by question id. */
export interface QuizAnswers {
  answers: Record<string, string>;
}

/** POST /api/labs/:labId/exercises/:exercise/reveal, allowed after a first Check. */
export interface Walkthrough {
  /** The worked solution, as safe HTML. */
  html: string;
  revealedAt: string;
}
