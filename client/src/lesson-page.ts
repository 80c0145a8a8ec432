// /lessons/:id — the lesson text and its exercises on the left, the lab's terminals on the right.
// The lab moves through none → starting → ready | failed; this page draws each state and never leaves
// a spinner without a way out.
import { ApiError, api, errorMessage, type LabView, type LessonDetail } from './api.ts';
import { enhanceCodeBlocks } from './code-blocks.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { announce, h, icon, icons, setBusy } from './dom.ts';
import { examBar } from './exam-bar.ts';
import { renderExercises } from './exercises.ts';
import type { Page, Shell } from './shell.ts';
import { type ConnectionState, LabTerminal } from './terminal.ts';

const POLL_MS = 500;
const MAX_POLL_PAUSE_MS = 8_000;
const SPLIT_KEY = 'maillab.split';

export function lessonPage(shell: Shell, lessonId: string): Page {
  const view = shell.view;
  view.replaceChildren(
    h('div', { class: 'page-loading', role: 'status' }, h('span', { class: 'spinner' }), 'Loading lesson…'),
  );
  let page: LessonView | undefined;
  let disposed = false;
  api.lesson(lessonId).then(
    (lesson) => {
      if (disposed) return;
      shell.setCrumb(`${lesson.number} · ${lesson.title}`);
      document.title = `${lesson.title} · maillab`;
      page = new LessonView(view, lesson);
    },
    (err) => {
      if (disposed) return;
      view.replaceChildren(
        h(
          'div',
          { class: 'page-message' },
          h(
            'div',
            { class: 'banner error', role: 'alert', 'data-testid': 'error-banner' },
            icon(icons.alert),
            h('div', {}, h('strong', {}, 'This lesson could not be loaded'), h('p', {}, errorMessage(err))),
          ),
          h('a', { class: 'button', href: '/' }, 'Back to the lessons'),
        ),
      );
    },
  );
  return {
    dispose() {
      disposed = true;
      page?.dispose();
    },
  };
}

class LessonView {
  private lab: LabView | null;
  private readonly terminals = new Map<string, LabTerminal>();
  /** labId:token the terminals were built for; a reset or new lab rebuilds them. */
  private terminalsFor: string | undefined;
  private activeHost: string | undefined;
  private pollTimer: number | undefined;
  private disposed = false;

  private readonly statusPill = h('span', {
    class: 'lab-status',
    role: 'status',
    'data-testid': 'lab-status',
  });
  private readonly tabs = h('div', { class: 'terminal-tabs', role: 'tablist', 'aria-label': 'Lab machines' });
  private readonly resetButton = h(
    'button',
    {
      type: 'button',
      class: 'button ghost',
      'data-testid': 'reset-lab',
      title: 'Recreate the lab machines from scratch',
    },
    icon(icons.reset),
    h('span', { class: 'label' }, 'Reset'),
  );
  private readonly finishButton = h(
    'button',
    { type: 'button', class: 'button ghost', 'data-testid': 'finish-lab', title: 'Remove the lab machines' },
    icon(icons.stop),
    h('span', { class: 'label' }, 'Finish'),
  );
  private readonly notice = h('div', { class: 'lab-notice' });
  /** Says who reset the lab when it was not the student; dismissed per reset. */
  private readonly resetNote = h('div', { class: 'lab-notice' });
  private resetNoteDismissed: string | undefined;
  private readonly labBody = h('div', { class: 'lab-body' });
  private readonly stage = h('div', { class: 'terminal-stage' });
  private readonly codeBlocks: { refresh(): void };
  private readonly exercises: { refresh(): void };
  private readonly examBar: ReturnType<typeof examBar>;

