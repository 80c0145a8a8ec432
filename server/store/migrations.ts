// The store's schema, one step per version. SQLite's user_version says which steps a database has had;
// a step is never edited once released, only followed by another, so any older data directory opens.

export const MIGRATIONS: readonly string[] = [
  // 1: classes and their students; labs; every check attempt with its criteria; solution reveals.
  `
  CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    lessons TEXT NOT NULL,            -- JSON array of lesson ids, in the order the instructor gave
    join_code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE students (
    id TEXT PRIMARY KEY,              -- also the owner of the student's labs
    class_id TEXT NOT NULL REFERENCES classes(id),
    display_name TEXT NOT NULL,
    student_number TEXT,              -- the optional id the student gave (a school's number)
    joined_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  CREATE INDEX students_by_class ON students(class_id);
  CREATE TABLE labs (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ready_at TEXT,
    ended_at TEXT,
    end_reason TEXT
  );
  CREATE INDEX labs_by_owner ON labs(owner, lesson);
  CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lab_id TEXT NOT NULL,
    owner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    exercise TEXT NOT NULL,
    at TEXT NOT NULL,
    ms INTEGER NOT NULL,
    score REAL NOT NULL,
    passed INTEGER NOT NULL,          -- 1 only when every criterion row of this attempt passed
    criteria_count INTEGER NOT NULL
  );
  CREATE INDEX attempts_by_owner ON attempts(owner, lesson, exercise);
  CREATE TABLE attempt_criteria (
    attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    title TEXT NOT NULL,
    pass INTEGER NOT NULL,
    weight REAL NOT NULL,
    message TEXT NOT NULL,
    hint TEXT,
    PRIMARY KEY (attempt_id, position)
  );
  CREATE TABLE reveals (
    owner TEXT NOT NULL,
    lesson TEXT NOT NULL,
    exercise TEXT NOT NULL,
    lab_id TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (owner, lesson, exercise)
  );
  `,
];
