// The maillab command line, modelled on Red Hat's `lab`: lab start|grade|solve|finish|shell|reset,
// images build, doctor, serve. Every command works without a browser.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { NOT_ANSWERED } from '../checker/checker.ts';
import type { GradeReport } from '../checker/result.ts';
import { compose, engineStatus, type Services } from '../compose.ts';
import { type Config, readConfig } from '../config.ts';
import { errorMessage, MaillabError } from '../errors.ts';
import { handInNote } from '../labs/exam.ts';
import type { LabState } from '../labs/lab-service.ts';
import { notPreparable } from '../labs/prepared-images.ts';
import type { Lesson } from '../lessons/schema.ts';
import { createLogger } from '../log.ts';
import { describeDiskCap } from '../runtime/disk-cap.ts';
import { hostNames } from '../runtime/labels.ts';
import { GRADER_HOST } from '../runtime/runtime.ts';
import { allowOnly, parseArgs } from './args.ts';
import { CLASS_USAGE, classCommand } from './class.ts';
import { spawnDetached } from './detached.ts';
import { examIntro, spawnExamWatch, timeLeft, watchExam } from './exam.ts';
import { spawnHostWatch, watchHosts } from './host-watch.ts';
import { describeSpares, spares } from './spares.ts';
import { defaultJobs, verifyLessons, verifyPhases, verifyTable } from './verify.ts';

const USAGE = `maillab: interactive labs for Linux mail services (postfix, dovecot)

Usage:
  maillab serve [--host 127.0.0.1] [--port 8080] [--classroom]
                                                   start the web app (builds the lab image on first use);
                                                   --classroom: students join classes, instructors watch
  maillab lab start <lesson> [--fault ID]          create the lab and print its hosts (--fault: which
                                                   fault a break-fix lesson's lab gets; instructors)
  maillab lab grade <lesson> [--exercise ID] [--json]
                                                   run the checks; exit 0 only if every criterion passes
  maillab lab handin <lesson>                      end an exam now and print the full report
  maillab lab answer <lesson> <exercise> <question>=<choice>...
                                                   answer quiz questions
  maillab lab solve <lesson> [--exercise ID]       apply the reference solution (instructors, tests)
  maillab lab reset <lesson>                       recreate the lab from scratch
  maillab lab finish <lesson>                      destroy the lab and everything it created
  maillab lab shell <lesson> <host>                an interactive root shell on a host
  maillab lessons                                  list the lessons
  maillab spares [list|fill [06=5,07=2]|clear]     labs made ahead, so a start takes a ready one
                                                   (the server keeps MAILLAB_SPARE_LABS filled)
  maillab images build [--force] [--flavor auto|rhel9|offline]
                                                   build (or find) the lab image and self-test it
  maillab images save <file>                       write the lab image to a file (docker save)
  maillab images load <file>                       load a saved image; it self-tests on first use
  maillab images prepare [lesson...]               do lessons' setup ahead, as images their labs boot from
  maillab images list                              the lab image and the prepared lesson images
  maillab images prune                             remove the prepared lesson images
  maillab verify [lesson...] [--exercise ID] [--jobs N] [--json]
                                                   prove lessons on this machine: a fresh lab fails,
                                                   solutions and variants pass, mistakes and cheats fail
  maillab doctor                                   is the engine reachable? which image, self-tested?
${CLASS_USAGE}

A lesson is named by its folder (06-null-client) or its number (06).`;

function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function startLab(services: Services, lesson: string, fault?: string): Promise<LabState> {
  const lab = await services.labs.start(services.config.owner, lesson, fault ? { fault } : {});
  let shown = 0;
  const show = () => {
    while (shown < lab.progress.length) out(`  ${lab.progress[shown++]}`);
  };
  const timer = setInterval(show, 200);
  try {
    await lab.ready;
  } finally {
    clearInterval(timer);
    show();
  }
  return lab;
}

async function requireLab(services: Services, lesson: string): Promise<LabState> {
  const lab = await services.labs.find(services.config.owner, lesson);
  if (!lab) {
    const id = services.lessons.get(lesson).number;
    throw new MaillabError(
      'lab_not_found',
      `No lab is running for lesson ${id}. Start it: npx maillab lab start ${id}`,
    );
  }
  return services.labs.readyLab(lab.labId);
}