  constructor(
    root: HTMLElement,
    private readonly lesson: LessonDetail,
  ) {
    this.lab = lesson.lab;
    const body = h('div', { class: 'lesson-body prose' });
    body.innerHTML = lesson.html; // sanitized by the server (lessons are Markdown from the repository)
    const first = body.firstElementChild;
    if (first?.tagName === 'H1') first.remove(); // the page header below already shows the title

    this.codeBlocks = enhanceCodeBlocks(body, {
      canRun: (host) => this.terminals.get(host)?.connectionState === 'open',
      run: (host, text) => this.runOnHost(host, text),
    });
    const exercises = renderExercises(lesson.exercises, {
      lab: () => (this.lab?.status === 'ready' ? this.lab : undefined),
    });
    this.exercises = exercises;
    this.examBar = examBar(lesson, {
      lab: () => this.lab,
      handIn: async () => {
        const labId = this.lab?.labId;
        if (!labId) return;
        this.clearNotice();
        try {
          this.setLab(await api.handIn(labId));
        } catch (err) {
          this.showNotice('The exam could not be handed in', errorMessage(err));
        }
      },
      refresh: async () => {
        const labId = this.lab?.labId;
        if (labId) this.setLab(await api.lab(labId));
      },
    });

    const lessonPane = h(
      'article',
      { class: 'lesson-pane', 'aria-labelledby': 'lesson-title' },
      h(
        'header',
        { class: 'lesson-head' },
        h('p', { class: 'lesson-kicker' }, `Lesson ${lesson.number}`),
        h('h1', { id: 'lesson-title' }, lesson.title),
        h('p', { class: 'lesson-summary' }, lesson.summary),
      ),
      this.examBar.element,
      body,
      exercises.element,
    );
    const labPane = h(
      'section',
      { class: 'lab-pane', 'aria-label': 'Lab' },
      h(
        'div',
        { class: 'lab-toolbar' },
        this.tabs,
        h('div', { class: 'lab-actions' }, this.statusPill, this.resetButton, this.finishButton),
      ),
      this.resetNote,
      this.notice,
      this.labBody,
    );
    const layout = h('div', { class: 'lesson-layout' }, lessonPane, splitter(), labPane);
    const saved = Number(localStorage.getItem(SPLIT_KEY));
    if (saved >= 25 && saved <= 75) layout.style.setProperty('--lesson-width', `${saved}%`);
    root.replaceChildren(layout);

    this.resetButton.addEventListener('click', () => void this.reset());
    this.finishButton.addEventListener('click', () => void this.finish());
    // Through setLab, so a lab found 'starting' on page load is polled like one started here.
    this.setLab(lesson.lab);
  }

  dispose(): void {
    this.disposed = true;
    this.examBar.dispose();
    window.clearTimeout(this.pollTimer);
    this.disposeTerminals();
  }

  private setLab(lab: LabView | null): void {
    if (this.disposed) return;
    this.lab = lab;
    this.render();
    window.clearTimeout(this.pollTimer);
    if (lab?.status === 'starting')
      this.pollTimer = window.setTimeout(() => void this.poll(lab.labId), POLL_MS);
  }

