// The exam from the command line: what `lab start` says of the time limit, the clock `lab grade`
// shows, and the background watch that hands the exam in at its limit when no server is running.
import type { Services } from '../compose.ts';
import { handInNote } from '../labs/exam.ts';
import type { LabState } from '../labs/lab-service.ts';
import type { ExamState } from '../shared/check-result.ts';
import { spawnDetached } from './detached.ts';

/** In UTC and saying so, as the hand-in notes do: one zone on every line, never a bare "20:37". */
export const clock = (iso: string) => `${new Date(iso).toISOString().slice(11, 16)} UTC`;

export function timeLeft(exam: ExamState): string {
  if (exam.handedIn) return handInNote(exam.handedIn);
  if (exam.secondsLeft <= 0) return `The time limit passed at ${clock(exam.deadline)}.`;
  const minutes = Math.floor(exam.secondsLeft / 60);
  const seconds = exam.secondsLeft % 60;
  return `Time left: ${minutes} min ${String(seconds).padStart(2, '0')} s (the exam ends at ${clock(exam.deadline)}).`;
}

export function examIntro(exam: ExamState, lessonNumber: string): string[] {
  return [
    `This lesson is an exam: ${exam.minutes} minutes from now, until ${clock(exam.deadline)}.`,
    exam.hintsDuringExam
      ? 'During the exam, lab grade shows each criterion with its hints.'
      : 'During the exam, lab grade shows only which criteria pass; hints come with the full report.',
    `Hand in when done: npx maillab lab handin ${lessonNumber} (ends the exam and prints the full report).`,
    'At the limit the exam is handed in as it stands: by `maillab serve` if it runs, otherwise by a background maillab process started now.',
  ];
}

/**
 * Starts a detached `maillab exam-watch <lab>` that sleeps until the limit and hands in, so a CLI-only
 * student's exam ends at its limit too. It stops on its own when the lab is handed in or finished.
 */
export function spawnExamWatch(labId: string): number | undefined {
  return spawnDetached(['exam-watch', labId]);
}

/** The body of `maillab exam-watch <lab>`: waits for the limit, then hands in unless someone did. */
export async function watchExam(services: Services, labId: string): Promise<number> {
  for (;;) {
    const info = await services.runtime.getLab(labId);
    if (!info) return 0;
    const lab: LabState | undefined = await services.labs.find(info.owner, info.lesson);
    if (!lab || lab.labId !== labId || !lab.exam || lab.exam.handedIn) return 0;
    const wait = Date.parse(lab.exam.deadline) - Date.now();
    if (wait <= 0) {
      await services.labs.handIn(labId, 'time-limit');
      return 0;
    }
    // Look again at least every minute: the lab may be handed in or finished meanwhile.
    await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 60_000)));
  }
}
