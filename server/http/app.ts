// The HTTP API and the static client, built by a factory so tests run it in-process. Routes call
// services only; they never reach the engine directly.
import { randomBytes } from 'node:crypto';
import express, { type Request } from 'express';
import type { Answers, Checker } from '../checker/checker.ts';
import type { Classroom } from '../classroom/classroom.ts';
import { badRequest, errorMessage, labNotFound, MaillabError } from '../errors.ts';
import type { Admission, Ticket } from '../labs/admission.ts';
import type { IdleExpiry } from '../labs/idle-expiry.ts';
import type { LabService, LabState } from '../labs/lab-service.ts';
import type { LessonCatalog } from '../lessons/catalog.ts';
import type { Lesson } from '../lessons/schema.ts';
import { type Logger, silentLogger } from '../log.ts';
import type { ImageStatus } from '../runtime/image-manager.ts';
import { hostNames } from '../runtime/labels.ts';
import type {
  Exercise,
  LabView,
  LessonDetail,
  LessonSummary,
  QuizAnswers,
  Status,
  Walkthrough,
} from '../shared/api.ts';
import { type ClassRoutesOptions, classRoutes, joinRoutes } from './class-routes.ts';
import { errorHandler } from './error-mapping.ts';
import { isAllowedHost } from './host-check.ts';
import { keyLinkRoutes } from './key-link.ts';
import { pageHeaders } from './page-headers.ts';
import { isSameSiteRequest, type Session, type SessionGate } from './session.ts';

export interface StatusSource {
  engine(): Promise<{ ok: boolean; message?: string; product?: string; version?: string }>;
  image(): ImageStatus;
  /** Whether the engine caps each lab host's disk; shown to the machine's owner only. */
  disk?(): Promise<{ capped: boolean; line: string } | undefined>;
}

export interface AppOptions {
  lessons: LessonCatalog;
  labs: LabService;
  checker: Checker;
  status: StatusSource;
  /** Folder with the built client (index.html, app.js, app.css); omitted in API-only tests. */
  clientDir?: string;
  /** The owner of the labs of the machine's owner session (personal mode); a student owns their own. */
  ownerOf?: (req: Request) => string;
  /** Classroom mode: students join with a code, instructors watch their class; absent in personal mode. */
  classroom?: Omit<ClassRoutesOptions, 'labs' | 'session'> & {
    /** The fair queue for labs beyond the limit; without it a full machine refuses (personal mode). */
    admission?: Admission;
    /** Reclaims idle labs; lab requests and terminal input keep a lab alive. */
    expiry?: IdleExpiry;
  };
  /** Express's `trust proxy` (e.g. "loopback" behind Caddy or nginx on the same machine), for https cookies. */
  trustProxy?: string;
  /** Host header names to answer (DNS-rebinding guard); all names when omitted (in-process tests). */
  allowedHosts?: Set<string>;
  /** The key to this server: no API call answers without a session it signed. */
  session: SessionGate;
  log?: Logger;
}

export function labView(
  lab: LabState,
  labs: LabService,
  lessons: LessonCatalog,
  image: ImageStatus,
): LabView {
  const lesson = lessons.get(lab.lesson);
  const exam = labs.examOf(lab);
  return {
    labId: lab.labId,
    lesson: lab.lesson,
    status: lab.status,
    progress: lab.progress,
    ...(lab.error ? { error: lab.error } : {}),
    results: labs.visibleResults(lab),
    revealed: lab.revealed,
    hosts: lesson.hosts.map((name) => ({ name, fqdn: hostNames(name).fqdn })),
    token: lab.token,
    image: { flavor: image.flavor, description: image.description },
    ...(exam ? { exam } : {}),
    ...(lab.reset ? { reset: { ...lab.reset } } : {}),
  };
}

function lessonSummary(lesson: Lesson): LessonSummary {
  return {
    id: lesson.id,
    number: lesson.number,
    title: lesson.title,
    summary: lesson.summary,
    hosts: lesson.hosts,
    exercises: lesson.exercises.map((e) => ({ id: e.id, title: e.title, kind: e.kind })),
    ...(lesson.exam
      ? { exam: { minutes: lesson.exam.minutes, hintsDuringExam: lesson.exam.hintsDuringExam } }
      : {}),
  };
}

