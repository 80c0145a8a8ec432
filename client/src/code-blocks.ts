// Actions on the lesson's code blocks: Copy for every block, and "Run on <host>" for blocks whose
// Markdown named a host (the server renders them as <div class="code-block" data-host="…">).
import { announce, h, icon, icons } from './dom.ts';

export interface CodeBlockActions {
  /** Types the lines into the host's terminal; false (after telling the student why) when it could not. */
  run(host: string, text: string): boolean;
  /** Whether a host's terminal is there to run in right now. */
  canRun(host: string): boolean;
}

export function enhanceCodeBlocks(root: HTMLElement, actions: CodeBlockActions): { refresh(): void } {
  const runButtons: { button: HTMLButtonElement; host: string }[] = [];
  for (const block of root.querySelectorAll<HTMLElement>('.code-block')) {
    const code = block.querySelector('code') ?? block.querySelector('pre');
    if (!code) continue;
    const text = () => (code.textContent ?? '').replace(/\n+$/, '');
    const host = block.dataset.host;
    const bar = h('div', { class: 'code-actions' });
    if (host) {
      bar.append(h('span', { class: 'code-host' }, icon(icons.terminal), host));
      const run = h(
        'button',
        {
          type: 'button',
          class: 'code-button run',
          'data-testid': 'run-button',
          onclick: () => actions.run(host, text()),
        },
        icon(icons.play, 'icon filled'),
        `Run on ${host}`,
      );
      runButtons.push({ button: run, host });
      bar.append(run);
    }
    const copy = h(
      'button',
      { type: 'button', class: 'code-button', 'data-testid': 'copy-button' },
      icon(icons.copy),
      h('span', {}, 'Copy'),
    );
    copy.addEventListener('click', async () => {
      const copied = await copyText(text());
      const label = copy.querySelector('span');
      if (label) label.textContent = copied ? 'Copied' : 'Copy failed';
      announce(copied ? 'Copied to the clipboard.' : 'Could not copy: select the text and copy it by hand.');
      window.setTimeout(() => {
        if (label) label.textContent = 'Copy';
      }, 1500);
    });
    bar.append(copy);
    block.prepend(bar);
  }
  const refresh = () => {
    for (const { button, host } of runButtons) {
      const ready = actions.canRun(host);
      button.disabled = !ready;
      button.title = ready ? `Type these lines into the ${host} terminal` : 'Start the lab to run this';
    }
  };
  refresh();
  return { refresh };
}

async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission denied: fall through to the selection-based copy.
    }
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
