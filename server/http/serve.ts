// `maillab serve`: the image (built on first use, progress on the console), the client bundle, the
// HTTP API and the terminal WebSockets in one process.

import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Request } from 'express';
import { engineStatus, type Services } from '../compose.ts';
import { errorMessage } from '../errors.ts';
import { HOST_WATCH_MS, startHostWatch } from '../labs/host-watch.ts';
import { describeDiskCap } from '../runtime/disk-cap.ts';
import { attachTerminalServer, isSameOrigin } from '../terminal/terminal-server.ts';
import { TerminalSessions } from '../terminal/terminal-sessions.ts';
import { createApp } from './app.ts';
import { buildClient } from './client-build.ts';
import { EventStreams } from './event-streams.ts';
import { allowedHostNames, isAllowedHost } from './host-check.ts';
import { forgetServing, listenBase, recordServing } from './serving-address.ts';
import { SessionGate } from './session.ts';

/** How often lab hosts' disk use and process counts are measured (a disk look walks the written files). */
const EXAM_WATCH_MS = 5_000;
const CLASS_WATCH_MS = 5_000;
/** How long a request in flight may take to finish once the server stops. */
const HTTP_DRAIN_MS = 1_000;
/** Everything close() does fits in this, so a SIGTERM ends the process within 5 s. */
const STOP_BUDGET_MS = 4_000;

export interface RunningServer {
  server: Server;
  /** Where the server answers, e.g. http://127.0.0.1:8080 (no page works here without a session). */
  url: string;
  /** Where people open it: MAILLAB_PUBLIC_URL, else its host (localhost for all interfaces) and port. */
  publicUrl: string;
  /** The link to open: it carries the key that starts a session. */
  loginUrl: string;
  /** A link to a page of this server that starts a session on the way, e.g. link('/lessons/06'). */
  link(pathname: string): string;
  terminals: TerminalSessions;
  close(): Promise<void>;
}

