// A tiny element builder, so views read as a tree instead of a wall of createElement calls.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/** An inline SVG icon from a path list (24×24 viewBox, stroked), hidden from assistive technology. */
export function icon(paths: string[], className = 'icon'): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of paths) {
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export const icons = {
  mail: ['M3 6h18v12H3z', 'M3 7l9 6 9-6'],
  play: ['M7 5l12 7-12 7z'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  check: ['M5 12.5l4.5 4.5L19 7.5'],
  cross: ['M6 6l12 12', 'M18 6L6 18'],
  reset: ['M4 12a8 8 0 1 0 2.4-5.7', 'M4 4v4h4'],
  stop: ['M6 6h12v12H6z'],
  terminal: ['M4 5h16v14H4z', 'M7 9l3 3-3 3', 'M12 15h5'],
  alert: ['M12 3l10 18H2z', 'M12 10v5', 'M12 18v.01'],
  arrow: ['M5 12h14', 'M13 6l6 6-6 6'],
};

/** Polite announcements for things that happen away from the focus (copied, lab finished…). */
export function announce(message: string): void {
  const region = document.getElementById('toast');
  if (!region) return;
  region.textContent = message;
  region.classList.add('visible');
  window.clearTimeout(Number(region.dataset.timer));
  region.dataset.timer = String(window.setTimeout(() => region.classList.remove('visible'), 2500));
}

/** Shows a spinner on a button (and swaps its `.label` text) while its action runs. */
export function setBusy(button: HTMLButtonElement, busy: boolean, busyLabel?: string): void {
  button.setAttribute('aria-busy', String(busy));
  button.disabled = busy;
  button.classList.toggle('busy', busy);
  const label = button.querySelector<HTMLElement>('.label');
  if (!label) return;
  if (busy && busyLabel) {
    label.dataset.idle = label.textContent ?? '';
    label.textContent = busyLabel;
  } else if (!busy && label.dataset.idle !== undefined) {
    label.textContent = label.dataset.idle;
    delete label.dataset.idle;
  }
}
