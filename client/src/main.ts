// Entry point: builds the shell, routes `/` and `/lessons/:id` with the History API, and exposes the
// terminals to browser tests as `window.__maillab`.
import { api, errorMessage } from './api.ts';
import { lessonListPage } from './lesson-list.ts';
import { lessonPage } from './lesson-page.ts';
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
  if (lesson?.[1]) {
    page = lessonPage(shell, decodeURIComponent(lesson[1]));
  } else {
    shell.setCrumb(undefined);
    document.title = 'maillab';
    page = lessonListPage(shell);
  }
  refreshStatus();
}

function refreshStatus(): void {
  api.status().then(
    (status) => shell.showStatus(status),
    (err) => shell.showStatus(undefined, errorMessage(err)),
  );
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
