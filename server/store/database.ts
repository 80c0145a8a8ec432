// maillab's own database: one SQLite file in the data directory (better-sqlite3, synchronous, so a
// transaction is one call and nothing interleaves inside it). Opening it brings its schema up to date.
import { accessSync, chmodSync, closeSync, constants, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MaillabError } from '../errors.ts';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export const DATABASE_FILE = 'maillab.db';

/** Opens (creating if needed) the database in `dir`, or in memory for ':memory:', and migrates it. */
export function openDatabase(dir: string, migrations: readonly string[] = MIGRATIONS): Db {
  let db: Db;
  if (dir === ':memory:') db = new Database(':memory:');
  else {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, DATABASE_FILE);
    // SQLite cannot open a WAL database where it cannot make its shared-memory file ("unable to open
    // database file"): say what is wrong and what to do instead.
    if (readOnlyFilesystem(dir))
      throw new MaillabError(
        'bad_request',
        `The data directory ${dir} is on a read-only filesystem, so maillab could record no attempt there. Remount it read-write (or free the disk it is on), or point MAILLAB_DATA_DIR elsewhere.`,
      );
    // Names, student ids and every attempt are in it: readable by the owner only, like the server's
    // secret beside it. SQLite makes its -wal and -shm files with the database file's own mode, so
    // the file is made (or, made by an older maillab at 0644, narrowed) before SQLite opens it.
    closeSync(openSync(file, 'a', 0o600));
    chmodSync(file, 0o600);
    db = new Database(file);
    // WAL: the server writes while the CLI (class export, class list) reads, without either waiting.
    db.pragma('journal_mode = WAL');
    for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) chmodSync(side, 0o600);
  }
  db.pragma('foreign_keys = ON');
  // Another process (the CLI beside the server) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

/** Applies the steps this database has not had, each in its own transaction with its version. */
export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length)
    throw new MaillabError(
      'bad_request',
      `The database ${db.name} is at schema version ${current}, newer than this maillab knows (${migrations.length}). Run the maillab version that wrote it, or point MAILLAB_DATA_DIR elsewhere.`,
    );
  for (let version = current + 1; version <= migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version - 1] as string);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return migrations.length;
}

/** Whether `dir` is on a filesystem mounted read-only (EROFS holds for root too, unlike modes). */
function readOnlyFilesystem(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EROFS';
  }
}
