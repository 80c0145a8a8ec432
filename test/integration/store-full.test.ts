// A store that cannot write (its disk full, or read-only) never shows an attempt as recorded, tells the
// student so, and the server keeps serving. The data directory is a real 1 MB tmpfs, filled to the
// last byte; then the database is made read-only under the running server, and the tmpfs is remounted
// read-only under a server that starts again. Mounting needs root (CI runs as root). The labs are the
// in-memory fake: what is proven here is the store's side.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { Classroom } from '../../server/classroom/classroom.ts';
import { createApp } from '../../server/http/app.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { type ProgressEvent, ProgressRecorder } from '../../server/labs/progress-recorder.ts';
import { type Logger, silentLogger } from '../../server/log.ts';
import { ClassStore } from '../../server/store/class-store.ts';
import { type Db, openDatabase } from '../../server/store/database.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

const root = process.getuid?.() === 0;
if (!root && process.env.CI === 'true')
  throw new Error('CI=true but not root: the store test mounts a tmpfs');

describe.runIf(root)('a store whose disk is full or read-only', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'maillab-store-full-'));
  const events: ProgressEvent[] = [];
  const errors: string[] = [];
  let db: Db;
  let progress: ProgressStore;
  let base: string;
  let close: () => Promise<void>;
  let clock = Date.parse('2026-03-02T09:00:00.000Z');
  const now = () => new Date(clock);
  let student = '';
  let labId = '';

  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${base}${route}`, {
      method,
      headers: { cookie: student, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: each step reads the JSON shape it expects.
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any };
  };
  const check = async () => {
    // Past the last-seen throttle: every request also tries to write the student's last-seen mark.
    clock += 60_000;
    return call('POST', `/api/labs/${labId}/exercises/listen/check`);
  };

  const runtime = new FakeRuntime();
  runtime.reply = (_host, argv) =>
    argv[5] === 'maillab:checks/probe.sh'
      ? {
          stdout: '::maillab::\tpass\tlistening\tport 25\t\n::maillab::\tfail\tdelivered\tno mail\tsend it\n',
        }
      : undefined;
  const session = SessionGate.ephemeral();
  const log = {
    ...silentLogger,
    error: (fields: { err?: string }, msg: string) => errors.push(`${msg}: ${fields.err}`),
    warn: (fields: { err?: string }, msg: string) => errors.push(`${msg}: ${fields.err}`),
  } as unknown as Logger;

  /** The server's services on the data directory as it is now, as a (re)started server builds them. */
  const start = async () => {
    const lessons = await fixtureCatalog(['06-null-client']);
    db = openDatabase(dir);
    progress = new ProgressStore(db);
    const grader = new GraderStore(runtime);
    const recorder = new ProgressRecorder(progress, now, log);
    recorder.subscribe((event) => events.push(event));
    const labs = new LabService({
      runtime,
      store: grader,
      lessons,
      checker: new Checker(runtime, grader),
      image: async () => 'x',
      recorder,
    });
    const classroom = new Classroom({ classes: new ClassStore(db), progress, lessons, labs, now });
    const app = createApp({
      session,
      lessons,
      labs,
      checker: new Checker(runtime, grader),
      classroom: { classroom, recorder },
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
      log,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = async () => {
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      db.close();
    };
    return { classroom, labs };
  };

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
    const { classroom, labs } = await start();
    const klass = classroom.create('Tuesday', ['06']);
    const joined = await call('POST', '/api/join', { code: klass.joinCode, name: 'Ann' });
    expect(joined.status).toBe(201);
    student = `${SESSION_COOKIE}=${session.newSessionCookie('student', joined.body.student.id)}`;
    const started = await call('POST', '/api/lessons/06/lab');
    labId = started.body.labId;
    await labs.readyLab(labId);
  });

  afterAll(async () => {
    await close?.();
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('records an attempt while the store can write, and says nothing of it', async () => {
    const first = await check();
    expect(first.status).toBe(200);
    expect(first.body.notRecorded).toBeUndefined();
    expect(progress.attempts()).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'attempt')).toHaveLength(1);
  });

  it('tells the student an attempt was not recorded when the disk is full, tells no one else, and keeps serving', async () => {
    // Fill the tmpfs to its last byte.
    const chunk = Buffer.alloc(16 * 1024, 1);
    try {
      for (;;) appendFileSync(path.join(dir, 'filler'), chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    const full = await check();
    expect(full.status).toBe(200);
    // The verdict stands, with the warning beside it; the page's view of the lab says the same.
    expect(full.body.criteria.map((c: { pass: boolean }) => c.pass)).toEqual([true, false]);
    expect(full.body.notRecorded).toMatch(
      /not recorded: .*disk is full or read-only.*your instructor will not see it/,
    );
    const lab = await call('GET', `/api/labs/${labId}`);
    expect(lab.status).toBe(200);
    expect(lab.body.results.listen.notRecorded).toBe(full.body.notRecorded);
    // Nobody was told of an attempt the store does not hold.
    expect(progress.attempts()).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'attempt')).toHaveLength(1);
    expect(errors.join('\n')).toMatch(/could not record attempt: .*full/i);
    // The student's last-seen mark failed too, and refused no request.
    expect(errors.join('\n')).toMatch(/could not record a student as seen: .*full/i);
    // Still serving, reads included.
    expect((await call('GET', '/api/lessons')).status).toBe(200);
    expect((await call('GET', '/api/lessons/06')).status).toBe(200);
    rmSync(path.join(dir, 'filler'));
  });

  it('does the same when the database turns read-only under a running server', async () => {
    // Linux refuses to remount read-only a filesystem with files open for writing, so this is SQLite's
    // own read-only switch: the same SQLITE_READONLY a read-only database file gives.
    db.pragma('query_only = 1');
    try {
      const ro = await check();
      expect(ro.status).toBe(200);
      expect(ro.body.notRecorded).toMatch(/not recorded/);
      expect(progress.attempts()).toHaveLength(1);
      expect(events.filter((e) => e.kind === 'attempt')).toHaveLength(1);
      expect(errors.join('\n')).toMatch(/could not record attempt: .*readonly/i);
      expect((await call('GET', '/api/lessons')).status).toBe(200);
    } finally {
      db.pragma('query_only = 0');
    }
    // Writable again: the next attempt is recorded and says nothing.
    const again = await check();
    expect(again.body.notRecorded).toBeUndefined();
    expect(progress.attempts()).toHaveLength(2);
  });

  it('refuses to start on a read-only data directory, saying what to do', async () => {
    await close();
    execFileSync('mount', ['-o', 'remount,ro', dir]);
    try {
      await expect(start()).rejects.toThrow(/read-only filesystem, so maillab could record no attempt there/);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', dir]);
    }
    // Writable again: it starts, and every attempt so far is still there.
    await start();
    expect(progress.attempts()).toHaveLength(2);
  });
});
