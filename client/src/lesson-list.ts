// / — the lessons, in order, as cards.
import { api, errorMessage } from './api.ts';
import { h, icon, icons } from './dom.ts';
import type { Page, Shell } from './shell.ts';

export function lessonListPage(shell: Shell): Page {
  const list = h('div', { class: 'lesson-grid', 'aria-busy': 'true' });
  shell.view.replaceChildren(
    h(
      'div',
      { class: 'home' },
      h(
        'section',
        { class: 'hero' },
        h('h1', {}, 'Learn Linux mail by running it'),
        h(
          'p',
          {},
          'Each lesson gives you real machines in disposable containers, a terminal on each, and a checker that ',
          'tells you what works and what does not: postfix, dovecot, DNS, TLS and the rest of the path a message takes.',
        ),
      ),
      h('h2', { class: 'section-title' }, 'Lessons'),
      list,
    ),
  );
  let disposed = false;
  api.lessons().then(
    (lessons) => {
      if (disposed) return;
      list.removeAttribute('aria-busy');
      if (lessons.length === 0) {
        list.replaceChildren(
          h('p', { class: 'empty' }, 'No lessons found. Add one under lessons/ and restart the server.'),
        );
        return;
      }
      list.replaceChildren(
        ...lessons.map((lesson) =>
          h(
            'a',
            {
              class: 'lesson-card',
              href: `/lessons/${encodeURIComponent(lesson.id)}`,
              'data-testid': `lesson-link-${lesson.id}`,
            },
            h('span', { class: 'lesson-number', 'aria-hidden': 'true' }, lesson.number),
            h(
              'span',
              { class: 'lesson-card-text' },
              h(
                'span',
                { class: 'lesson-card-title' },
                h('span', { class: 'visually-hidden' }, `Lesson ${lesson.number}: `),
                lesson.title,
              ),
              h('span', { class: 'lesson-card-summary' }, lesson.summary),
              h(
                'span',
                { class: 'lesson-card-meta' },
                lesson.hosts.map((host) => h('span', { class: 'chip' }, icon(icons.terminal), host)),
                h(
                  'span',
                  { class: 'chip plain' },
                  `${lesson.exercises.length} exercise${lesson.exercises.length === 1 ? '' : 's'}`,
                ),
              ),
            ),
            icon(icons.arrow, 'icon card-arrow'),
          ),
        ),
      );
    },
    (err) => {
      if (disposed) return;
      list.removeAttribute('aria-busy');
      list.replaceChildren(
        h(
          'div',
          { class: 'banner error', role: 'alert', 'data-testid': 'error-banner' },
          icon(icons.alert),
          h('div', {}, h('strong', {}, 'The lessons could not be loaded'), h('p', {}, errorMessage(err))),
        ),
      );
    },
  );
  return {
    dispose() {
      disposed = true;
    },
  };
}