  /**
   * Follows a starting lab. A lost server or a failed request does not end the watch: it retries with
   * a growing pause and says so, and clears the notice once the server answers again.
   */
  private async poll(labId: string, failures = 0): Promise<void> {
    if (this.disposed || this.lab?.labId !== labId) return;
    try {
      const lab = await api.lab(labId);
      if (failures > 0) this.clearNotice();
      this.setLab(lab);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.setLab(null);
        this.showNotice('The lab is gone', errorMessage(err));
        return;
      }
      this.showNotice('Lost track of the lab, retrying', errorMessage(err), {
        label: 'Try now',
        run: () => {
          window.clearTimeout(this.pollTimer);
          return this.poll(labId, failures);
        },
      });
      window.clearTimeout(this.pollTimer);
      const pause = Math.min(POLL_MS * 2 ** (failures + 1), MAX_POLL_PAUSE_MS);
      this.pollTimer = window.setTimeout(() => void this.poll(labId, failures + 1), pause);
    }
  }

  private render(): void {
    const lab = this.lab;
    const status = lab?.status ?? 'none';
    this.statusPill.dataset.status = status;
    this.statusPill.textContent = {
      none: 'Not started',
      starting: 'Starting…',
      ready: 'Ready',
      failed: 'Failed',
    }[status];
    const handedIn = Boolean(lab?.exam?.handedIn);
    this.resetButton.hidden = !lab || handedIn;
    this.finishButton.hidden = !lab;
    this.examBar.refresh();
    this.renderResetNote(lab);

    if (lab?.status === 'ready' && handedIn) {
      // A handed-in exam's hosts take no more input: the server refuses their shells.
      this.disposeTerminals();
      this.labBody.replaceChildren(this.handedInCard());
    } else if (lab?.status === 'ready') {
      this.showTerminals(lab);
    } else {
      this.disposeTerminals();
      if (!lab) this.labBody.replaceChildren(this.startCard());
      else if (lab.status === 'starting') this.labBody.replaceChildren(this.progressCard(lab));
      else this.labBody.replaceChildren(this.failedCard(lab));
    }
    this.codeBlocks.refresh();
    this.exercises.refresh();
  }

  private startCard(): HTMLElement {
    const start = h(
      'button',
      { type: 'button', class: 'button primary large', 'data-testid': 'start-lab' },
      icon(icons.play, 'icon filled'),
      h('span', { class: 'label' }, 'Start lab'),
    );
    start.addEventListener('click', async () => {
      setBusy(start, true, 'Starting…');
      this.clearNotice();
      try {
        this.setLab(await api.startLab(this.lesson.id));
      } catch (err) {
        setBusy(start, false);
        this.showNotice('The lab could not start', errorMessage(err));
      }
    });
    const hosts = this.lesson.hosts;
    return h(
      'div',
      { class: 'lab-card' },
      h('div', { class: 'lab-card-icon' }, icon(icons.terminal)),
      h('h2', {}, 'Your lab'),
      h(
        'p',
        {},
        `This lesson runs on ${hosts.length === 1 ? 'one machine' : `${hosts.length} machines`} of your own: `,
        hosts.flatMap((host, i) => [i > 0 ? ', ' : '', h('code', {}, host)]),
        '. They are disposable containers: break them freely, Reset gives you fresh ones.',
      ),
      start,
    );
  }

  private handedInCard(): HTMLElement {
    return h(
      'div',
      { class: 'lab-card', 'data-testid': 'handed-in' },
      h('h2', {}, 'Exam handed in'),
      h(
        'p',
        {},
        'Your shells are closed and your work is graded: the full report, with a hint for each criterion that failed, is beside the exam text. Finish removes the lab.',
      ),
    );
  }

  private progressCard(lab: LabView): HTMLElement {
    const last = lab.progress[lab.progress.length - 1] ?? 'Preparing…';
    return h(
      'div',
      { class: 'lab-card' },
      h('div', { class: 'spinner large', 'aria-hidden': 'true' }),
      h('h2', {}, 'Starting your lab…'),
      h('p', { class: 'progress-line', 'data-testid': 'lab-progress', 'aria-live': 'polite' }, last),
      lab.progress.length > 1
        ? h(
            'details',
            { class: 'progress-log' },
            h('summary', {}, `All steps (${lab.progress.length})`),
            h(
              'ol',
              {},
              lab.progress.map((line) => h('li', {}, line)),
            ),
          )
        : null,
    );
  }

  private failedCard(lab: LabView): HTMLElement {
    const retry = h(
      'button',
      { type: 'button', class: 'button primary' },
      icon(icons.reset),
      h('span', { class: 'label' }, 'Try again'),
    );
    retry.addEventListener('click', async () => {
      setBusy(retry, true, 'Retrying…');
      await this.restart(lab.labId);
      setBusy(retry, false);
    });
    return h(
      'div',
      { class: 'lab-card' },
      h(
        'div',
        { class: 'banner error', role: 'alert', 'data-testid': 'error-banner' },
        icon(icons.alert),
        h(
          'div',
          {},
          h('strong', {}, 'The lab could not start'),
          h('p', {}, lab.error ?? 'No reason was given.'),
        ),
      ),
      lab.progress.length > 0
        ? h(
            'details',
            { class: 'progress-log' },
            h('summary', {}, 'What happened before'),
            h(
              'ol',
              {},
              lab.progress.map((line) => h('li', {}, line)),
            ),
          )
        : null,
      h('div', { class: 'card-actions' }, retry),
    );
  }

  /** Reset, or start afresh when the lab no longer exists. */
  private async restart(labId: string): Promise<void> {
    this.clearNotice();
    try {
      this.setLab(await api.resetLab(labId));
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        this.showNotice('The lab could not be reset', errorMessage(err));
        return;
      }
      try {
        this.setLab(await api.startLab(this.lesson.id));
      } catch (startErr) {
        this.showNotice('The lab could not start', errorMessage(startErr));
      }
    }
  }

  private async reset(): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    const ok = await confirmDialog({
      title: 'Reset the lab?',
      message: `Every machine (${lab.hosts.map((host) => host.name).join(', ')}) is recreated from scratch; your changes on them are lost.`,
      confirm: 'Reset lab',
      danger: true,
    });
    if (!ok) return;
    setBusy(this.resetButton, true, 'Resetting…');
    await this.restart(lab.labId);
    setBusy(this.resetButton, false);
  }

  private async finish(): Promise<void> {
    const lab = this.lab;
    if (!lab) return;
    const ok = await confirmDialog({
      title: 'Finish the lab?',
      message:
        'The lab machines are removed, with everything on them. You can start a fresh lab at any time.',
      confirm: 'Finish lab',
      danger: true,
    });
    if (!ok) return;
    setBusy(this.finishButton, true, 'Finishing…');
    this.clearNotice();
    try {
      await api.finishLab(lab.labId);
      this.setLab(null);
      announce('Lab finished: its machines were removed.');
    } catch (err) {
      this.showNotice('The lab could not be finished', errorMessage(err));
    } finally {
      setBusy(this.finishButton, false);
    }
  }

  private showTerminals(lab: LabView): void {
    const key = `${lab.labId}:${lab.token}:${lab.reset?.at ?? ''}`;
    if (this.terminalsFor === key) return;
    this.disposeTerminals();
    this.terminalsFor = key;
    this.stage.replaceChildren();
    this.labBody.replaceChildren(this.stage);
    const hosts = lab.hosts.map((host) => host.name);
    if (!this.activeHost || !hosts.includes(this.activeHost)) this.activeHost = hosts[0];

    for (const { name, fqdn } of lab.hosts) {
      const tabId = `tab-${name}`;
      const panelId = `terminal-panel-${name}`;
      const tab = h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: tabId,
          class: 'terminal-tab',
          'aria-controls': panelId,
          'data-testid': `terminal-tab-${name}`,
          'data-host': name,
          title: fqdn,
        },
        h('span', { class: 'tab-dot', 'data-state': 'connecting', 'aria-hidden': 'true' }),
        name,
      );
      tab.addEventListener('click', () => this.selectHost(name, true));
      tab.addEventListener('keydown', (event) => this.onTabKey(event, name, hosts));
      this.tabs.append(tab);

      const panel = h('div', {
        role: 'tabpanel',
        id: panelId,
        class: 'terminal-panel',
        'aria-labelledby': tabId,
        'data-testid': `terminal-${name}`,
        'data-host': name,
      });
      this.stage.append(panel);
      const terminal = new LabTerminal({
        labId: lab.labId,
        host: name,
        token: lab.token,
        element: panel,
        onState: (state) => this.onTerminalState(tab, state),
      });
      this.terminals.set(name, terminal);
    }
    if (this.activeHost) this.selectHost(this.activeHost, false);
  }

  private onTerminalState(tab: HTMLElement, state: ConnectionState): void {
    tab.querySelector<HTMLElement>('.tab-dot')?.setAttribute('data-state', state);
    this.codeBlocks.refresh();
    // A shell the server closed may mean the lab itself changed (an instructor's reset, an expiry):
    // ask, so the status, the results and the explanation are true, not a green "Ready" over dead shells.
    if (state === 'exited') void this.refreshLab();
  }

  private async refreshLab(): Promise<void> {
    const labId = this.lab?.labId;
    if (!labId || this.disposed) return;
    try {
      const lab = await api.lab(labId);
      if (this.lab?.labId === labId) this.setLab(lab);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        this.setLab(null);
        this.showNotice('The lab is gone', errorMessage(err));
      }
    }
  }

  private selectHost(host: string, focus: boolean): void {
    this.activeHost = host;
    for (const tab of this.tabs.querySelectorAll<HTMLElement>('[role="tab"]')) {
      const selected = tab.dataset.host === host;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    for (const panel of this.stage.querySelectorAll<HTMLElement>('[role="tabpanel"]')) {
      // Inactive panels stay laid out (visibility, not display), so their terminals keep a real size.
      panel.classList.toggle('active', panel.dataset.host === host);
    }
    const terminal = this.terminals.get(host);
    terminal?.fit();
    if (focus) terminal?.focus();
  }

  private onTabKey(event: KeyboardEvent, host: string, hosts: string[]): void {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = hosts[(hosts.indexOf(host) + step + hosts.length) % hosts.length];
    if (!next) return;
    this.selectHost(next, false);
    this.tabs.querySelector<HTMLElement>(`[data-host="${next}"]`)?.focus();
  }

  private runOnHost(host: string, text: string): boolean {
    const terminal = this.terminals.get(host);
    if (!terminal) {
      announce(`Start the lab first: there is no ${host} terminal yet.`);
      return false;
    }
    this.selectHost(host, false);
    const lines = text.split('\n').map((line) => `${line}\r`);
    if (!terminal.sendInput(lines.join(''))) {
      announce(`The ${host} terminal is not connected yet; try again in a moment.`);
      return false;
    }
    terminal.focus();
    return true;
  }

  private disposeTerminals(): void {
    for (const terminal of this.terminals.values()) terminal.dispose();
    this.terminals.clear();
    this.terminalsFor = undefined;
    this.tabs.replaceChildren();
  }

  private renderResetNote(lab: LabView | null): void {
    const reset = lab?.reset;
    if (reset?.by !== 'instructor' || this.resetNoteDismissed === reset.at) {
      this.resetNote.replaceChildren();
      return;
    }
    if (this.resetNote.dataset.at === reset.at && this.resetNote.firstChild) return;
    this.resetNote.dataset.at = reset.at;
    const dismiss = h(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss' },
      icon(icons.cross),
    );
    dismiss.addEventListener('click', () => {
      this.resetNoteDismissed = reset.at;
      this.resetNote.replaceChildren();
    });
    this.resetNote.replaceChildren(
      h(
        'div',
        { class: 'banner info', role: 'status', 'data-testid': 'reset-banner' },
        icon(icons.reset),
        h(
          'div',
          {},
          h('strong', {}, 'Your instructor reset this lab'),
          h(
            'p',
            {},
            `at ${reset.at.slice(11, 16)} UTC. Its hosts were made anew, so earlier changes on them are gone; your attempts so far are kept in your record.`,
          ),
        ),
        dismiss,
      ),
    );
  }

  private showNotice(title: string, message: string, action?: { label: string; run: () => unknown }): void {
    const dismiss = h(
      'button',
      { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss' },
      icon(icons.cross),
    );
    dismiss.addEventListener('click', () => this.clearNotice());
    const actionButton = action
      ? h(
          'button',
          {
            type: 'button',
            class: 'button',
            onclick: () => {
              this.clearNotice();
              void action.run();
            },
          },
          action.label,
        )
      : null;
    this.notice.replaceChildren(
      h(
        'div',
        { class: 'banner error', role: 'alert', 'data-testid': 'error-banner' },
        icon(icons.alert),
        h('div', {}, h('strong', {}, title), h('p', {}, message)),
        actionButton,
        dismiss,
      ),
    );
  }

  private clearNotice(): void {
    this.notice.replaceChildren();
  }
}

/** The draggable divider between lesson and lab; arrow keys move it too. Width is remembered. */
function splitter(): HTMLElement {
  const handle = h('div', {
    class: 'splitter',
    role: 'separator',
    tabindex: '0',
    'aria-orientation': 'vertical',
    'aria-label': 'Resize lesson and lab panes',
    'aria-valuemin': '25',
    'aria-valuemax': '75',
  });
  const apply = (percent: number) => {
    const layout = handle.parentElement;
    if (!layout) return;
    const clamped = Math.min(75, Math.max(25, percent));
    layout.style.setProperty('--lesson-width', `${clamped}%`);
    handle.setAttribute('aria-valuenow', String(Math.round(clamped)));
    localStorage.setItem(SPLIT_KEY, String(Math.round(clamped)));
  };
  const current = () => {
    const layout = handle.parentElement;
    const lesson = layout?.firstElementChild as HTMLElement | null;
    return layout && lesson ? (lesson.offsetWidth / layout.clientWidth) * 100 : 50;
  };
  handle.addEventListener('pointerdown', (event) => {
    const layout = handle.parentElement;
    if (!layout) return;
    handle.setPointerCapture(event.pointerId);
    layout.classList.add('dragging');
    const move = (e: PointerEvent) => {
      const rect = layout.getBoundingClientRect();
      apply(((e.clientX - rect.left) / rect.width) * 100);
    };
    const up = () => {
      layout.classList.remove('dragging');
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
      handle.removeEventListener('pointercancel', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
    handle.addEventListener('pointercancel', up);
  });
  handle.addEventListener('keydown', (event) => {
    const step = event.key === 'ArrowLeft' ? -2 : event.key === 'ArrowRight' ? 2 : 0;
    if (step === 0) return;
    event.preventDefault();
    apply(current() + step);
  });
  return handle;
}
