// /class/:classId — the instructor's dashboard: students × exercises, kept live by the class's event
// stream (each recorded attempt, reveal or lab change makes the page fetch the grid again). A cell
// opens the criteria of the attempt it shows; a student's lab can be reset, extended, or watched
// read-only (their terminal, live, without a way to type into it).
import { errorMessage } from './api.ts';
import { type ClassGrid, classApi, type GridStudent } from './class-api.ts';
import { confirmDialog } from './confirm-dialog.ts';
import { announce, h } from './dom.ts';
import { STATUS_LABELS } from './progress-page.ts';
import type { Page, Shell } from './shell.ts';
import { LabTerminal } from './terminal.ts';

/** Changes come in bursts (a class pressing Check together): one grid fetch per quarter second. */
const REFRESH_DEBOUNCE_MS = 250;

export function dashboardPage(shell: Shell, classId: string): Page {
  shell.setCrumb('Class dashboard');
  document.title = 'Class dashboard · maillab';
  const title = h('h1', {}, 'Class');
  const meta = h('p', { class: 'class-meta' });
  const live = h(
    'span',
    { class: 'live-state', 'data-testid': 'live-state', 'data-state': 'connecting' },
    'connecting…',
  );
  const error = h('div', {
    class: 'banner error',
    role: 'alert',
    hidden: true,
    'data-testid': 'error-banner',
  });
  const table = h('table', { class: 'class-grid', 'data-testid': 'class-grid' });
  const panel = h('aside', { class: 'class-panel', 'data-testid': 'class-panel', hidden: true });
  shell.view.replaceChildren(
    h(
      'section',
      { class: 'dashboard' },
      h('div', { class: 'dashboard-head' }, title, live),
      meta,
      h(
        'p',
        { class: 'dashboard-actions' },
        h(
          'a',
          {
            class: 'button',
            href: classApi.exportUrl(classId, 'csv'),
            download: '',
            'data-testid': 'export-csv',
          },
          'Export CSV',
        ),
        ' ',
        h(
          'a',
          {
            class: 'button',
            href: classApi.exportUrl(classId, 'json'),
            download: '',
            'data-testid': 'export-json',
          },
          'Export JSON',
        ),
      ),
      error,
      h('div', { class: 'dashboard-body' }, h('div', { class: 'grid-scroll' }, table), panel),
    ),
  );

  let disposed = false;
  let watching: LabTerminal[] = [];
  let timer: number | undefined;
  const stopWatching = () => {
    for (const t of watching) t.dispose();
    watching = [];
  };
  const closePanel = () => {
    stopWatching();
    panel.hidden = true;
    panel.replaceChildren();
  };
  const openPanel = (...content: Node[]) => {
    stopWatching();
    panel.hidden = false;
    panel.replaceChildren(
      h(
        'button',
        { type: 'button', class: 'link-button panel-close', onclick: closePanel, 'aria-label': 'Close' },
        '×',
      ),
      ...content,
    );
  };

  const showAttempt = (attemptId: number) => {
    classApi.attempt(classId, attemptId).then(
      (a) =>
        openPanel(
          h('h2', {}, `${a.displayName}: ${a.exercise}`),
          h(
            'p',
            {},
            `${new Date(a.at).toLocaleString()} · ${Math.round(a.score)}% · ${(a.ms / 1000).toFixed(1)} s`,
          ),
          h(
            'ul',
            { class: 'criteria', 'data-testid': 'attempt-criteria' },
            a.criteria.map((c) =>
              h(
                'li',
                {
                  class: c.pass ? 'pass' : 'fail',
                  'data-testid': `attempt-criterion-${c.id}`,
                  'data-pass': String(c.pass),
                },
                h('strong', {}, `${c.pass ? 'PASS' : 'FAIL'} ${c.title}`),
                h('div', {}, c.message),
                c.hint && !c.pass ? h('div', { class: 'hint' }, `hint: ${c.hint}`) : null,
              ),
            ),
          ),
        ),
      (err) => announce(errorMessage(err)),
    );
  };

  const watch = (student: GridStudent, labId: string) => {
    classApi.watch(classId, labId).then(
      (grant) => {
        const tabs = h('div', { class: 'watch-tabs', role: 'tablist' });
        const screen = h('div', { class: 'watch-screen', 'data-testid': 'watch-screen' });
        openPanel(
          h('h2', {}, `Watching ${student.displayName} (read-only)`),
          h('p', { class: 'hint' }, 'You see their shell as they type; nothing you type reaches it.'),
          tabs,
          screen,
        );
        const show = (host: string) => {
          stopWatching();
          screen.replaceChildren();
          const element = h('div', { class: 'terminal-pane', 'data-testid': `watch-terminal-${host}` });
          screen.append(element);
          watching = [new LabTerminal({ labId, host, token: grant.watchToken, element, watch: true })];
          for (const tab of tabs.children)
            tab.setAttribute('aria-selected', String(tab.textContent === host));
        };
        tabs.replaceChildren(
          ...grant.hosts.map((host) =>
            h(
              'button',
              {
                type: 'button',
                role: 'tab',
                class: 'tab',
                'data-testid': `watch-tab-${host}`,
                onclick: () => show(host),
              },
              host,
            ),
          ),
        );
        const first = grant.hosts.includes('desktop') ? 'desktop' : grant.hosts[0];
        if (first) show(first);
      },
      (err) => announce(errorMessage(err)),
    );
  };

  const render = (grid: ClassGrid) => {
    title.textContent = grid.class.name;
    const joinLink = `${location.origin}/join/${grid.class.joinCode}`;
    meta.replaceChildren(
      'Join code ',
      h('strong', { 'data-testid': 'join-code' }, grid.class.joinCode),
      ' · join link ',
      h('code', {}, joinLink),
      ` · ${grid.students.length} student${grid.students.length === 1 ? '' : 's'}`,
    );
    const lessonsHead = grid.columns.map((c) =>
      h(
        'th',
        { scope: 'col', title: c.title },
        h('span', { class: 'col-lesson' }, c.lesson.slice(0, 2)),
        ' ',
        c.exercise,
      ),
    );
    const rows = grid.students.map((s) =>
      h(
        'tr',
        { 'data-testid': `student-${s.id}`, 'data-idle': String(s.idle) },
        h(
          'th',
          { scope: 'row', class: 'student-cell' },
          h('span', { class: 'student-name' }, s.displayName),
          s.studentNumber ? h('span', { class: 'student-number' }, ` (${s.studentNumber})`) : null,
          s.idle
            ? h(
                'span',
                {
                  class: 'chip idle',
                  'data-testid': `idle-${s.id}`,
                  title: `last seen ${new Date(s.lastSeenAt).toLocaleTimeString()}`,
                },
                'idle',
              )
            : null,
          s.waiting.map((w) =>
            h('span', { class: 'chip waiting' }, `waiting #${w.position} for ${w.lesson.slice(0, 2)}`),
          ),
        ),
        h(
          'td',
          { class: 'labs-cell' },
          s.labs.map((lab) =>
            h(
              'div',
              { class: 'lab-line', 'data-testid': `lab-${lab.labId}` },
              h('span', { class: `chip lab-${lab.status}` }, `${lab.lesson.slice(0, 2)} ${lab.status}`),
              lab.expiresAt
                ? h(
                    'span',
                    { class: 'expires', title: 'reclaimed if idle until then' },
                    ` until ${new Date(lab.expiresAt).toLocaleTimeString()}`,
                  )
                : null,
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button',
                  'data-testid': `watch-${s.id}`,
                  onclick: () => watch(s, lab.labId),
                },
                'watch',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'link-button',
                  'data-testid': `reset-${s.id}`,
                  onclick: () =>
                    void confirmDialog({
                      title: `Reset ${s.displayName}'s lab?`,
                      message: 'Their hosts are recreated from scratch; their recorded attempts stay.',
                      confirm: 'Reset',
                      danger: true,
                    }).then((ok) => {
                      if (ok)
                        classApi.resetLab(classId, lab.labId).then(
                          () => announce('Lab reset'),
                          (err) => announce(errorMessage(err)),
                        );
                    }),
                },
                'reset',
              ),
              lab.expiresAt
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'link-button',
                      'data-testid': `extend-${s.id}`,
                      onclick: () =>
                        classApi.extendLab(classId, lab.labId).then(
                          () => refresh(),
                          (err) => announce(errorMessage(err)),
                        ),
                    },
                    'extend',
                  )
                : null,
            ),
          ),
        ),
        grid.columns.map((c) => {
          const cell = s.cells[`${c.lesson}/${c.exercise}`];
          const status = cell?.status ?? 'not tried';
          const label = `${STATUS_LABELS[status]}${cell?.score !== null && cell?.score !== undefined ? ` ${Math.round(cell.score)}%` : ''}`;
          return h(
            'td',
            { class: `grid-cell status-${status.replace(' ', '-')}` },
            h(
              'button',
              {
                type: 'button',
                class: 'cell-button',
                disabled: cell?.attemptId === null || cell === undefined,
                'data-testid': `cell-${s.id}-${c.lesson}-${c.exercise}`,
                'data-status': status,
                onclick: () => cell?.attemptId && showAttempt(cell.attemptId),
              },
              label,
              cell?.attempts ? h('span', { class: 'attempts' }, ` ×${cell.attempts}`) : null,
              cell?.revealed
                ? h(
                    'span',
                    {
                      class: 'revealed',
                      'data-testid': `revealed-${s.id}-${c.exercise}`,
                      title: `solution revealed ${new Date(cell.revealed).toLocaleString()}`,
                    },
                    ' 👁',
                  )
                : null,
            ),
          );
        }),
      ),
    );
    table.replaceChildren(
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Student'), h('th', { scope: 'col' }, 'Labs'), lessonsHead),
      ),
      h(
        'tbody',
        {},
        rows.length
          ? rows
          : h('tr', {}, h('td', { colspan: grid.columns.length + 2 }, 'No student has joined yet.')),
      ),
    );
  };

  const refresh = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      classApi.grid(classId).then(
        (grid) => {
          if (disposed) return;
          error.hidden = true;
          render(grid);
        },
        (err) => {
          if (disposed) return;
          error.textContent = errorMessage(err);
          error.hidden = false;
        },
      );
    }, REFRESH_DEBOUNCE_MS);
  };

  // EventSource reconnects by itself (the stream says retry: 2000); each (re)connect fetches the grid
  // again, so nothing that happened while it was away is missed.
  // A stopping server says so as its last event: until it answers again the page is not connected
  // (and says so, rather than "reconnecting…" every 2 s, or a stale "live").
  let serverStopped = false;
  const events = new EventSource(classApi.eventsUrl(classId));
  events.addEventListener('open', () => {
    serverStopped = false;
    live.textContent = 'live';
    live.dataset.state = 'open';
    refresh();
  });
  events.addEventListener('stopping', () => {
    serverStopped = true;
    live.textContent = 'not connected: the maillab server stopped';
    live.dataset.state = 'closed';
  });
  events.addEventListener('error', () => {
    if (serverStopped) return;
    live.textContent = 'reconnecting…';
    live.dataset.state = 'reconnecting';
  });
  events.addEventListener('change', refresh);
  events.addEventListener('tick', refresh);
  refresh();

  return {
    dispose() {
      disposed = true;
      window.clearTimeout(timer);
      events.close();
      stopWatching();
    },
  };
}
