// The classroom's HTTP routes: joining a class, a student's own progress, and the instructor's
// dashboard (grid, an attempt's criteria, reset, extend, watch a terminal, exports, a live stream).
// Who may call what is decided here from the session's role, once per route.
import express, { type Request, type Response } from 'express';
import type { Classroom } from '../classroom/classroom.ts';
import { gradesCsv } from '../classroom/grades.ts';
import { MaillabError } from '../errors.ts';
import type { IdleExpiry } from '../labs/idle-expiry.ts';
import type { LabService, LabState } from '../labs/lab-service.ts';
import type { ProgressRecorder } from '../labs/progress-recorder.ts';
import type { Me, WatchGrant } from '../shared/classroom.ts';
import { normalizeJoinCode } from '../store/class-store.ts';
import { EventStreams } from './event-streams.ts';
import { isSameSiteRequest, type Session, type SessionGate } from './session.ts';
import { refuseUnsafeText, safeJson } from './unsafe-text.ts';

export interface ClassRoutesOptions {
  classroom: Classroom;
  recorder: ProgressRecorder;
  labs: LabService;
  session: SessionGate;
  /** The address people open, for the links this server hands out; else the request's own. */
  publicUrl?: string;
  /** Reclaims idle labs; an instructor's "extend" gives one more time. */
  expiry?: IdleExpiry;
  /** The open event streams, ended with a last "stopping" event when the server stops. */
  streams?: EventStreams;
  /** How many wrong join codes one address may send per minute before its wrong codes get 429. */
  joinAttemptsPerMinute?: number;
  /** Successful joins per address and class (tests pass one with their own clock). */
  joinThrottle?: JoinThrottle;
}

const classIdOf = (req: Request) => String((req.params as Record<string, string>).classId);

export const baseUrl = (req: Request, publicUrl?: string) =>
  publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;

/**
 * Wrong join codes are counted per address (10 a minute). Past that, a wrong code from the address
 * is answered 429 at once, but a right code still gets in: behind a school's NAT a whole room shares
 * one address, and one student typing wrong codes (or a script) must not keep the others out.
 * What stops guessing is then the code's size (31^6 codes, 29.7 bits) against the rate the server
 * answers at, and the successful-join throttle below for whatever a guess would win.
 */
class WrongCodeLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly perMinute: number) {}
  overLimit(address: string): boolean {
    const now = Date.now();
    const recent = (this.failures.get(address) ?? []).filter((t) => now - t < 60_000);
    if (recent.length) this.failures.set(address, recent);
    else this.failures.delete(address);
    return recent.length >= this.perMinute;
  }
  failed(address: string): void {
    this.failures.set(address, [...(this.failures.get(address) ?? []), Date.now()]);
  }
}

/**
 * Successful joins per address and class: a bucket of 10 joins that refills one a second. Simulated
 * (test/unit/join-throttle.test.ts) for the cases that matter: a room of 30 behind one address
 * joining as people do, one a second, never waits; 30 pressing Join in the same instant get in
 * within 20 s (10 at once, then one a second); a script making 20 fake students in a row gets 10
 * and then one a second, each arriving on the dashboard where the instructor sees them.
 */
