// The capstone is an exam: a time limit from the moment the lab is ready, enforced at grading; during it
// Check shows only which criteria pass; handing in (by the student, at the limit, or late) ends it once,
// closes the shells, and shows the full report with hints.
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { examIntro, timeLeft } from '../../server/cli/exam.ts';
import { createApp } from '../../server/http/app.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { HIDDEN_DURING_EXAM, handInNote } from '../../server/labs/exam.ts';
import { howItEnded, LabService, type LabState } from '../../server/labs/lab-service.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { LabView, LessonDetail } from '../../server/shared/api.ts';
import type { ExerciseResult } from '../../server/shared/check-result.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const EXAM = VALID_FRONT_MATTER.replace('exercises:', 'exam:\n  minutes: 90\nexercises:');
const VERDICTS =
  '::maillab::\tfail\tlistening\tport 25 is closed\tstart postfix and open smtp\n::maillab::\tpass\tdelivered\tthe nonce arrived\t\n';

async function catalog(frontMatter = EXAM) {
  const root = await tempLessons();
  await writeLesson(root, '13-capstone', frontMatter);
  return loadLessons(root);
}

function service(runtime: FakeRuntime, lessons: Awaited<ReturnType<typeof catalog>>) {
  const store = new GraderStore(runtime);
  return new LabService({
    runtime,
    store,
    lessons,
    checker: new Checker(runtime, store),
    image: async () => 'x',
  });
}

/** A runtime whose grader reports one failing and one passing criterion, and counts the judge's runs. */
function gradingRuntime(): { runtime: FakeRuntime; judged: () => number } {
  const runtime = new FakeRuntime();
  let runs = 0;
  runtime.reply = (_host, argv) => {
    if (argv[5] !== 'maillab:checks/probe.sh') return undefined;
    runs++;
    return { stdout: VERDICTS };
  };
  return { runtime, judged: () => runs };
}

async function examLab(runtime: FakeRuntime) {
  const lessons = await catalog();
  const labs = service(runtime, lessons);
  const lab = await labs.start('ann', '13');
  await lab.ready;
  return { labs, lab, lessons };
}

/** Moves the limit into the past, where every process reads it: in memory and on the grader. */
const pastLimit = async (runtime: FakeRuntime, lab: LabState, ms: number) => {
  if (!lab.exam) throw new Error('not an exam lab');
  lab.exam.deadline = new Date(Date.now() - ms).toISOString();
  await new GraderStore(runtime).saveExam(lab.labId, lab.exam);
};

