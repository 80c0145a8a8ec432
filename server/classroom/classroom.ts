// Classes as instructors and students see them: creating one, joining it, whose labs are whose, and
// the grid and grades built from the recorded attempts. Talks to the stores and the lesson catalog;
// never to the engine (labs go through LabService).
import { MaillabError } from '../errors.ts';
import type { LabState } from '../labs/lab-service.ts';
import type { LessonCatalog } from '../lessons/catalog.ts';
import { criteriaOf } from '../lessons/schema.ts';
import type { AttemptView, ClassGrid, ExerciseColumn, GridCell } from '../shared/classroom.ts';
import type { ClassRecord, ClassStore, StudentRecord } from '../store/class-store.ts';
import type { ProgressStore } from '../store/progress-store.ts';
import { type GradeRow, gradeRows, statusOf } from './grades.ts';

/** How long without a request or a keystroke before the dashboard shows a student as idle. */
export const IDLE_AFTER_MS = 5 * 60_000;
/** Activity is written at most this often per student (every keystroke would be a write). */
const TOUCH_EVERY_MS = 15_000;

export interface LabDirectory {
  list(owner: string): LabState[];
  expiresAt?(labId: string): string | undefined;
  queued?(owner: string): { lesson: string; position: number }[];
}

export class Classroom {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly opts: {
      classes: ClassStore;
      progress: ProgressStore;
      lessons: LessonCatalog;
      labs: LabDirectory;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** A class over the given lessons (named by number or folder), in the order given. */
  create(name: string, lessonNames: string[]): ClassRecord {
    const clean = name.trim();
    if (!clean || clean.length > 100)
      throw new MaillabError('bad_request', 'Give the class a name of 1 to 100 characters.');
    if (!lessonNames.length)
      throw new MaillabError('bad_request', 'Name the lessons of the class, e.g. --lessons 01,06,07.');
    const lessons = [...new Set(lessonNames.map((n) => this.opts.lessons.get(n.trim()).id))];
    return this.opts.classes.create(clean, lessons, this.now());
  }

  list(): ClassRecord[] {
    return this.opts.classes.list();
  }

  /** A class by id, join code or exact name, or an error naming what to run. */
  find(idCodeOrName: string): ClassRecord {
    const found = this.opts.classes.find(idCodeOrName);
    if (!found)
      throw new MaillabError(
        'not_found',
        `No single class is called or coded "${idCodeOrName}". \`npx maillab class list\` shows each class's id.`,
      );
    return found;
  }

  get(classId: string): ClassRecord {
    return this.opts.classes.get(classId);
  }

  /** A student joins with the class's code; a wrong code is refused without saying which classes exist. */
  join(
    code: string,
    displayName: string,
    studentNumber?: string,
  ): { student: StudentRecord; klass: ClassRecord } {
    const klass = this.opts.classes.byJoinCode(String(code ?? ''));
    if (!klass)
      throw new MaillabError(
        'forbidden',
        'That join code is not one of this maillab’s classes. Check the code your instructor gave (6 letters and digits).',
      );
    const name = String(displayName ?? '').trim();
    if (!name || name.length > 60)
      throw new MaillabError('bad_request', 'Type your name as others should see it (1 to 60 characters).');
    const number = studentNumber === undefined ? undefined : String(studentNumber).trim();
    if (number !== undefined && number.length > 40)
      throw new MaillabError('bad_request', 'A student id is at most 40 characters.');
    const student = this.opts.classes.join(klass.id, name, number || undefined, this.now());
    return { student, klass };
  }

  student(id: string): StudentRecord | undefined {
    return this.opts.classes.student(id);
  }

  /** Notes that a student is active (a request, a keystroke); written at most every 15 s. */
  touch(studentId: string): void {
    const now = this.now().getTime();
    if (now - (this.touched.get(studentId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(studentId, now);
    this.opts.classes.touch(studentId, new Date(now));
  }

  /** The exercises of a class, lesson by lesson: the grid's columns and the exports' rows. */
  columns(klass: ClassRecord): ExerciseColumn[] {
    return klass.lessons.flatMap((id) => {
      const lesson = this.opts.lessons.get(id);
      return lesson.exercises.map((e) => ({
        lesson: lesson.id,
        exercise: e.id,
        title: e.title,
        criteria: criteriaOf(e).map((c) => c.id),
      }));
    });
  }

  grades(classId: string): GradeRow[] {
    const klass = this.get(classId);
    const students = this.opts.classes.students(klass.id);
    const owners = students.map((s) => s.id);
    return gradeRows(klass, students, this.columns(klass), {
      progress: this.opts.progress.progress(owners),
      reveals: this.opts.progress.allReveals(owners),
      firstReady: this.opts.progress.firstReadyTimes(owners),
    });
  }

  grid(classId: string): ClassGrid {
    const klass = this.get(classId);
    const students = this.opts.classes.students(klass.id);
    const owners = students.map((s) => s.id);
    const progress = new Map(
      this.opts.progress.progress(owners).map((p) => [`${p.owner}/${p.lesson}/${p.exercise}`, p]),
    );
    const reveals = new Map(
      this.opts.progress.allReveals(owners).map((r) => [`${r.owner}/${r.lesson}/${r.exercise}`, r.at]),
    );
    const columns = this.columns(klass);
    const now = this.now().getTime();
    return {
      class: { id: klass.id, name: klass.name, lessons: klass.lessons, joinCode: klass.joinCode },
      columns,
      at: new Date(now).toISOString(),
      students: students.map((s) => ({
        id: s.id,
        displayName: s.displayName,
        ...(s.studentNumber ? { studentNumber: s.studentNumber } : {}),
        lastSeenAt: s.lastSeenAt,
        idle: now - Date.parse(s.lastSeenAt) > IDLE_AFTER_MS,
        labs: this.opts.labs.list(s.id).map((l) => {
          const expiresAt = this.opts.labs.expiresAt?.(l.labId);
          return { labId: l.labId, lesson: l.lesson, status: l.status, ...(expiresAt ? { expiresAt } : {}) };
        }),
        waiting: this.opts.labs.queued?.(s.id) ?? [],
        cells: Object.fromEntries(
          columns.map((c) => {
            const k = `${s.id}/${c.lesson}/${c.exercise}`;
            const p = progress.get(k);
            return [
              `${c.lesson}/${c.exercise}`,
              {
                status: statusOf(p),
                score: p ? p.best.score : null,
                attempts: p?.attempts ?? 0,
                attemptId: p ? p.best.id : null,
                revealed: reveals.get(k) ?? null,
              } satisfies GridCell,
            ];
          }),
        ),
      })),
    };
  }

  /** One attempt with its criteria, for an instructor of the class its student belongs to. */
  attempt(classId: string, attemptId: number): AttemptView {
    const attempt = this.opts.progress.attempt(attemptId);
    const student = attempt ? this.opts.classes.student(attempt.owner) : undefined;
    if (!attempt || student?.classId !== classId)
      throw new MaillabError('not_found', `Class ${classId} has no attempt ${attemptId}.`);
    return { ...attempt, displayName: student.displayName };
  }

  /** The hosts of a lesson a student has shells on (the grader is never one). */
  hostsOf(lesson: string): string[] {
    return this.opts.lessons.get(lesson).hosts;
  }

  /** Whether a lab belongs to a student of the class (what an instructor may reset, watch or extend). */
  isClassLab(classId: string, lab: LabState): boolean {
    return this.opts.classes.student(lab.owner)?.classId === classId;
  }
}