function printReport(report: GradeReport, lesson: Lesson): void {
  out(`Lesson ${report.lesson}: ${lesson.title}`);
  if (report.exam) out(timeLeft(report.exam));
  let unanswered = 0;
  let otherFailures = 0;
  for (const exercise of report.exercises) {
    out(`\n  ${exercise.title} (${exercise.id})`);
    const quiz = lesson.exercises.find((e) => e.id === exercise.id && e.kind === 'quiz');
    for (const c of exercise.criteria) {
      out(`    ${c.pass ? 'PASS' : 'FAIL'}  ${c.title}`);
      out(`          ${c.message}`);
      const question = quiz?.kind === 'quiz' ? quiz.questions.find((q) => q.id === c.id) : undefined;
      // A CLI student sees the choices and the command to answer with; in the page they are the form.
      if (!c.pass && question) {
        out(`          choices: ${question.choices.map((choice) => `"${choice}"`).join(', ')}`);
        out(`          answer:  npx maillab lab answer ${lesson.number} ${exercise.id} ${c.id}="<choice>"`);
      }
      if (!c.pass && c.hint) out(`          hint: ${c.hint}`);
      if (!c.pass && question && c.message === NOT_ANSWERED) unanswered++;
      else if (!c.pass) otherFailures++;
    }
    if (exercise.notRecorded) out(`  ! ${exercise.notRecorded}`);
  }
  out(report.exam ? `\nScore: ${Math.round(report.score)}/100` : `\nScore: ${report.score}%`);
  if (unanswered > 0 && otherFailures === 0)
    out(`Only quiz questions are left: ${unanswered} not answered yet (lab answer, above).`);
  if (report.exam && !report.exam.handedIn)
    out('(During the exam only pass or fail is shown; `lab handin` ends it and prints the full report.)');
}