describe('an exam lab', () => {
  it('starts its clock when the lab is ready and keeps it on the grader', async () => {
    const { runtime } = gradingRuntime();
    const { labs, lab } = await examLab(runtime);
    const exam = labs.examOf(lab);
    expect(exam?.minutes).toBe(90);
    expect(Date.parse(exam?.deadline ?? '') - Date.parse(exam?.startedAt ?? '')).toBe(90 * 60_000);
    expect(exam?.secondsLeft).toBeGreaterThan(89 * 60);
    expect((await new GraderStore(runtime).exam(lab.labId))?.deadline).toBe(exam?.deadline);
  });

  it('shows during the exam only which criteria pass: no observations, no hints, no worked solution', async () => {
    const { runtime } = gradingRuntime();
    const { labs, lab } = await examLab(runtime);
    const result = await labs.check(lab.labId, 'listen');
    expect(result.criteria.map((c) => c.pass)).toEqual([false, true]);
    expect(result.criteria.every((c) => c.message === HIDDEN_DURING_EXAM && c.hint === undefined)).toBe(true);
    expect(labs.visibleResults(lab).listen?.criteria[0]?.hint).toBeUndefined();
    const report = await labs.grade(lab.labId);
    expect(report.exam?.handedIn).toBeUndefined();
    expect(JSON.stringify(report)).not.toContain('start postfix');
    await expect(labs.reveal(lab.labId, 'listen')).rejects.toThrow(/after you hand in/);
  });

  it('shows hints during the exam when the lesson allows them', async () => {
    const { runtime } = gradingRuntime();
    const lessons = await catalog(EXAM.replace('minutes: 90', 'minutes: 90\n  hintsDuringExam: true'));
    const labs = service(runtime, lessons);
    const lab = await labs.start('ann', '13');
    await lab.ready;
    const result = await labs.check(lab.labId, 'listen');
    expect(result.criteria[0]?.hint).toBe('start postfix and open smtp');
  });

  it('hands in once: the shells close, the full report with hints is kept, and nothing changes it after', async () => {
    const { runtime, judged } = gradingRuntime();
    const { labs, lab } = await examLab(runtime);
    runtime.leftShells.set(`${lab.labId}:server`, 2);
    const gone: string[] = [];
    labs.setOnLabGone((id) => gone.push(id));
    const handIn = await labs.handIn(lab.labId, 'student');
    expect(handIn.by).toBe('student');
    expect(handIn.report.exercises[0]?.criteria[0]?.hint).toBe('start postfix and open smtp');
    // listening (weight 2) fails, delivered (1) passes, the quiz's one question is unanswered.
    expect(handIn.report.score).toBe(25);
    expect(gone).toEqual([lab.labId]);
    expect(runtime.leftShells.size).toBe(0);
    expect(lab.closed).toBe(true);
    const runs = judged();
    // Checking or grading again shows the handed-in report without looking at the hosts.
    expect((await labs.check(lab.labId, 'listen')).criteria[0]?.hint).toBe('start postfix and open smtp');
    expect((await labs.grade(lab.labId)).exam?.handedIn?.at).toBe(handIn.at);
    expect(judged()).toBe(runs);
    expect(labs.visibleResults(lab).listen?.criteria[0]?.hint).toBe('start postfix and open smtp');
    await expect(labs.reset(lab.labId)).rejects.toThrow(/handed in/);
    // Another process (the CLI, a restarted server) finds the hand-in on the grader.
    const other = service(runtime, await catalog());
    const found = await other.find('ann', '13');
    expect(found?.exam?.handedIn?.at).toBe(handIn.at);
    expect(found?.closed).toBe(true);
  });

  it('is handed in at the limit by the watching server, as it stood then', async () => {
    const { runtime } = gradingRuntime();
    const { labs, lab } = await examLab(runtime);
    expect(await labs.enforceExamLimits()).toEqual([]);
    await pastLimit(runtime, lab, 1000);
    expect(await labs.enforceExamLimits()).toEqual([lab.labId]);
    expect(lab.exam?.handedIn?.by).toBe('time-limit');
    expect(handInNote(lab.exam?.handedIn as NonNullable<typeof lab.exam>['handedIn'] & object)).toMatch(
      /time limit ended the exam/,
    );
  });

  it('says so when graded long after the limit with nobody watching', async () => {
    const { runtime } = gradingRuntime();
    const { labs, lab } = await examLab(runtime);
    await pastLimit(runtime, lab, 12 * 60_000);
    const report = await labs.grade(lab.labId);
    expect(report.exam?.handedIn?.by).toBe('late');
    expect(report.exam?.handedIn?.lateMinutes).toBe(12);
    expect(handInNote(report.exam?.handedIn as NonNullable<typeof report.exam>['handedIn'] & object)).toMatch(
      /12 min after the time limit: no maillab process was running at the limit/,
    );
    // Full hints now that it is over.
    expect(report.exercises[0]?.criteria[0]?.hint).toBe('start postfix and open smtp');
  });

  it('grades once when two processes hand in together; the other waits for the same report', async () => {
    const { runtime, judged } = gradingRuntime();
    const { labs, lab, lessons } = await examLab(runtime);
    const other = service(runtime, lessons);
    const theirs = await other.find('ann', '13');
    const [a, b] = await Promise.all([
      labs.handIn(lab.labId, 'student'),
      other.handIn(theirs?.labId as string, 'time-limit'),
    ]);
    expect(judged()).toBe(1);
    expect(a.at).toBe(b.at);
    expect(a.by).toBe(b.by);
  });

  it('refuses a hand-in on a lesson that is not an exam', async () => {
    const runtime = new FakeRuntime();
    const labs = service(runtime, await catalog(VALID_FRONT_MATTER));
    const lab = await labs.start('ann', '13');
    await lab.ready;
    await expect(labs.handIn(lab.labId, 'student')).rejects.toThrow(/not an exam/);
    expect(labs.examOf(lab)).toBeUndefined();
  });
});