function exerciseView(lesson: Lesson): Exercise[] {
  return lesson.exercises.map((e) =>
    e.kind === 'quiz'
      ? {
          id: e.id,
          title: e.title,
          kind: e.kind,
          criteria: e.questions.map((q) => ({ id: q.id, title: q.text, weight: q.weight })),
          questions: e.questions.map((q) => ({ id: q.id, text: q.text, choices: q.choices })),
        }
      : { id: e.id, title: e.title, kind: e.kind, criteria: e.criteria },
  );
}

/** Who a session or link is, in words for the page that asks before switching. */
function describeIdentity(who: { role: string; id?: string }, classroom?: Classroom): string {
  if (who.role === 'owner') return "this machine's owner";
  try {
    if (who.role === 'instructor') return `the instructor of class "${classroom?.get(who.id ?? '').name}"`;
    const student = classroom?.student(who.id ?? '');
    if (student) return `student "${student.displayName}" of "${classroom?.get(student.classId).name}"`;
  } catch {
    // A class gone since: fall through to the bare role.
  }
  return `a ${who.role}`;
}

export function createApp(opts: AppOptions): express.Express {
  const { lessons, labs, checker, status } = opts;
  const ownerOfOwner = opts.ownerOf ?? (() => 'local');
  const classroom = opts.classroom;
  const sessionOf = (req: Request): Session => {
    const found = (req.res?.locals.session as Session | undefined) ?? opts.session.sessionOf(req);
    if (!found) throw new MaillabError('unauthorized', 'This browser has no maillab session.');
    return found;
  };
  // A student owns their labs under their own id; an instructor's own labs (to try a lesson) are the class's.
  const ownerOf = (req: Request): string => {
    const s = sessionOf(req);
    if (s.role === 'student') return s.id;
    if (s.role === 'instructor') return `${s.id}-instructor`;
    return ownerOfOwner(req);
  };
  /** The lessons a session may open: a student's class's lessons; everything for the others. */
  const lessonAllowed = (req: Request, lessonId: string): boolean => {
    const s = sessionOf(req);
    if (!classroom || s.role === 'owner') return true;
    const classId = s.role === 'student' ? classroom.classroom.student(s.id)?.classId : s.id;
    return classId !== undefined && classroom.classroom.get(classId).lessons.includes(lessonId);
  };
  const allowedLesson = (req: Request, name: string): Lesson => {
    const lesson = lessons.get(name);
    if (!lessonAllowed(req, lesson.id))
      throw new MaillabError('forbidden', `Lesson ${lesson.number} is not one of your class's lessons.`);
    return lesson;
  };
  const app = express();
  const log = opts.log ?? silentLogger;
  app.disable('x-powered-by');
  if (opts.trustProxy) app.set('trust proxy', opts.trustProxy);
  // One line per request, with an id and the lab it touched; never the query string (the key is there).
  app.use((req, res, next) => {
    const id = randomBytes(4).toString('hex');
    const began = Date.now();
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const lab = /^\/api\/labs\/([0-9a-f]+)/.exec(req.path)?.[1];
      log.info(
        {
          req: id,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Date.now() - began,
          ...(lab ? { lab } : {}),
        },
        'request',
      );
    });
    next();
  });
  // First, so every answer carries them, a malformed body's 400 included.
  app.use(pageHeaders);
  app.use(express.json({ limit: '64kb' }));
  const allowedHosts = opts.allowedHosts;
  app.use((req, res, next) => {
    if (allowedHosts && !isAllowedHost(req.headers.host, allowedHosts)) {
      res.status(403).json({
        error: {
          code: 'forbidden',
          message: `This maillab answers to ${[...allowedHosts].join(', ')}, not "${req.headers.host}". Add the name to MAILLAB_ALLOWED_HOSTS.`,
        },
      });
      return;
    }
    next();
  });

  // Opening a printed link (any page with ?key=…) starts a session, or asks first; and logout.
  const { session } = opts;
  app.use(
    keyLinkRoutes({
      session,
      // Instructor and student keys open only in classroom mode, and only for a class and student it has.
      known: (opened) =>
        opened.role === 'owner' ||
        (classroom !== undefined &&
          (opened.role === 'student'
            ? classroom.classroom.student(opened.id ?? '') !== undefined
            : classroom.classroom.list().some((c) => c.id === opened.id))),
      describe: (who) => describeIdentity(who, classroom?.classroom),
    }),
  );

  const api = express.Router();
  if (classroom) api.use(joinRoutes({ ...classroom, labs, session }));
  api.use((req, res, next) => {
    const found = session.sessionOf(req);
    const student = found?.role === 'student' ? classroom?.classroom.student(found.id) : undefined;
    if (!found || (found.role !== 'owner' && !classroom) || (found.role === 'student' && !student))
      throw new MaillabError(
        'unauthorized',
        classroom
          ? 'This browser has no maillab session. Students: open your session link, or join with your class code at /join. Instructors: open the link `npx maillab class create` printed.'
          : 'This browser has no maillab session. Open the link `npx maillab serve` printed when it started (it ends in ?key=…).',
      );
    res.locals.session = found;
    // A last-seen mark the store cannot write (its disk full or read-only) must not refuse the request.
    if (student)
      try {
        classroom?.classroom.touch(student.id);
      } catch (err) {
        opts.log?.warn({ err: errorMessage(err) }, 'could not record a student as seen');
      }
    if (req.method !== 'GET' && req.method !== 'HEAD' && !isSameSiteRequest(req))
      throw new MaillabError('forbidden', 'Refused: this request came from another site.');
    next();
  });
  const admission = classroom?.admission;
  const expiry = classroom?.expiry;
  const ownedLab = (req: Request) => {
    const lab = labs.get(String(req.params.labId));
    // Another's lab is answered as no lab at all: nothing tells a student it exists.
    if (lab.owner !== ownerOf(req)) throw labNotFound(lab.labId);
    expiry?.touch(lab.labId);
    return lab;
  };
  const view = (lab: LabState): LabView => ({
    ...labView(lab, labs, lessons, status.image()),
    ...(expiry && lab.status === 'ready' ? { expiresAt: expiry.expiresAt(lab.labId) } : {}),
  });
  /** A queue ticket as the page sees it: a lab that is starting, whose progress is its place in line. */
  const ticketView = (ticket: Ticket): LabView => ({
    labId: ticket.id,
    lesson: ticket.lesson,
    status: 'starting',
    progress: [admission?.describe(ticket) ?? ''],
    results: {},
    revealed: {},
    hosts: lessons.get(ticket.lesson).hosts.map((name) => ({ name, fqdn: hostNames(name).fqdn })),
    token: '',
    image: { flavor: status.image().flavor, description: status.image().description },
  });

  api.get('/status', async (req, res) => {
    const { selfTest, ...image } = status.image();
    // How the machine is protected is the owner's business, not a student's map of what to try.
    const disk = sessionOf(req).role === 'owner' ? await status.disk?.().catch(() => undefined) : undefined;
    const failedStep = selfTest?.steps.find((step) => !step.ok)?.name;
    res.json({
      engine: await status.engine(),
      image: {
        ...image,
        ...(selfTest
          ? { selfTest: { passed: selfTest.passed, at: selfTest.at, ...(failedStep ? { failedStep } : {}) } }
          : {}),
      },
      ...(disk ? { disk } : {}),
    } satisfies Status);
  });
  api.get('/lessons', (req, res) => {
    res.json(
      lessons
        .list()
        .filter((l) => lessonAllowed(req, l.id))
        .map(lessonSummary),
    );
  });
  api.get('/lessons/:lesson', async (req, res) => {
    const lesson = allowedLesson(req, req.params.lesson);
    const lab = await labs.find(ownerOf(req), lesson.id).catch(() => undefined);
    const ticket = lab ? undefined : admission?.ticketFor(ownerOf(req), lesson.id);
    // The student reads the lesson before pressing Start: time enough to do its setup ahead.
    if (!lab) labs.prepareAhead(lesson.id);
    res.json({
      ...lessonSummary(lesson),
      html: lesson.html,
      exercises: exerciseView(lesson),
      lab: lab ? view(lab) : ticket ? ticketView(ticket) : null,
    } satisfies LessonDetail);
  });
  api.post('/lessons/:lesson/lab', async (req, res) => {
    const lesson = allowedLesson(req, req.params.lesson).id;
    if (admission) {
      const got = await admission.request(ownerOf(req), lesson);
      if (!('token' in got)) {
        res.status(202).json(ticketView(got));
        return;
      }
      res.status(got.status === 'starting' ? 202 : 200).json(view(got));
      return;
    }
    const lab = await labs.start(ownerOf(req), lesson);
    res.status(lab.status === 'starting' ? 202 : 200).json(view(lab));
  });
  api.get('/labs/:labId', async (req, res) => {
    const ticket = admission?.poll(String(req.params.labId));
    if (ticket && ticket.owner === ownerOf(req)) {
      await admission?.pump();
      res.json(ticket.labId ? view(labs.get(ticket.labId)) : ticketView(ticket));
      return;
    }
    res.json(view(ownedLab(req)));
  });
  /** The student is still there: an idle lab's warning is answered by keeping it. */
  api.post('/labs/:labId/keep', (req, res) => {
    const lab = ownedLab(req);
    res.json({ labId: lab.labId, expiresAt: expiry?.expiresAt(lab.labId) ?? null });
  });
  api.post('/labs/:labId/reset', async (req, res) => {
    const lab = await labs.reset(ownedLab(req).labId);
    res.status(202).json(labView(lab, labs, lessons, status.image()));
  });
  api.delete('/labs/:labId', async (req, res) => {
    await labs.finish(ownedLab(req).labId);
    // A lab freed: the next one in the queue starts.
    void admission?.pump();
    res.status(204).end();
  });
  api.post('/labs/:labId/exercises/:exercise/check', async (req, res) => {
    res.json(await labs.check(ownedLab(req).labId, req.params.exercise));
  });
  api.post('/labs/:labId/hand-in', async (req, res) => {
    const lab = ownedLab(req);
    await labs.handIn(lab.labId, 'student');
    res.json(labView(lab, labs, lessons, status.image()));
  });
  api.post('/labs/:labId/exercises/:exercise/reveal', async (req, res) => {
    res.json((await labs.reveal(ownedLab(req).labId, req.params.exercise)) satisfies Walkthrough);
  });
  api.get('/labs/:labId/exercises/:exercise/answers', async (req, res) => {
    const lab = await labs.readyLab(ownedLab(req).labId);
    const exercise = lessons.exercise(lessons.get(lab.lesson), req.params.exercise);
    if (exercise.kind !== 'quiz') throw badRequest(`Exercise ${exercise.id} is not a quiz.`);
    res.json({ answers: await checker.loadAnswers(lab.labId, exercise.id) } satisfies QuizAnswers);
  });
  api.put('/labs/:labId/exercises/:exercise/answers', async (req, res) => {
    const lab = await labs.readyLab(ownedLab(req).labId);
    const lesson = lessons.get(lab.lesson);
    const exercise = lessons.exercise(lesson, req.params.exercise);
    if (exercise.kind !== 'quiz') throw badRequest(`Exercise ${exercise.id} is not a quiz.`);
    const answers = (req.body as { answers?: unknown })?.answers;
    if (!answers || typeof answers !== 'object' || Array.isArray(answers)) {
      throw badRequest('Send {"answers": {"<question id>": "<choice>"}}.');
    }
    const clean: Answers = {};
    for (const [key, value] of Object.entries(answers)) if (typeof value === 'string') clean[key] = value;
    await checker.saveAnswers(lab.labId, exercise, clean);
    res.status(204).end();
  });
  if (classroom) api.use(classRoutes({ ...classroom, labs, session }));
  api.use((_req, _res) => {
    throw new MaillabError('not_found', 'No such API route.');
  });

  app.use('/api', api);
  if (opts.clientDir) {
    const dir = opts.clientDir;
    // Only what the page loads: a source map (an old build's, or one dropped there) is not served.
    app.use((req, _res, next) => {
      if (req.path.endsWith('.map')) throw new MaillabError('not_found', 'No such file.');
      next();
    });
    app.use(express.static(dir, { index: false, maxAge: 0 }));
    // The client routes (/ and /lessons/:id) all load the same page.
    app.get(
      ['/', '/lessons/:lesson', '/join', '/join/:code', '/class/:classId', '/progress'],
      (_req, res) => {
        res.sendFile('index.html', { root: dir });
      },
    );
  }
  app.use(errorHandler(log));
  return app;
}
