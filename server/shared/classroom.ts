// The JSON bodies of the classroom routes (server/http/class-routes.ts), for the dashboard, the join
// page and the progress page. Like everything in server/shared/, only types: no Node or DOM imports.
import type { CriterionResult } from './check-result.ts';

export type CellStatus = 'passed' | 'partial' | 'failed' | 'not tried';

export interface ExerciseColumn {
  lesson: string;
  exercise: string;
  title: string;
  criteria: string[];
}

export interface GridCell {
  status: CellStatus;
  score: number | null;
  attempts: number;
  /** The attempt the cell shows (the best), whose criteria the dashboard opens. */
  attemptId: number | null;
  revealed: string | null;
}

export interface GridLab {
  labId: string;
  lesson: string;
  status: 'starting' | 'ready' | 'failed';
  /** When an idle lab is reclaimed, unless the student comes back or an instructor extends it. */
  expiresAt?: string;
}

export interface GridStudent {
  id: string;
  displayName: string;
  studentNumber?: string;
  lastSeenAt: string;
  idle: boolean;
  labs: GridLab[];
  /** Queued for a lab: lesson and place in the queue (1 = next). */
  waiting: { lesson: string; position: number }[];
  /** Keyed `lesson/exercise`. */
  cells: Record<string, GridCell>;
}

/** GET /api/classes/:classId/grid */
export interface ClassGrid {
  class: { id: string; name: string; lessons: string[]; joinCode: string };
  columns: ExerciseColumn[];
  students: GridStudent[];
  at: string;
}

/** GET /api/classes/:classId/attempts/:attemptId */
export interface AttemptView {
  id: number;
  labId: string;
  owner: string;
  displayName: string;
  lesson: string;
  exercise: string;
  at: string;
  ms: number;
  score: number;
  passed: boolean;
  criteria: CriterionResult[];
}

/** POST /api/join */
export interface Joined {
  student: { id: string; displayName: string };
  class: { id: string; name: string; lessons: string[] };
  /** The student's own link back (new tab, new device): it carries their key. */
  link: string;
}

/** GET /api/me */
export interface Me {
  role: 'owner' | 'instructor' | 'student';
  student?: { id: string; displayName?: string };
  class?: { id: string; name: string; lessons: string[] } | null;
  classes?: { id: string; name: string }[];
  link?: string;
  /** A student's labs about to be reclaimed for being idle (the page warns and offers to keep them). */
  expiring?: { labId: string; lesson: string; expiresAt: string }[];
}

/** GET /api/me/progress */
export interface MyProgress {
  class: { name: string; lessons: string[] };
  columns: ExerciseColumn[];
  me: GridStudent | undefined;
}

/** GET /api/classes/:classId/labs/:labId/watch */
export interface WatchGrant {
  labId: string;
  watchToken: string;
  hosts: string[];
}
