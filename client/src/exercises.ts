// The Exercises area under the lesson text: per exercise, what is checked (or the quiz questions), a
// Check button, and the result as one line per criterion. Nothing is lost on a reload: the latest
// result comes back with the lab, and quiz answers are saved on the lab as they are chosen.
import { api, type Exercise, type ExerciseResult, errorMessage, type LabView } from './api.ts';
import { h, icon, icons, setBusy } from './dom.ts';

export interface ExercisesContext {
  /** The running lab, when there is one that can be checked. */
  lab(): Pick<LabView, 'labId' | 'results' | 'revealed' | 'exam'> | undefined;
}

const NO_LAB = 'Start the lab to check your work.';
/** How long after the last change quiz answers are saved. */
const SAVE_ANSWERS_MS = 400;

export function renderExercises(
  exercises: Exercise[],
  ctx: ExercisesContext,
): { element: HTMLElement; refresh(): void } {
  const cards = exercises.map((exercise, index) => exerciseCard(exercise, index + 1, ctx));
  const element = h(
    'section',
    { class: 'exercises', 'aria-labelledby': 'exercises-title' },
    h('h2', { id: 'exercises-title' }, 'Exercises'),
    h(
      'p',
      { class: 'exercises-intro' },
      'Work in the terminals, then press Check: each line below tells you what the checker saw on the lab machines.',
    ),
    cards.map((card) => card.element),
  );
  const refresh = () => {
    for (const card of cards) card.refresh();
  };
  refresh();
  return { element, refresh };
}

