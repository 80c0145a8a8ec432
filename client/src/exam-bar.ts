// The exam's bar above a lesson's text: the time limit before the lab starts, a countdown and Hand in
// while it runs, and how it ended with the score out of 100 afterwards. The server enforces the limit
// (it hands in at the deadline); the countdown only shows it, from the seconds left the server sent.
import type { LabView, LessonDetail } from './api.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { h, setBusy } from './dom.ts';

export interface ExamBarContext {
  lab(): LabView | null;
  handIn(): Promise<void>;
  /** Asks the server for the lab again (the limit passed: it hands in by itself). */
  refresh(): Promise<void>;
}

const two = (n: number) => String(n).padStart(2, '0');

export function formatLeft(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${two(minutes)}:${two(s % 60)}` : `${two(minutes)}:${two(s % 60)}`;
}

export function examBar(lesson: LessonDetail, ctx: ExamBarContext) {
  const exam = lesson.exam;
  const text = h('p', { class: 'exam-text', 'data-testid': 'exam-status', 'aria-live': 'polite' });
  const clock = h('strong', { class: 'exam-clock', 'data-testid': 'exam-clock', role: 'timer' });
  const handIn = h(
    'button',
    { type: 'button', class: 'button primary', 'data-testid': 'hand-in', hidden: true },
    h('span', { class: 'label' }, 'Hand in'),
  );
  const element = h(
    'section',
    { class: 'exam-bar', 'aria-label': 'Exam', hidden: !exam },
    clock,
    text,
    handIn,
  );
  let timer: number | undefined;
  let endsAt = 0;
  let asked = false;

  handIn.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Hand in the exam?',
      message:
        'Your shells close and every criterion is graded as your hosts stand now. You cannot change anything afterwards.',
      confirm: 'Hand in',
      danger: true,
    });
    if (!ok) return;
    setBusy(handIn, true, 'Grading…');
    try {
      await ctx.handIn();
    } finally {
      setBusy(handIn, false);
    }
  });

  const tick = () => {
    const left = Math.ceil((endsAt - Date.now()) / 1000);
    clock.textContent = formatLeft(left);
    clock.classList.toggle('urgent', left <= 300);
    if (left <= 0) {
      window.clearInterval(timer);
      timer = undefined;
      text.textContent = 'Time is up: the exam is being handed in as your hosts stand now…';
      handIn.hidden = true;
      if (!asked) {
        asked = true;
        // The server hands in at the limit; ask until its report is there.
        const again = () =>
          ctx.refresh().finally(() => {
            if (!ctx.lab()?.exam?.handedIn) window.setTimeout(again, 3000);
          });
        window.setTimeout(again, 2000);
      }
    }
  };

  const refresh = () => {
    if (!exam) return;
    const state = ctx.lab()?.exam;
    if (!state) {
      window.clearInterval(timer);
      timer = undefined;
      clock.textContent = `${exam.minutes} min`;
      text.textContent = `This lesson is an exam with a time limit of ${exam.minutes} minutes, counted from the moment your lab is ready. ${
        exam.hintsDuringExam
          ? 'Check shows hints as usual.'
          : 'During the exam Check shows only which criteria pass; Hand in ends it and shows the full report with hints.'
      }`;
      handIn.hidden = true;
      return;
    }
    if (state.handedIn) {
      window.clearInterval(timer);
      timer = undefined;
      clock.textContent = `${Math.round(state.handedIn.report.score)}/100`;
      clock.classList.remove('urgent');
      text.textContent = handInText(state.handedIn.by, state.handedIn.at, state.handedIn.lateMinutes);
      handIn.hidden = true;
      return;
    }
    endsAt = Date.now() + state.secondsLeft * 1000;
    text.textContent = `Exam in progress: it ends at ${new Date(state.deadline).toLocaleTimeString()}. ${
      state.hintsDuringExam ? '' : 'Check shows only which criteria pass; '
    }Hand in when you are done.`;
    handIn.hidden = false;
    if (timer === undefined) timer = window.setInterval(tick, 1000);
    tick();
  };

  return {
    element,
    refresh,
    dispose: () => window.clearInterval(timer),
  };
}

function handInText(by: string, at: string, lateMinutes?: number): string {
  const when = new Date(at).toLocaleTimeString();
  if (by === 'student') return `Handed in at ${when}. The full report with hints is below.`;
  if (by === 'time-limit')
    return `The time limit ended the exam at ${when}; the report below is your work as it stood then.`;
  return `Graded at ${when}, ${lateMinutes ?? 1} min after the time limit: no maillab server was running at the limit, so this counts your hosts as they were when graded.`;
}
