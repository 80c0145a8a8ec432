// Entry point: builds the shell, routes `/` and `/lessons/:id` with the History API, and exposes the
// terminals to browser tests as `window.__maillab`.
import { api, errorMessage, request } from './api.ts';
import { classApi } from './class-api.ts';
import { dashboardPage } from './dashboard.ts';
import { h } from './dom.ts';
import { joinPage } from './join-page.ts';
import { lessonListPage } from './lesson-list.ts';
import { lessonPage } from './lesson-page.ts';
import { progressPage } from './progress-page.ts';
import { createShell, type Page } from './shell.ts';
import { type LabTerminal, liveTerminals } from './terminal.ts';

declare global {
  interface Window {
    __maillab?: {
      terminals: Map<string, LabTerminal>;
      /** The host's terminal buffer as text, lines joined by \n; '' when there is no such terminal. */
      readTerminal(host: string): string;
    };
  }
}

window.__maillab = {
  terminals: liveTerminals,
  readTerminal: (host) => liveTerminals.get(host)?.readBuffer() ?? '',
};

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');
const shell = createShell(root);
let page: Page | undefined;

function route(): void {
  page?.dispose();
  const path = location.pathname;
  const lesson = /^\/lessons\/([^/]+)\/?$/.exec(path);
  const join = /^\/join(?:\/([^/]+))?\/?$/.exec(path);
  const dashboard = /^\/class\/([^/]+)\/?$/.exec(path);
  if (lesson?.[1]) {
    page = lessonPage(shell, decodeURIComponent(lesson[1]));
  } else if (join) {
    page = joinPage(shell, join[1] ? decodeURIComponent(join[1]) : undefined);
  } else if (dashboard?.[1]) {
    page = dashboardPage(shell, decodeURIComponent(dashboard[1]));
  } else if (path === '/progress') {
    page = progressPage(shell);
  } else {
    shell.setCrumb(undefined);
    document.title = 'maillab';
    page = lessonListPage(shell);
  }
  // Someone joining has no session yet: the engine and image are not theirs to see.
  if (!join) refreshStatus();
}

function refreshStatus(): void {
  api.status().then(
    (status) => shell.showStatus(status),
    (err) => shell.showStatus(undefined, errorMessage(err)),
  );
}

/**
 * For students: a way to their progress page in the top bar, and a warning (checked every 30 s) when
 * one of their labs is about to be reclaimed for being idle, with a button that keeps it.
 */
function studentBar(): void {
  if (/^\/join/.test(location.pathname)) return;
  const warning = h('div', {
    class: 'banner warning',
    role: 'alert',
    'data-testid': 'idle-warning',
    hidden: true,
  });
  document.querySelector('.banners')?.before(warning);
  const check = () =>
    classApi.me().then(
      (me) => {
        if (me.role !== 'student') return;
        if (!document.querySelector('[data-testid="my-progress"]'))
          document
            .querySelector('.topbar-right')
            ?.prepend(
              h(
                'a',
                { class: 'button small', href: '/progress', 'data-testid': 'my-progress' },
                `${me.class?.name ?? 'Class'}: my progress`,
              ),
            );
        const expiring = me.expiring ?? [];
        warning.hidden = expiring.length === 0;
        warning.replaceChildren(
          ...expiring.map((lab) =>
            h(
              'p',
              {},
              `Your lab for lesson ${lab.lesson.slice(0, 2)} has been idle and will be reclaimed at ${new Date(lab.expiresAt).toLocaleTimeString()} (your results are kept). `,
              h(
                'button',
                {
                  type: 'button',
                  class: 'button small',
                  'data-testid': `keep-${lab.labId}`,
                  onclick: () =>
                    void request('POST', `/api/labs/${encodeURIComponent(lab.labId)}/keep`).then(
                      check,
                      () => {},
                    ),
                },
                'Keep my lab',
              ),
            ),
          ),
        );
        window.setTimeout(check, 30_000);
      },
      () => {},
    );
  void check();
}

// Same-origin links are routed in the page, so terminals are not torn down by a full reload.
document.addEventListener('click', (event) => {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  const link = (event.target as Element | null)?.closest?.('a');
  if (!link || link.target || link.hasAttribute('download') || link.origin !== location.origin) return;
  if (!link.pathname.startsWith('/') || link.pathname.startsWith('/api/') || link.hash) return;
  event.preventDefault();
  if (link.pathname !== location.pathname) {
    history.pushState(null, '', link.pathname);
    route();
    window.scrollTo(0, 0);
  }
});
window.addEventListener('popstate', route);

route();
studentBar();