export async function serve(
  services: Services,
  opts: {
    host: string;
    port: number;
    log?: (line: string) => void;
    buildImage?: boolean;
    /** Who owns the labs a request touches; one implicit local owner until classrooms arrive. */
    ownerOf?: (req: Request) => string;
    /** The server's key; by default kept in the state directory so the link survives restarts. */
    session?: SessionGate;
    /** Classroom mode: students join classes, instructors have dashboards (`serve --classroom`). */
    classroom?: boolean;
  },
): Promise<RunningServer> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const { config, runtime, labs, lessons, checker, images } = services;

  const session = opts.session ?? (await SessionGate.load(config.stateDir));
  const clientDir = path.join(config.root, 'client', 'dist');
  await buildClient({ outdir: clientDir, minify: true });

  const diskStatus = async () => {
    const cap = await runtime.diskCap(images.status().tag ?? undefined);
    return { capped: cap.capped, line: describeDiskCap(cap) };
  };
  const engine = await engineStatus(runtime);
  if (!engine.ok) {
    log(`! ${engine.message}`);
    log('  The page will show this too; labs start once the engine answers.');
  } else {
    log(`Engine: ${engine.product} ${engine.version}`);
    const found = await images.find();
    if (opts.buildImage !== false) {
      if (!found) log('Building the lab image (first use only; about a minute on 2 cores, progress below)…');
      else if (!images.status().selfTest)
        log(`Testing the lab image ${found.image} once before first use (about 10 s)…`);
      try {
        const choice = await images.ensure((line) => log(`  ${line}`));
        log(`Lab image: ${choice.image} (${choice.reason})`);
      } catch (err) {
        // The page shows it too; the server keeps serving lessons.
        log(`! The lab image is not usable: ${errorMessage(err)}`);
      }
    } else if (images.status().tag) {
      log(`Lab image: ${images.status().tag}`);
    }
    // What holds a student who fills a host's disk: the engine's cap, or only the watch below.
    const cap = await diskStatus().catch(() => undefined);
    if (cap?.capped) log(cap.line);
    else if (cap) log(`${opts.classroom ? '! ' : ''}${cap.line}`);
    const { adopted, removed } = await labs.adopt();
    if (adopted || removed)
      log(`Labs from an earlier run: ${adopted} re-adopted, ${removed} broken ones removed.`);
    services.spares.kick();
  }
  // Labs made ahead: the next Start takes a ready one (MAILLAB_SPARE_LABS).
  labs.setOnLabStarted((lesson) => services.spares.noteStart(lesson));
  // A lesson whose lab ran its setup gets its prepared images made next, one lesson at a time. In a
  // classroom, spares and preparation go only to lessons that a class has: the machine is the class's.
  const inAClass = (lessonId: string) => services.classroom.list().some((c) => c.lessons.includes(lessonId));
  labs.setPrepareInBackground(opts.classroom ? inAClass : true);
  if (opts.classroom) services.spares.setLessonFilter(inAClass);

  const terminals = new TerminalSessions({
    shellCommand: async (labId, host) => {
      const command = await runtime.shellCommand(labId, host);
      const banner = labs.takeShellRestartNotice(labId, host);
      return banner ? { ...command, banner } : command;
    },
    graceMs: config.terminalGraceMs,
    onInput: (labId) => {
      const owner = labOwner(labId);
      if (!owner || !opts.classroom) return;
      services.expiry.touch(labId);
      // A last-seen mark the store cannot write (its disk full or read-only) must not end the shell.
      try {
        services.classroom.touch(owner);
      } catch (err) {
        services.log.warn({ err: errorMessage(err) }, 'could not record a student as seen');
      }
    },
  });
  const labOwner = (labId: string) => {
    try {
      return labs.get(labId).owner;
    } catch {
      return undefined;
    }
  };
  services.labs.setOnLabGone((labId, reason) => terminals.closeLab(labId, reason));

  const streams = new EventStreams();
  const allowedHosts = allowedHostNames(opts.host, config.allowedHosts);
  const app = createApp({
    log: services.log,
    session,
    allowedHosts,
    lessons,
    labs,
    checker,
    clientDir,
    ownerOf: opts.ownerOf ?? (() => config.owner),
    ...(config.trustProxy ? { trustProxy: config.trustProxy } : {}),
    ...(opts.classroom
      ? {
          classroom: {
            classroom: services.classroom,
            recorder: services.recorder,
            admission: services.admission,
            expiry: services.expiry,
            streams,
            ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
          },
        }
      : {}),
    status: { engine: () => engineStatus(runtime), image: () => images.status(), disk: diskStatus },
  });
  const server = createServer(app);
  const ws = attachTerminalServer(server, {
    sessions: terminals,
    authorize: async (labId, host, token, req, watch) => {
      let lab: ReturnType<typeof labs.get>;
      try {
        lab = labs.get(labId);
      } catch {
        return false;
      }
      const who = session.sessionOf(req);
      // A lab being made anew (a reset) is no refusal: the socket is told so and its terminal retries,
      // so an instructor's watch attaches again by itself once the student's new shell opens.
      if (who && lab.status === 'starting')
        throw new Error('the lab is being made anew; this terminal reconnects when it is ready');
      try {
        // An exam being handed in, or handed in, opens no more shells.
        if (!who || lab.status !== 'ready' || lab.closed || !labs.isStudentHost(labId, host)) return false;
        if (watch)
          return (
            session.isValidToken('watch', labId, token) &&
            (who.role === 'owner' ||
              (who.role === 'instructor' && services.classroom.isClassLab(who.id, lab)))
          );
        // A student's socket opens only their own labs, whatever token it carries.
        if (who.role === 'student' && lab.owner !== who.id) return false;
        if (who.role === 'instructor' && lab.owner !== `${who.id}-instructor`) return false;
        return lab.token === token;
      } catch {
        return false;
      }
    },
    hasSession: (req) => session.sessionOf(req) !== undefined,
    onSocketError: (labId, host, err) =>
      services.log.warn(
        { lab: labId, host, err: err.message },
        'terminal socket sent a malformed frame; closed',
      ),
    isAllowedOrigin: (origin, hostHeader) =>
      isAllowedHost(hostHeader, allowedHosts) &&
      (isSameOrigin(origin, hostHeader) || (origin !== undefined && config.allowedOrigins.includes(origin))),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`Port ${opts.port} on ${opts.host} is in use: stop what runs there or pass --port.`)
          : err,
      ),
    );
    server.listen(opts.port, opts.host, resolve);
  });
  // The engine cannot cap a container's disk on every storage driver, nor end a fork bomb: maillab
  // watches both and stops the host (its lab then says why).
  const stopHostWatch = startHostWatch(labs, {
    diskLimitBytes: config.diskLimitBytes,
    everyMs: HOST_WATCH_MS,
    warn: (what, err) => services.log.warn({ err }, what),
    diskCapped: async () => (await diskStatus()).capped,
    diskFree: () => runtime.engineDiskFree(),
  });
  // An exam ends at its limit whether or not its page is open: hand in what stands then.
  const examWatch = setInterval(() => {
    labs
      .enforceExamLimits()
      .then((ended) => {
        for (const labId of ended) log(`Exam lab ${labId} reached its time limit and was handed in.`);
      })
      .catch((err) => services.log.warn({ err: errorMessage(err) }, 'exam watch failed'));
  }, EXAM_WATCH_MS);
  examWatch.unref();
  // Classrooms: idle labs are reclaimed (their attempts stay recorded), and the queue moves on.
  const classWatch = opts.classroom
    ? setInterval(() => {
        services.expiry
          .sweep()
          .then((expired) => {
            for (const labId of expired) services.log.info({ lab: labId }, 'idle lab reclaimed');
            return services.admission.pump();
          })
          .catch((err) => services.log.warn({ err: errorMessage(err) }, 'class watch failed'));
      }, CLASS_WATCH_MS)
    : undefined;
  classWatch?.unref();
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${opts.host}:${port}`;
  const publicUrl = config.publicUrl ?? listenBase(opts.host, port);
  // `class create` and `class link` in another shell print links with this address.
  try {
    recordServing(config.dataDir, publicUrl);
  } catch (err) {
    services.log.warn({ err: errorMessage(err) }, 'could not record where this server is reached');
  }
  return {
    server,
    url,
    publicUrl,
    loginUrl: `${url}/?key=${session.key}`,
    link: (pathname) => `${url}${pathname}${pathname.includes('?') ? '&' : '?'}key=${session.key}`,
    terminals,
    close: async () => {
      const began = Date.now();
      forgetServing(config.dataDir);
      stopHostWatch();
      clearInterval(examWatch);
      clearInterval(classWatch);
      // People first: dashboards get a last "stopping" event and every socket ends, so nothing an
      // open page holds keeps the process alive (server.close() waits for each open request).
      streams.stopAll();
      ws.close();
      terminals.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A request still being answered gets a moment; then its connection is cut.
      const cut = setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS);
      await closed;
      clearTimeout(cut);
      // Spares belong to this server, and a lesson preparation in progress leaves no lab behind;
      // removing them takes about a second per lab, so past the budget the rest is said, not awaited.
      const cleanup = Promise.all([
        services.spares.stop().catch(() => 0),
        services.prepared.stop().catch(() => {}),
      ]).then(([spares]) => spares);
      const budget = Math.max(0, STOP_BUDGET_MS - (Date.now() - began));
      const spares = await Promise.race([
        cleanup,
        new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), budget).unref()),
      ]);
      if (spares === 'late')
        log(
          'Spare labs were still being removed when the server stopped: `npx maillab spares clear` removes any left.',
        );
      else if (spares) log(`Removed ${spares} spare lab${spares === 1 ? '' : 's'} prepared ahead.`);
    },
  };
}
