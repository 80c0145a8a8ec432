// A modal confirmation on the native <dialog> element: focus is trapped and Escape cancels for free.
import { h } from './dom.ts';

export function confirmDialog(opts: {
  title: string;
  message: string;
  confirm: string;
  danger?: boolean;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h(
      'dialog',
      { class: 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'confirm-title' }, opts.title),
        h('p', {}, opts.message),
        h(
          'div',
          { class: 'dialog-actions' },
          h(
            'button',
            { type: 'submit', value: 'cancel', class: 'button', 'data-testid': 'confirm-cancel' },
            'Cancel',
          ),
          h(
            'button',
            {
              type: 'submit',
              value: 'ok',
              class: opts.danger ? 'button danger' : 'button primary',
              'data-testid': 'confirm-accept',
            },
            opts.confirm,
          ),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'ok');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
