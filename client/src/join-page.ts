// /join and /join/:code — a student types the class code (filled in from the join link), their name
// and, if the school uses them, their student id; then gets their own link back and the lessons.
import { errorMessage } from './api.ts';
import { classApi } from './class-api.ts';
import { h, setBusy } from './dom.ts';
import type { Page, Shell } from './shell.ts';

export function joinPage(shell: Shell, code: string | undefined): Page {
  shell.setCrumb('Join a class');
  document.title = 'Join a class · maillab';
  const error = h('div', { class: 'banner error', role: 'alert', 'data-testid': 'join-error', hidden: true });
  const codeInput = h('input', {
    id: 'join-code',
    name: 'code',
    required: true,
    autocomplete: 'off',
    maxlength: 12,
    value: code ?? '',
    'data-testid': 'join-code',
  });
  const nameInput = h('input', {
    id: 'join-name',
    name: 'name',
    required: true,
    maxlength: 60,
    autocomplete: 'name',
    'data-testid': 'join-name',
  });
  const numberInput = h('input', {
    id: 'join-number',
    name: 'number',
    maxlength: 40,
    'data-testid': 'join-number',
  });
  const submit = h(
    'button',
    { type: 'submit', class: 'button primary', 'data-testid': 'join-submit' },
    h('span', { class: 'label' }, 'Join'),
  );
  const form = h(
    'form',
    { class: 'join-form' },
    h('label', { for: 'join-code' }, 'Class code'),
    codeInput,
    h('label', { for: 'join-name' }, 'Your name (as your instructor will see it)'),
    nameInput,
    h('label', { for: 'join-number' }, 'Student id (optional)'),
    numberInput,
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.hidden = true;
    setBusy(submit, true, 'Joining…');
    classApi.join(codeInput.value, nameInput.value, numberInput.value.trim() || undefined).then(
      (joined) => {
        shell.view.replaceChildren(
          h(
            'section',
            { class: 'join-done', 'data-testid': 'joined' },
            h('h1', {}, `Welcome to ${joined.class.name}, ${joined.student.displayName}`),
            h(
              'p',
              {},
              'This is your own link back: open it to find your labs on another tab or device. Keep it to yourself, as it lets in whoever has it.',
            ),
            h('p', {}, h('code', { class: 'session-link', 'data-testid': 'session-link' }, joined.link)),
            h(
              'p',
              {},
              h('a', { class: 'button primary', href: '/' }, 'Go to the lessons'),
              ' ',
              h('a', { class: 'button', href: '/progress' }, 'My progress'),
            ),
          ),
        );
      },
      (err) => {
        setBusy(submit, false);
        error.textContent = errorMessage(err);
        error.hidden = false;
      },
    );
  });
  shell.view.replaceChildren(h('section', { class: 'join' }, h('h1', {}, 'Join a class'), form));
  (code ? nameInput : codeInput).focus();
  return { dispose() {} };
}
