// Classes and their students. A class has a random id, the lessons it covers and a short join code
// students type; a student has a random id, which is also the owner of their labs.
import { randomBytes, randomInt } from 'node:crypto';
import { MaillabError } from '../errors.ts';
import type { Db } from './database.ts';

export interface ClassRecord {
  id: string;
  name: string;
  lessons: string[];
  joinCode: string;
  createdAt: string;
}

export interface StudentRecord {
  id: string;
  classId: string;
  displayName: string;
  studentNumber?: string;
  joinedAt: string;
  lastSeenAt: string;
}

// No 0/O, 1/I/L: a join code is read off a projector and typed by hand.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
// A right code is never refused (wrong ones are throttled per address, right ones must get in from behind
// a school's NAT), so the code's size alone stops guessing: 31^10 is about 2^49.5, years at a thousand
// guesses a second, where six characters (2^29.7) fell to days.
const CODE_LENGTH = 10;

export const newJoinCode = () =>
  Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');

/** A typed code as stored: upper case, spaces and dashes dropped. */
export const normalizeJoinCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

interface ClassRow {
  id: string;
  name: string;
  lessons: string;
  join_code: string;
  created_at: string;
}

interface StudentRow {
  id: string;
  class_id: string;
  display_name: string;
  student_number: string | null;
  joined_at: string;
  last_seen_at: string;
}

const toClass = (r: ClassRow): ClassRecord => ({
  id: r.id,
  name: r.name,
  lessons: JSON.parse(r.lessons) as string[],
  joinCode: r.join_code,
  createdAt: r.created_at,
});

const toStudent = (r: StudentRow): StudentRecord => ({
  id: r.id,
  classId: r.class_id,
  displayName: r.display_name,
  ...(r.student_number !== null ? { studentNumber: r.student_number } : {}),
  joinedAt: r.joined_at,
  lastSeenAt: r.last_seen_at,
});

export class ClassStore {
  constructor(
    private readonly db: Db,
    /** What student ids (the owners of their labs) start with: "st", or MAILLAB_OWNER's when it is set. */
    private readonly studentIdPrefix = 'st',
  ) {}

  create(name: string, lessons: string[], now = new Date()): ClassRecord {
    const id = `c${randomBytes(6).toString('hex')}`;
    // A fresh code until one is unused (31^6 codes: a clash is rare, but the column is unique).
    for (let tries = 0; tries < 20; tries++) {
      const joinCode = newJoinCode();
      const taken = this.db.prepare('SELECT 1 FROM classes WHERE join_code = ?').get(joinCode);
      if (taken) continue;
      this.db
        .prepare('INSERT INTO classes (id, name, lessons, join_code, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, name, JSON.stringify(lessons), joinCode, now.toISOString());
      return this.get(id);
    }
    throw new Error('Could not find an unused join code after 20 tries.');
  }

  list(): ClassRecord[] {
    return (this.db.prepare('SELECT * FROM classes ORDER BY created_at, id').all() as ClassRow[]).map(
      toClass,
    );
  }

  /** A class by its id, its join code, or its exact name (what an instructor types in the CLI). */
  find(idCodeOrName: string): ClassRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM classes WHERE id = ? OR join_code = ? OR name = ? ORDER BY created_at LIMIT 2')
      .all(idCodeOrName, normalizeJoinCode(idCodeOrName), idCodeOrName) as ClassRow[];
    return row.length === 1 ? toClass(row[0] as ClassRow) : undefined;
  }

  get(id: string): ClassRecord {
    const row = this.db.prepare('SELECT * FROM classes WHERE id = ?').get(id) as ClassRow | undefined;
    if (!row)
      throw new MaillabError(
        'not_found',
        `No class with id ${id}. \`npx maillab class list\` shows the classes and their ids.`,
      );
    return toClass(row);
  }

  byJoinCode(code: string): ClassRecord | undefined {
    const row = this.db.prepare('SELECT * FROM classes WHERE join_code = ?').get(normalizeJoinCode(code)) as
      | ClassRow
      | undefined;
    return row ? toClass(row) : undefined;
  }

  join(classId: string, displayName: string, studentNumber?: string, now = new Date()): StudentRecord {
    const id = `${this.studentIdPrefix}${randomBytes(8).toString('hex')}`;
    const at = now.toISOString();
    this.db
      .prepare(
        'INSERT INTO students (id, class_id, display_name, student_number, joined_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(id, classId, displayName, studentNumber ?? null, at, at);
    return this.student(id) as StudentRecord;
  }

  student(id: string): StudentRecord | undefined {
    const row = this.db.prepare('SELECT * FROM students WHERE id = ?').get(id) as StudentRow | undefined;
    return row ? toStudent(row) : undefined;
  }

  students(classId: string): StudentRecord[] {
    return (
      this.db
        .prepare('SELECT * FROM students WHERE class_id = ? ORDER BY joined_at, id')
        .all(classId) as StudentRow[]
    ).map(toStudent);
  }

  /** Marks a student as active now (a request, a keystroke): what "idle" on the dashboard is measured from. */
  touch(id: string, now = new Date()): void {
    this.db.prepare('UPDATE students SET last_seen_at = ? WHERE id = ?').run(now.toISOString(), id);
  }
}
