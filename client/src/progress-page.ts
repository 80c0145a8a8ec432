// /progress — a student's own record across their class's lessons: each exercise's state, best score,
// attempts, and whether they revealed the worked solution.
import { errorMessage } from './api.ts';
import { classApi, type GridCell } from './class-api.ts';
import { h } from './dom.ts';
import type { Page, Shell } from './shell.ts';

export const STATUS_LABELS: Record<GridCell['status'], string> = {
  passed: 'Passed',
  partial: 'Partly',
  failed: 'Failed',
  'not tried': 'Not tried',
};

export function progressPage(shell: Shell): Page {
  shell.setCrumb('My progress');
  document.title = 'My progress · maillab';
  const body = h('div', { 'aria-busy': 'true' });
  shell.view.replaceChildren(h('section', { class: 'progress-page' }, h('h1', {}, 'My progress'), body));
  let disposed = false;
  const linkBack = h('p', { class: 'hint', 'data-testid': 'link-back' });
  classApi.me().then(
    (me) => {
      if (me.link)
        linkBack.replaceChildren(
          'Your own link back (another tab or device; keep it to yourself): ',
          h('code', { class: 'session-link' }, me.link),
        );
    },
    () => {},
  );
  classApi.myProgress().then(
    (progress) => {
      if (disposed) return;
      body.removeAttribute('aria-busy');
      const me = progress.me;
      body.replaceChildren(
        h('p', {}, `Class: ${progress.class.name}`),
        linkBack,
        h(
          'table',
          { class: 'progress-table', 'data-testid': 'progress-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Lesson'),
              h('th', {}, 'Exercise'),
              h('th', {}, 'State'),
              h('th', {}, 'Best score'),
              h('th', {}, 'Attempts'),
              h('th', {}, 'Solution revealed'),
            ),
          ),
          h(
            'tbody',
            {},
            progress.columns.map((c) => {
              const cell = me?.cells[`${c.lesson}/${c.exercise}`];
              const status = cell?.status ?? 'not tried';
              return h(
                'tr',
                { 'data-testid': `progress-${c.lesson}-${c.exercise}`, 'data-status': status },
                h('td', {}, h('a', { href: `/lessons/${encodeURIComponent(c.lesson)}` }, c.lesson)),
                h('td', {}, c.title),
                h(
                  'td',
                  {},
                  h(
                    'span',
                    { class: `cell-badge status-${status.replace(' ', '-')}` },
                    STATUS_LABELS[status],
                  ),
                ),
                h('td', {}, cell?.score === null || cell === undefined ? '–' : `${Math.round(cell.score)}%`),
                h('td', {}, String(cell?.attempts ?? 0)),
                h('td', {}, cell?.revealed ? new Date(cell.revealed).toLocaleString() : 'no'),
              );
            }),
          ),
        ),
      );
    },
    (err) => {
      if (disposed) return;
      body.replaceChildren(
        h('div', { class: 'banner error', role: 'alert', 'data-testid': 'error-banner' }, errorMessage(err)),
      );
    },
  );
  return {
    dispose() {
      disposed = true;
    },
  };
}
