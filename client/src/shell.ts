// The frame around every page: the top bar (product, where you are, which lab image is in use), the
// engine banner, the view a page renders into, and the toast region for announcements.
import { request, type Status } from './api.ts';
import { h, icon, icons } from './dom.ts';

/** What a route renders; dispose() closes its sockets and timers when the student navigates away. */
export interface Page {
  dispose(): void;
}

export interface Shell {
  view: HTMLElement;
  setCrumb(label: string | undefined): void;
  showStatus(status: Status | undefined, error?: string): void;
}

const FLAVOR_LABELS: Record<string, string> = { rhel9: 'RHEL 9', offline: 'Offline' };

export function createShell(root: HTMLElement): Shell {
  const crumb = h('span', { class: 'crumb-current', 'aria-current': 'page' });
  const crumbSep = h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/');
  const imageBadge = h('span', { class: 'image-badge', 'data-testid': 'image-badge', hidden: true });
  const engine = h('span', { class: 'engine-state', 'data-testid': 'engine-state', hidden: true });
  // The machine's owner only (the server sends it to no one else): whether a lab host can fill the disk.
  const disk = h('span', { class: 'disk-state', 'data-testid': 'disk-state', hidden: true });
  // Ends this browser's session (a shared or borrowed computer); the link opens it again.
  const logout = h(
    'button',
    {
      type: 'button',
      class: 'button small',
      'data-testid': 'logout',
      hidden: true,
      onclick: () =>
        void request('POST', '/api/logout').then(
          () => location.assign('/'),
          () => location.assign('/'),
        ),
    },
    'Log out',
  );
  const banners = h('div', { class: 'banners' });
  const view = h('main', { id: 'view', class: 'view', tabindex: '-1' });

  root.replaceChildren(
    h('a', { class: 'skip-link', href: '#view' }, 'Skip to content'),
    h(
      'header',
      { class: 'topbar' },
      h(
        'a',
        { class: 'brand', href: '/', 'aria-label': 'maillab home' },
        icon(icons.mail, 'brand-mark'),
        'maillab',
      ),
      h(
        'nav',
        { class: 'crumbs', 'aria-label': 'Breadcrumb' },
        h('a', { href: '/' }, 'Lessons'),
        crumbSep,
        crumb,
      ),
      h('div', { class: 'topbar-right' }, imageBadge, disk, engine, logout),
    ),
    banners,
    view,
    h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite' }),
  );

  return {
    view,
    setCrumb(label) {
      crumb.textContent = label ?? '';
      crumb.hidden = !label;
      crumbSep.hidden = !label;
    },
    showStatus(status, error) {
      banners.replaceChildren();
      disk.hidden = !status?.disk;
      if (status?.disk) {
        disk.className = `disk-state ${status.disk.capped ? 'ok' : 'down'}`;
        disk.textContent = status.disk.capped ? 'Disk capped' : 'Disk not capped';
        disk.title = status.disk.line;
      }
      // A status answer means this browser has a session: there is something to log out of.
      logout.hidden = !status;
      if (!status) {
        engine.hidden = true;
        imageBadge.hidden = true;
        if (error) banners.append(engineBanner('The maillab server did not answer', error));
        return;
      }
      const flavor = status.image.flavor;
      imageBadge.hidden = false;
      imageBadge.title = status.image.tag ? `Lab image: ${status.image.tag}` : 'Lab image';
      imageBadge.replaceChildren(
        h(
          'span',
          { class: `flavor ${flavor ?? 'none'}` },
          flavor ? (FLAVOR_LABELS[flavor] ?? flavor) : 'No image',
        ),
        h('span', { class: 'image-description' }, status.image.description),
        ...(status.image.selfTest
          ? [
              h(
                'span',
                { class: `self-test ${status.image.selfTest.passed ? 'ok' : 'down'}` },
                status.image.selfTest.passed
                  ? 'self-tested'
                  : `self-test failed: ${status.image.selfTest.failedStep ?? 'see maillab doctor'}`,
              ),
            ]
          : []),
      );
      if (status.image.fallback)
        imageBadge.title += `\nNot the RHEL 9 image, because: ${status.image.fallback}`;
      engine.hidden = false;
      engine.className = `engine-state ${status.engine.ok ? 'ok' : 'down'}`;
      engine.textContent = status.engine.ok
        ? [status.engine.product, status.engine.version].filter(Boolean).join(' ') || 'Engine ready'
        : 'Engine unavailable';
      if (!status.engine.ok) {
        banners.append(
          engineBanner(
            'The container engine is not available',
            status.engine.message ?? 'Labs cannot start until it is. Run `npx maillab doctor` on the server.',
          ),
        );
      }
    },
  };
}

function engineBanner(title: string, message: string): HTMLElement {
  return h(
    'div',
    { class: 'banner error', role: 'alert', 'data-testid': 'engine-banner' },
    icon(icons.alert),
    h('div', {}, h('strong', {}, title), h('p', {}, message)),
  );
}
