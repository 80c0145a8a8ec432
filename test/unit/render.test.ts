import { describe, expect, it } from 'vitest';
import { parseInfoString, renderLessonMarkdown } from '../../server/lessons/render.ts';

describe('lesson markdown rendering', () => {
  it('marks code blocks that name a host as runnable', () => {
    const { html, runnable } = renderLessonMarkdown('```bash host=desktop\npostconf -n\n```\n');
    expect(html).toContain(
      '<div class="code-block" data-host="desktop"><pre><code class="language-bash">postconf -n',
    );
    expect(runnable).toEqual([{ host: 'desktop', code: 'postconf -n' }]);
  });

  it('leaves code blocks without a host copy-only', () => {
    const { html, runnable } = renderLessonMarkdown('```\nmail -s hi student\n```\n');
    expect(html).toContain('<div class="code-block"><pre><code>');
    expect(runnable).toEqual([]);
  });

  it('strips scripts and event handlers from lesson HTML', () => {
    const { html } = renderLessonMarkdown('<script>alert(1)</script>\n\n<img src="x" onerror="alert(2)">\n');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onerror');
  });

  it('escapes markup inside code blocks', () => {
    const { html } = renderLessonMarkdown('```bash host=server\necho "<b>"\n```\n');
    expect(html).toContain('echo "&lt;b&gt;"');
    expect(html).not.toContain('<b>');
  });

  it('reads the language and host from an info string in any order', () => {
    expect(parseInfoString('host=server console')).toEqual({ language: 'console', host: 'server' });
    expect(parseInfoString('host=Bad;rm')).toEqual({});
  });
});