async function lab(
  services: Services,
  words: string[],
  flags: Record<string, string | true>,
): Promise<number> {
  const [verb, lessonName, ...rest] = words;
  if (!verb || !lessonName) throw new MaillabError('bad_request', `Usage:\n${USAGE}`);
  const options: Record<string, string[]> = {
    start: ['fault'],
    grade: ['exercise', 'json'],
    solve: ['exercise'],
  };
  allowOnly(flags, options[verb] ?? [], `lab ${verb}`);
  const lesson = services.lessons.get(lessonName);
  switch (verb) {
    case 'start': {
      out(`Starting lab for lesson ${lesson.number}: ${lesson.title}`);
      const state = await startLab(
        services,
        lesson.id,
        typeof flags.fault === 'string' ? flags.fault : undefined,
      );
      out(`\nLab ${state.labId} is ready. Hosts:`);
      for (const host of lesson.hosts) {
        const [fqdn, ...aliases] = hostNames(host).aliases.filter((a) => a !== host);
        out(`  ${host.padEnd(8)} ${fqdn}${aliases.length ? ` (${aliases.join(', ')})` : ''}`);
      }
      // The lab ran its setup: the next one of this lesson boots from images made now, in a process of
      // its own that outlives this command (the server does the same in its background).
      if (state.progress.some((p) => p.startsWith('Preparing the lab')) && services.prepared.enabled) {
        const image = (await services.images.find())?.image;
        if (image && !notPreparable(lesson) && !(await services.prepared.imagesFor(lesson, image)))
          spawnDetached(['images', 'prepare', lesson.number]);
      }
      out(`\nOpen a shell:  npx maillab lab shell ${lesson.number} ${lesson.hosts[0]}`);
      out(`Check work:    npx maillab lab grade ${lesson.number}`);
      // With no server running, nothing else would stop a host that fills the disk.
      await spawnHostWatch(services).catch(() => undefined);
      const exam = services.labs.examOf(state);
      if (exam) {
        out('');
        for (const line of examIntro(exam, lesson.number)) out(line);
        if (!exam.handedIn && exam.secondsLeft > 0) spawnExamWatch(state.labId);
      }
      return 0;
    }
    case 'handin': {
      const state = await requireLab(services, lesson.id);
      const ended = services.labs.examOf(state)?.handedIn;
      // A second hand-in changes nothing, so it must not say it is handing in again.
      out(
        ended
          ? `Already handed in: ${handInNote(ended)}`
          : 'Handing in: closing the shells and grading every criterion…',
      );
      const handIn = await services.labs.handIn(state.labId, 'student');
      printReport({ ...handIn.report, exam: services.labs.examOf(state) ?? undefined }, lesson);
      return handIn.report.exercises.every((e) => e.criteria.every((c) => c.pass)) ? 0 : 1;
    }
    case 'grade': {
      const state = await requireLab(services, lesson.id);
      const exerciseId = typeof flags.exercise === 'string' ? flags.exercise : undefined;
      let report: GradeReport;
      if (exerciseId) {
        const result = await services.labs.check(state.labId, exerciseId);
        report = { lesson: lesson.id, exercises: [result], score: result.score };
      } else report = await services.labs.grade(state.labId);
      if (flags.json) out(JSON.stringify(report, null, 2));
      else printReport(report, lesson);
      return report.exercises.every((e) => e.criteria.every((c) => c.pass)) ? 0 : 1;
    }
    case 'answer': {
      const state = await requireLab(services, lesson.id);
      const [exerciseId, ...pairs] = rest;
      const exercise = services.lessons.exercise(lesson, exerciseId ?? '');
      if (exercise.kind !== 'quiz')
        throw new MaillabError('bad_request', `Exercise ${exercise.id} is not a quiz.`);
      const answers: Record<string, string> = {};
      for (const pair of pairs) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new MaillabError('bad_request', `Answer as question=choice, not "${pair}".`);
        answers[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      for (const q of exercise.questions) {
        out(`  ${q.id}: ${q.text}\n      choices: ${q.choices.map((c) => `"${c}"`).join(', ')}`);
      }
      await services.checker.saveAnswers(state.labId, exercise, answers);
      out(`Answers saved. Grade them with: npx maillab lab grade ${lesson.number}`);
      return 0;
    }
    case 'solve': {
      const state = await requireLab(services, lesson.id);
      const exerciseId = typeof flags.exercise === 'string' ? flags.exercise : undefined;
      const exercises = exerciseId ? [services.lessons.exercise(lesson, exerciseId)] : lesson.exercises;
      for (const exercise of exercises) {
        out(`Applying the reference solution of ${exercise.id}…`);
        await services.checker.solve(state.labId, lesson, exercise);
      }
      return 0;
    }
    case 'reset': {
      const state = await requireLab(services, lesson.id);
      out(`Resetting lab ${state.labId}…`);
      const fresh = await services.labs.reset(state.labId);
      await fresh.ready;
      await spawnHostWatch(services).catch(() => undefined);
      out('Lab is fresh again.');
      return 0;
    }
    case 'finish': {
      const removed = await services.labs.finishAll(services.config.owner, lesson.id);
      out(
        removed.length
          ? `Lab ${removed.join(', ')} finished: containers and network removed.`
          : `No lab was running for lesson ${lesson.number}.`,
      );
      return 0;
    }
    case 'shell': {
      const host = rest[0];
      if (!host || host === GRADER_HOST || !lesson.hosts.includes(host)) {
        throw new MaillabError('bad_request', `Name a host of this lesson: ${lesson.hosts.join(', ')}.`);
      }
      const state = await requireLab(services, lesson.id);
      if (state.closed || (state.exam && Date.now() >= Date.parse(state.exam.deadline)))
        throw new MaillabError(
          'forbidden',
          `The exam of lesson ${lesson.number} is over: its hosts are closed. \`npx maillab lab grade ${lesson.number}\` shows the report.`,
        );
      // `docker exec -it` without a terminal fails with the engine's raw "the input device is not a TTY".
      if (!process.stdin.isTTY)
        throw new MaillabError(
          'bad_request',
          `lab shell needs a terminal: run it in one (not through a pipe or from a script), or open lesson ${lesson.number} in the browser, where ${host} has a terminal beside the text.`,
        );
      const command = await services.runtime.shellCommand(state.labId, host);
      const child = spawn(command.file, command.args, {
        stdio: 'inherit',
        env: { ...process.env, ...command.env },
      });
      return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    }
    default:
      throw new MaillabError('bad_request', `Unknown command "lab ${verb}".\n${USAGE}`);
  }
}

async function doctor(services: Services): Promise<number> {
  let ok = true;
  const engine = await engineStatus(services.runtime);
  if (engine.ok) {
    const info = await services.runtime.info();
    out(`✓ Engine: ${info.product} ${info.version} at ${info.endpoint}, cgroup v${info.cgroupVersion}`);
  } else {
    ok = false;
    out(`✗ Engine: ${engine.message}`);
  }
  if (engine.ok) {
    const image = await services.images.find();
    const tested = services.images.status().selfTest;
    if (!image) out('• Lab image: not built yet. Build it: npx maillab images build (or just start a lab)');
    else if (!tested) {
      out(`• Lab image: ${image.image} (${services.images.status().description})`);
      out('    Self-test: not run yet; it runs before the first lab (or: npx maillab images build).');
    } else if (tested.passed) {
      out(`✓ Lab image: ${image.image} (${services.images.status().description})`);
      out(`    Self-test: passed, ${tested.steps.length} steps, ${tested.at}`);
    } else {
      ok = false;
      const failed = tested.steps.find((s) => !s.ok);
      out(`✗ Lab image: ${image.image} failed its self-test at "${failed?.name}" (${tested.at})`);
      for (const line of (failed?.output ?? '').split('\n').slice(-6)) out(`    ${line}`);
    }
    // What stops a student filling the machine's disk: the engine's cap, or only the host watch.
    const cap = await services.runtime.diskCap(image?.image).catch(() => undefined);
    if (cap) out(`${cap.capped ? '✓' : '!'} ${describeDiskCap(cap)}`);
    const spareIds = new Set((await services.labs.spares()).map((l) => l.labId));
    const labs = (await services.labs.listLabs()).filter((l) => !spareIds.has(l.labId));
    out(
      `• Labs running: ${labs.length}${labs.map((l) => `\n    ${l.labId}  lesson ${l.lesson}  owner ${l.owner}`).join('')}`,
    );
    const waiting = await describeSpares(services);
    out(
      `• Spare labs made ahead (they count against MAILLAB_MAX_LABS=${services.config.maxLabs}): ${waiting.length}${waiting.map((l) => `\n    ${l}`).join('')}${waiting.length ? '\n    Remove them: npx maillab spares clear' : ''}`,
    );
    const prepared = await services.prepared.list();
    out(
      `• Prepared lesson images (setup done ahead${services.prepared.enabled ? '' : '; not used: MAILLAB_PREPARED_IMAGES=0'}): ${prepared.length}${prepared.length ? ` for lessons ${[...new Set(prepared.map((p) => p.reference.split(':')[1]?.slice(0, 2)))].sort().join(' ')}\n    List them: npx maillab images list; remove them: npx maillab images prune` : ''}`,
    );
  }
  // Each lab host's systemd takes inotify instances from one per-user budget (see README, "Start it").
  const inotify = Number(await readFile('/proc/sys/fs/inotify/max_user_instances', 'utf8').catch(() => '0'));
  if (inotify > 0 && inotify < 1024)
    out(
      `• inotify: fs.inotify.max_user_instances is ${inotify}, enough for about ${Math.floor(inotify / 20)} labs at once; for more: sudo sysctl -w fs.inotify.max_user_instances=8192`,
    );
  out(
    `✓ Lessons: ${services.lessons
      .list()
      .map((l) => l.id)
      .join(', ')}`,
  );
  return ok ? 0 : 1;
}

async function images(
  services: Services,
  words: string[],
  flags: Record<string, string | true>,
): Promise<number> {
  const [action, file] = words;
  allowOnly(flags, action === 'build' ? ['force', 'flavor'] : ['flavor'], `images ${action ?? ''}`.trim());
  if (action === 'build') {
    const choice = await services.images.ensure((line) => out(`  ${line}`), Boolean(flags.force));
    out(`${choice.built ? 'Built' : 'Up to date'}: ${choice.image}\n  ${choice.reason}`);
    const tested = services.images.status().selfTest;
    if (tested) out(`  Self-test: passed (${tested.steps.length} steps, ${tested.at})`);
    return 0;
  }
  if (action === 'save' && file) {
    const choice = await services.images.save(file, (line) => out(`  ${line}`));
    out(`Saved ${choice.image} to ${file}. Load it elsewhere with: npx maillab images load ${file}`);
    return 0;
  }
  if (action === 'load' && file) {
    const tags = await services.images.load(file, (line) => out(`  ${line}`));
    out(`Loaded: ${tags.join(', ') || '(no tagged image in the file)'}`);
    const found = await services.images.find();
    if (found && tags.includes(found.image))
      out(`This is the lab image for the current recipe; it runs its self-test before its first lab.`);
    else if (tags.length)
      out(
        'None of these is the lab image for the current containers/ recipe: rebuild there with the same maillab version, or build here.',
      );
    return 0;
  }
  if (action === 'prepare') {
    // Lessons' setup done ahead: `images prepare` (every lesson) or `images prepare 06 07`.
    const names = words.slice(1);
    const lessons = names.length ? names.map((w) => services.lessons.get(w)) : services.lessons.list();
    const image = (await services.images.ensure((line) => out(`  ${line}`))).image;
    let failed = 0;
    for (const lesson of lessons) {
      const t0 = Date.now();
      const outcome = await services.prepared
        .prepare(lesson, image, (line) => out(`  ${lesson.number}: ${line}`))
        .catch((err: unknown) => {
          failed++;
          return { status: 'failed', why: errorMessage(err) } as const;
        });
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      if (outcome.status === 'ready') out(`✓ ${lesson.id}: prepared in ${seconds} s`);
      else if (outcome.status === 'existed') out(`✓ ${lesson.id}: already prepared`);
      else if ('why' in outcome) out(`- ${lesson.id}: not prepared, ${outcome.why}`);
    }
    if (!services.prepared.enabled)
      out('Note: MAILLAB_PREPARED_IMAGES=0 is set, so labs will not boot from these images.');
    return failed ? 1 : 0;
  }
  if (action === 'list') {
    const found = await services.images.find();
    out(`Lab image: ${found?.image ?? '(not built yet)'}`);
    const prepared = await services.prepared.list();
    out(prepared.length ? 'Prepared lesson images (setup done ahead):' : 'No prepared lesson images.');
    for (const p of prepared)
      out(`  ${p.reference}  ${(p.bytes / 1024 / 1024).toFixed(0)} MiB  ${p.createdAt}`);
    return 0;
  }
  if (action === 'prune') {
    const { removed, kept } = await services.prepared.removeAll();
    out(
      `Removed ${removed} prepared lesson image(s)${kept ? `; ${kept} still used by a lab were kept` : ''}.`,
    );
    return 0;
  }
  throw new MaillabError(
    'bad_request',
    'Usage: maillab images build [--force] | images list | images prepare [lesson…] | images prune | images save <file> | images load <file>',
  );
}

async function verify(
  services: Services,
  words: string[],
  flags: Record<string, string | true>,
): Promise<number> {
  allowOnly(flags, ['exercise', 'json', 'jobs'], 'verify');
  const lessons = words.length ? words.map((w) => services.lessons.get(w)) : services.lessons.list();
  const exercise = typeof flags.exercise === 'string' ? flags.exercise : undefined;
  const jobs = flags.jobs === undefined ? defaultJobs() : Number(flags.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new MaillabError('bad_request', `--jobs must be a whole number of cases at once, 1 or more.`);
  if (!flags.json)
    out(
      `Proving ${lessons.map((l) => l.id).join(', ')} on this engine (a fresh lab per case, ${jobs} at once)…`,
    );
  const report = await verifyLessons(services, lessons, {
    jobs,
    ...(exercise ? { exercise } : {}),
    onCase: (c, i, total) => {
      if (flags.json) return;
      out(`  ${c.ok ? '✓' : '✗'} [${i + 1}/${total}] ${c.lesson} ${c.name} (${c.seconds} s)`);
      for (const p of c.problems) out(`      ${p}`);
    },
  });
  if (flags.json) out(JSON.stringify(report, null, 2));
  else {
    out(`\n${verifyTable(report)}\n`);
    out(`${verifyPhases(report)}\n`);
    out(
      report.ok
        ? `All ${report.cases.length} cases hold on ${report.image}.`
        : 'Some cases do not hold: see ✗ above.',
    );
  }
  return report.ok ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...words] = positional;
  if (!command || flags.help || command === 'help') {
    out(USAGE);
    return command ? 0 : 2;
  }
  const flavor = typeof flags.flavor === 'string' ? flags.flavor : undefined;
  const config = readConfig(flavor ? { ...process.env, MAILLAB_IMAGE: flavor } : process.env);
  if (command === 'build-client') {
    // Loaded only here and for serve: the web server's packages cost every other command's start-up.
    const { buildClient } = await import('../http/client-build.ts');
    await buildClient({ outdir: `${config.root}/client/dist`, minify: true });
    return 0;
  }
  // Only the server logs (JSON lines, one per event); CLI commands print for people.
  const services = await compose(config, command === 'serve' ? createLogger(config.logLevel) : undefined);
  try {
    return await run(services, command, words, flags, config);
  } finally {
    // A check's clean-up steps finish after its result is printed (checker.ts); the process exits only
    // once they are done, or a rerun would find this run's messages still queued.
    await services.checker.whenAllIdle();
  }
}

async function run(
  services: Services,
  command: string,
  words: string[],
  flags: Record<string, string | true>,
  config: Config,
): Promise<number> {
  switch (command) {
    case 'lab':
      return lab(services, words, flags);
    case 'lessons':
      for (const l of services.lessons.list()) out(`${l.number}  ${l.title}\n    ${l.summary}`);
      return 0;
    case 'doctor':
      allowOnly(flags, [], 'doctor');
      return doctor(services);
    case 'images':
      return images(services, words, flags);
    case 'verify':
      return verify(services, words, flags);
    case 'class':
      return classCommand(services, words, flags, out);
    case 'spares':
      allowOnly(flags, [], 'spares');
      return spares(services, words);
    case 'host-watch':
      // Started by `lab start` where the engine cannot cap the disk, detached; not for people.
      return watchHosts(services);
    case 'exam-watch':
      // Started by `lab start` of an exam, detached; not for people.
      return watchExam(services, words[0] ?? '');
    case 'serve': {
      allowOnly(flags, ['host', 'port', 'classroom'], 'serve');
      const host = typeof flags.host === 'string' ? flags.host : config.host;
      const port = typeof flags.port === 'string' ? Number(flags.port) : config.port;
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new MaillabError(
          'bad_request',
          `--port must be a whole number from 1 to 65535, not "${String(flags.port)}".`,
        );
      const classroom = Boolean(flags.classroom);
      const { serve } = await import('../http/serve.ts');
      const running = await serve(services, { host, port, classroom });
      if (classroom) {
        const base = running.publicUrl;
        out(`\nmaillab is ready for classes at ${base}`);
        out(`  Students join at ${base}/join with their class's code.`);
        out(
          "  Instructors open their class's link: `npx maillab class link <class>` prints it (`npx maillab class list` shows the classes).",
        );
        out(`  The machine's owner (every class): ${base}/?key=${running.loginUrl.split('?key=')[1]}`);
      } else
        out(
          `\nmaillab is ready. Open this link (it carries the key to this maillab; keep it to yourself):\n  ${running.publicUrl}/?key=${running.loginUrl.split('?key=')[1]}`,
        );
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        out('Stopping (labs keep running; `npx maillab lab finish <lesson>` removes one).');
        // close() keeps to 4 s; this is the promise of 5 s should anything in it hang.
        setTimeout(() => process.exit(0), 5_000 - 200).unref();
        running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Under `npm start`, npm is the parent: killing npm's PID left this server holding the port.
      // Stop when the parent goes away (its PID no longer answers, or we were handed to init).
      if (process.env.npm_lifecycle_event) {
        const parent = process.ppid;
        setInterval(() => {
          let alive = process.ppid === parent;
          try {
            process.kill(parent, 0);
          } catch {
            alive = false;
          }
          if (!alive) stop();
        }, 1000).unref();
      }
      return new Promise<number>(() => {});
    }
    default:
      throw new MaillabError('bad_request', `Unknown command "${command}".\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`maillab: ${errorMessage(err)}\n`);
    // 2: the command was wrong (usage, an unknown lesson or exercise, a bad value); 1: it failed.
    process.exit(
      err instanceof MaillabError &&
        (err.code === 'bad_request' || err.code === 'lesson_not_found' || err.code === 'not_found')
        ? 2
        : 1,
    );
  },
);