function exerciseCard(exercise: Exercise, index: number, ctx: ExercisesContext) {
  const result = h('div', {
    class: 'exercise-result',
    'data-testid': `result-${exercise.id}`,
    'aria-live': 'polite',
  });
  const note = h('span', { class: 'exercise-note' });
  const button = h(
    'button',
    { type: 'button', class: 'button primary check-button', 'data-testid': `check-${exercise.id}` },
    icon(icons.check),
    h('span', { class: 'label' }, 'Check'),
  );
  // A worked solution, offered once the student has checked at least once (the server enforces it).
  const walkthrough = h('div', { class: 'walkthrough', 'data-testid': `walkthrough-${exercise.id}` });
  const revealButton = h(
    'button',
    { type: 'button', class: 'button reveal-button', 'data-testid': `reveal-${exercise.id}`, hidden: true },
    h('span', { class: 'label' }, 'Show a worked solution'),
  );
  const questions = exercise.kind === 'quiz' ? (exercise.questions ?? []) : [];
  const quizForm = questions.length > 0 ? quiz(exercise.id, questions) : undefined;
  const titleId = `exercise-${exercise.id}-title`;

  const element = h(
    'article',
    { class: 'exercise-card', id: `exercise-${exercise.id}`, 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'exercise-head' },
      h('span', { class: 'exercise-index' }, `Exercise ${index}`),
      h('h3', { id: titleId }, exercise.title),
      h('span', { class: `badge ${exercise.kind}` }, exercise.kind === 'quiz' ? 'Quiz' : 'Hands-on'),
    ),
    exercise.kind === 'check' && exercise.criteria.length > 0
      ? h(
          'div',
          { class: 'criteria-preview' },
          h('p', { class: 'criteria-label' }, 'What is checked'),
          h(
            'ul',
            {},
            exercise.criteria.map((c) => h('li', {}, c.title)),
          ),
        )
      : null,
    quizForm,
    h('div', { class: 'exercise-actions' }, button, exercise.kind === 'check' ? revealButton : null, note),
    result,
    walkthrough,
  );
  const offerReveal = (checked: boolean, revealedAt?: string) => {
    // An exam's worked solutions open once it is handed in.
    const exam = ctx.lab()?.exam;
    revealButton.hidden = exercise.kind !== 'check' || !checked || Boolean(exam && !exam.handedIn);
    const label = revealButton.querySelector('.label');
    if (label) label.textContent = revealedAt ? 'Show the worked solution again' : 'Show a worked solution';
  };
  revealButton.addEventListener('click', async () => {
    const labId = ctx.lab()?.labId;
    if (!labId) return;
    setBusy(revealButton, true, 'Opening…');
    try {
      const shown = await api.reveal(labId, exercise.id);
      const body = h('div', { class: 'walkthrough-body' });
      // Server-rendered from the lesson's Markdown and sanitized there, like the lesson text.
      body.innerHTML = shown.html;
      walkthrough.replaceChildren(
        h(
          'p',
          { class: 'walkthrough-note' },
          `Worked solution, revealed ${new Date(shown.revealedAt).toLocaleString()}. The reveal is recorded with your results.`,
        ),
        body,
      );
      offerReveal(true, shown.revealedAt);
    } catch (err) {
      walkthrough.replaceChildren(h('p', { class: 'result-error', role: 'alert' }, errorMessage(err)));
    } finally {
      setBusy(revealButton, false);
    }
  });

  let saveTimer: number | undefined;
  /** Whether the student changed an answer since the lab's saved answers were asked for. */
  let touched = false;

  button.addEventListener('click', async () => {
    const labId = ctx.lab()?.labId;
    if (!labId || button.getAttribute('aria-busy') === 'true') return;
    setBusy(button, true, 'Checking…');
    result.replaceChildren(h('p', { class: 'result-pending' }, 'Checking the lab machines…'));
    try {
      window.clearTimeout(saveTimer);
      if (quizForm) await api.saveAnswers(labId, exercise.id, answersOf(quizForm));
      renderResult(result, await api.check(labId, exercise.id));
      offerReveal(true, ctx.lab()?.revealed[exercise.id]);
    } catch (err) {
      result.replaceChildren(
        h(
          'div',
          { class: 'result-error', role: 'alert' },
          icon(icons.alert),
          h('span', {}, `The check could not run: ${errorMessage(err)}`),
        ),
      );
    } finally {
      setBusy(button, false);
      refresh();
    }
  });

  // Quiz answers go to the lab shortly after each change, so a reload or another tab finds them.
  quizForm?.addEventListener('change', () => {
    touched = true;
    const labId = ctx.lab()?.labId;
    if (!labId) return;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(async () => {
      try {
        await api.saveAnswers(labId, exercise.id, answersOf(quizForm));
        note.textContent = 'Answers saved on the lab.';
      } catch (err) {
        note.textContent = `Your answers could not be saved: ${errorMessage(err)}`;
      }
    }, SAVE_ANSWERS_MS);
  });

  /** The lab the result area and answers were last filled from; a new or reset lab starts over. */
  let shownFor: string | undefined;
  /** A lab's results are shown again when it changes, and when its exam is handed in (hints appear). */
  const viewKey = (lab: Pick<LabView, 'labId' | 'exam' | 'reset'>) =>
    `${lab.labId}:${lab.reset?.at ?? ''}${lab.exam?.handedIn ? ':handed-in' : ''}`;
  const showLab = (lab: Pick<LabView, 'labId' | 'results' | 'revealed' | 'exam' | 'reset'>) => {
    shownFor = viewKey(lab);
    touched = false;
    const last = lab.results[exercise.id];
    walkthrough.replaceChildren();
    offerReveal(Boolean(last), lab.revealed[exercise.id]);
    if (last) renderResult(result, last);
    else result.replaceChildren();
    if (!quizForm) return;
    api.answers(lab.labId, exercise.id).then(
      ({ answers }) => {
        if (!touched && shownFor === viewKey(lab)) setAnswers(quizForm, answers);
      },
      () => {}, // Not fatal: the student can still choose and check.
    );
  };

  const refresh = () => {
    const lab = ctx.lab();
    if (!lab && shownFor !== undefined) {
      // The lab is gone or being recreated: its results and answers went with it.
      shownFor = undefined;
      result.replaceChildren();
      walkthrough.replaceChildren();
      offerReveal(false);
      quizForm?.reset();
    } else if (lab && shownFor !== viewKey(lab) && button.getAttribute('aria-busy') !== 'true') {
      showLab(lab);
    }
    if (button.getAttribute('aria-busy') !== 'true') button.disabled = !lab;
    if (!lab) note.textContent = NO_LAB;
    else if (note.textContent === NO_LAB) note.textContent = '';
  };
  return { element, refresh };
}