export class JoinThrottle {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly burst = 10,
    private readonly refillMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one join for (address, class), or says how many seconds until the next one is free. */
  take(address: string, classId: string): { ok: true } | { ok: false; retryAfterS: number } {
    const key = `${address} ${classId}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / this.refillMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.ceil(((1 - bucket.tokens) * this.refillMs) / 1000) };
  }
}

/** The routes that need no session: joining a class. Mounted before the session check. */
export function joinRoutes(opts: ClassRoutesOptions): express.Router {
  const router = express.Router();
  const limiter = new WrongCodeLimiter(opts.joinAttemptsPerMinute ?? 10);
  const throttle = opts.joinThrottle ?? new JoinThrottle();
  router.post('/join', (req, res) => {
    // No session yet, but still only from this server's own join page: another site cannot sign
    // a visitor into a class.
    if (!isSameSiteRequest(req))
      throw new MaillabError('forbidden', 'Refused: this request came from another site.');
    const address = req.ip ?? 'unknown';
    const body = (req.body ?? {}) as { code?: unknown; name?: unknown; studentNumber?: unknown };
    refuseUnsafeText('name', body.name);
    refuseUnsafeText('student id', body.studentNumber);
    const code = normalizeJoinCode(String(body.code ?? ''));
    const klass = code ? opts.classroom.list().find((c) => c.joinCode === code) : undefined;
    if (!klass) {
      if (limiter.overLimit(address))
        throw new MaillabError(
          'rate_limited',
          'Too many wrong join codes from this address. Wait a minute, then type the code your instructor gave.',
        );
      limiter.failed(address);
    }
    if (klass) {
      const taken = throttle.take(address, klass.id);
      if (!taken.ok) {
        res.setHeader('Retry-After', String(taken.retryAfterS));
        throw new MaillabError(
          'rate_limited',
          `Many students just joined this class from your network. Wait ${taken.retryAfterS} s, then press Join again.`,
        );
      }
    }
    // A wrong code is refused here (403), without saying which classes exist.
    const { student, klass: joinedClass } = opts.classroom.join(
      String(body.code ?? ''),
      String(body.name ?? ''),
      body.studentNumber === undefined || body.studentNumber === '' ? undefined : String(body.studentNumber),
    );
    res.setHeader('Set-Cookie', opts.session.setCookieHeader(req.secure, 'student', student.id));
    res.status(201).json({
      student: { id: student.id, displayName: student.displayName },
      class: { id: joinedClass.id, name: joinedClass.name, lessons: joinedClass.lessons },
      link: `${baseUrl(req, opts.publicUrl)}/?key=${opts.session.keyFor('student', student.id)}`,
    });
  });
  return router;
}

/** The routes for sessions: /me for everyone, /classes/:classId/... for its instructor and the owner. */
export function classRoutes(opts: ClassRoutesOptions): express.Router {
  const { classroom, labs, session } = opts;
  const router = express.Router();
  const sessionOf = (res: Response) => res.locals.session as Session;

  router.get('/me', (req, res) => {
    const s = sessionOf(res);
    if (s.role === 'student') {
      const student = classroom.student(s.id);
      const klass = student ? classroom.get(student.classId) : undefined;
      res.json({
        role: s.role,
        student: { id: s.id, displayName: student?.displayName },
        class: klass ? { id: klass.id, name: klass.name, lessons: klass.lessons } : null,
        link: `${baseUrl(req, opts.publicUrl)}/?key=${session.keyFor('student', s.id)}`,
        expiring: labs
          .list(s.id)
          .filter((l) => l.status === 'ready' && opts.expiry?.warning(l.labId))
          .map((l) => ({
            labId: l.labId,
            lesson: l.lesson,
            expiresAt: (opts.expiry as IdleExpiry).expiresAt(l.labId),
          })),
      } satisfies Me);
      return;
    }
    if (s.role === 'instructor') {
      const klass = classroom.get(s.id);
      res.json({ role: s.role, class: { id: klass.id, name: klass.name, lessons: klass.lessons } });
      return;
    }
    res.json({ role: s.role, classes: classroom.list().map((c) => ({ id: c.id, name: c.name })) });
  });

  router.get('/me/progress', (_req, res) => {
    const s = sessionOf(res);
    if (s.role !== 'student')
      throw new MaillabError('forbidden', 'Only a student of a class has a progress page.');
    const student = classroom.student(s.id);
    if (!student) throw new MaillabError('unauthorized', 'This student is not in any class of this maillab.');
    const grid = classroom.grid(student.classId);
    const me = grid.students.find((st) => st.id === s.id);
    res.json({ class: { name: grid.class.name, lessons: grid.class.lessons }, columns: grid.columns, me });
  });

  // Every route below is an instructor's: the class's own instructor, or the machine's owner.
  const instructor = express.Router({ mergeParams: true });
  router.use(
    '/classes/:classId',
    (req, res, next) => {
      const s = sessionOf(res);
      const classId = classIdOf(req);
      if (!(s.role === 'owner' || (s.role === 'instructor' && s.id === classId)))
        throw new MaillabError(
          'forbidden',
          'This is an instructor’s page: open the instructor link `npx maillab class create` printed.',
        );
      classroom.get(classId);
      next();
    },
    instructor,
  );

  const classLab = (req: Request): LabState => {
    const lab = labs.get(String(req.params.labId));
    if (!classroom.isClassLab(classIdOf(req), lab))
      throw new MaillabError('lab_not_found', `No lab ${String(req.params.labId)} in this class.`);
    return lab;
  };

  instructor.get('/grid', (req, res) => {
    res.json(classroom.grid(classIdOf(req)));
  });
  instructor.get('/attempts/:attemptId', (req, res) => {
    const id = Number(req.params.attemptId);
    if (!Number.isSafeInteger(id)) throw new MaillabError('bad_request', 'An attempt id is a number.');
    res.json(classroom.attempt(classIdOf(req), id));
  });
  instructor.get('/export.csv', (req, res) => {
    const klass = classroom.get(classIdOf(req));
    res
      .type('text/csv')
      .setHeader('Content-Disposition', `attachment; filename="${klass.id}-grades.csv"`)
      .send(gradesCsv(classroom.grades(klass.id)));
  });
  instructor.get('/export.json', (req, res) => {
    const klass = classroom.get(classIdOf(req));
    res.setHeader('Content-Disposition', `attachment; filename="${klass.id}-grades.json"`);
    // Names as typed, with any control or bidi character as a \u escape: the same value, safe to view.
    res.type('json').send(safeJson(classroom.grades(klass.id)));
  });
  instructor.post('/labs/:labId/reset', async (req, res) => {
    const lab = await labs.reset(classLab(req).labId, 'instructor');
    res.status(202).json({ labId: lab.labId, status: lab.status });
  });
  instructor.post('/labs/:labId/extend', (req, res) => {
    const lab = classLab(req);
    if (!opts.expiry) throw new MaillabError('bad_request', 'This maillab does not expire idle labs.');
    const expiresAt = opts.expiry.extend(lab.labId);
    res.json({ labId: lab.labId, expiresAt });
  });
  /** A token to watch the lab's terminals read-only; it cannot type, resize or open a shell. */
  instructor.get('/labs/:labId/watch', (req, res) => {
    const lab = classLab(req);
    res.json({
      labId: lab.labId,
      watchToken: session.tokenFor('watch', lab.labId),
      hosts: classroom.hostsOf(lab.lesson),
    } satisfies WatchGrant);
  });
  // Live changes for the dashboard: an event after each recorded attempt, reveal or lab change of a
  // student of the class; the page then fetches the grid. A comment every 20 s keeps proxies from
  // closing the stream, and a tick every 30 s lets the page redraw who went idle.
  const streams = opts.streams ?? new EventStreams();
  instructor.get('/events', (req, res) => {
    const classId = classIdOf(req);
    // A stopping server opens no new stream; the page's EventSource tries again later.
    if (streams.closed) {
      res.status(503).json({ error: { code: 'stopping', message: 'The maillab server is stopping.' } });
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      // nginx buffers responses by default; a stream must pass through as it is written.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const stop = opts.recorder.subscribe((event) => {
      if (classroom.student(event.owner)?.classId === classId) send('change', event);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 20_000);
    const tick = setInterval(() => send('tick', { at: new Date().toISOString() }), 30_000);
    streams.add(res, () => {
      stop();
      clearInterval(keepAlive);
      clearInterval(tick);
    });
  });
  return router;
}