describe('how an exam ended', () => {
  it('is the student before the limit, the limit within seconds of it, and late after', () => {
    expect(howItEnded('student', -5000)).toBe('student');
    expect(howItEnded('time-limit', 0)).toBe('time-limit');
    expect(howItEnded('student', 3000)).toBe('time-limit');
    expect(howItEnded('late', 10_000)).toBe('time-limit');
    expect(howItEnded('time-limit', 60_000)).toBe('late');
  });

  it('refuses an exam without a whole number of minutes, naming the field', async () => {
    await expect(catalog(EXAM.replace('minutes: 90', 'minutes: 1.5'))).rejects.toThrow(/exam\.minutes/);
  });
});

describe('the exam over HTTP', () => {
  it('sends the clock with the lab, hides hints until Hand in, then shows the full report', async () => {
    const { runtime } = gradingRuntime();
    const lessons = await catalog();
    const store = new GraderStore(runtime);
    const checker = new Checker(runtime, store);
    const labs = new LabService({ runtime, store, lessons, checker, image: async () => 'x' });
    const session = SessionGate.ephemeral();
    const app = createApp({
      session,
      lessons,
      labs,
      checker,
      status: {
        engine: async () => ({ ok: true }),
        image: () => ({ flavor: null, tag: null, description: '' }),
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async <T = LabView>(method: string, path: string) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { cookie: `${SESSION_COOKIE}=${session.newSessionCookie()}` },
      });
      return { status: res.status, body: (await res.json()) as T };
    };
    try {
      expect((await call<LessonDetail>('GET', '/api/lessons/13')).body.exam).toEqual({
        minutes: 90,
        hintsDuringExam: false,
      });
      const started = await call('POST', '/api/lessons/13/lab');
      await labs.readyLab(started.body.labId);
      const labId = started.body.labId as string;
      const checked = await call<ExerciseResult>('POST', `/api/labs/${labId}/exercises/listen/check`);
      expect(checked.body.criteria[0]?.hint).toBeUndefined();
      const during = await call('GET', `/api/labs/${labId}`);
      expect(during.body.exam?.secondsLeft).toBeGreaterThan(0);
      expect(JSON.stringify(during.body.results)).not.toContain('start postfix');
      const handedIn = await call('POST', `/api/labs/${labId}/hand-in`);
      expect(handedIn.status).toBe(200);
      expect(handedIn.body.exam?.handedIn?.by).toBe('student');
      expect(handedIn.body.results.listen?.criteria[0]?.hint).toBe('start postfix and open smtp');
      expect((await call('POST', `/api/labs/${labId}/reset`)).status).toBe(403);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the exam clock on the command line', () => {
  it('names its zone on every line, as the hand-in note does', () => {
    const exam = {
      minutes: 30,
      startedAt: '2026-12-08T20:07:00.000Z',
      deadline: '2026-12-08T20:37:00.000Z',
      secondsLeft: 125,
      hintsDuringExam: false,
    };
    expect(examIntro(exam, '98')[0]).toBe('This lesson is an exam: 30 minutes from now, until 20:37 UTC.');
    expect(timeLeft(exam)).toBe('Time left: 2 min 05 s (the exam ends at 20:37 UTC).');
    expect(timeLeft({ ...exam, secondsLeft: 0 })).toBe('The time limit passed at 20:37 UTC.');
  });
});