function quiz(exerciseId: string, questions: NonNullable<Exercise['questions']>): HTMLFormElement {
  return h(
    'form',
    { class: 'quiz', onsubmit: (event: Event) => event.preventDefault() },
    questions.map((question, qIndex) =>
      h(
        'fieldset',
        {
          class: 'quiz-question',
          'data-testid': `quiz-${exerciseId}-${question.id}`,
          'data-question': question.id,
        },
        h('legend', {}, h('span', { class: 'quiz-number' }, `${qIndex + 1}.`), ` ${question.text}`),
        question.choices.map((choice, cIndex) => {
          const id = `quiz-${exerciseId}-${question.id}-${cIndex}`;
          return h(
            'div',
            { class: 'quiz-choice' },
            h('input', { type: 'radio', id, name: `${exerciseId}:${question.id}`, value: choice }),
            h('label', { for: id }, choice),
          );
        }),
      ),
    ),
  );
}

function setAnswers(form: HTMLFormElement, answers: Record<string, string>): void {
  for (const fieldset of form.querySelectorAll<HTMLFieldSetElement>('fieldset[data-question]')) {
    const given = answers[fieldset.dataset.question ?? ''];
    for (const input of fieldset.querySelectorAll<HTMLInputElement>('input[type="radio"]'))
      input.checked = input.value === given;
  }
}

function answersOf(form: HTMLFormElement): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const fieldset of form.querySelectorAll<HTMLFieldSetElement>('fieldset[data-question]')) {
    const checked = fieldset.querySelector<HTMLInputElement>('input:checked');
    if (checked && fieldset.dataset.question) answers[fieldset.dataset.question] = checked.value;
  }
  return answers;
}

function renderResult(container: HTMLElement, result: ExerciseResult): void {
  const passed = result.criteria.filter((c) => c.pass).length;
  const complete = passed === result.criteria.length;
  container.replaceChildren(
    h(
      'div',
      { class: `result-summary ${complete ? 'pass' : 'fail'}` },
      h('span', { class: 'score', 'data-testid': 'score' }, `${Math.round(result.score)}%`),
      h(
        'span',
        {},
        complete
          ? 'All criteria met. Well done!'
          : `${passed} of ${result.criteria.length} criteria met. Read the hints, fix, and check again.`,
      ),
      h(
        'span',
        { class: 'score-bar', 'aria-hidden': 'true' },
        h('span', { style: `width: ${result.score}%` }),
      ),
    ),
    h(
      'ul',
      { class: 'criteria-results' },
      result.criteria.map((c) =>
        h(
          'li',
          {
            class: `criterion ${c.pass ? 'pass' : 'fail'}`,
            'data-testid': `criterion-${c.id}`,
            'data-pass': String(c.pass),
          },
          h('span', { class: 'criterion-mark' }, icon(c.pass ? icons.check : icons.cross)),
          h(
            'div',
            { class: 'criterion-text' },
            h('span', { class: 'visually-hidden' }, c.pass ? 'Passed: ' : 'Failed: '),
            h('strong', {}, c.title),
            c.message ? h('span', { class: 'criterion-message' }, c.message) : null,
            !c.pass && c.hint ? h('span', { class: 'criterion-hint' }, h('b', {}, 'Hint: '), c.hint) : null,
          ),
        ),
      ),
    ),
    // The store could not write this attempt: the student is told, never shown it as recorded.
    ...(result.notRecorded
      ? [
          h(
            'div',
            { class: 'result-error', role: 'alert', 'data-testid': 'not-recorded' },
            icon(icons.alert),
            h('span', {}, result.notRecorded),
          ),
        ]
      : []),
  );
}
