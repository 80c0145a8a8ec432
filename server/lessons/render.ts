// Lesson Markdown to safe HTML. Code blocks whose info string names a host (```bash host=desktop)
// get data-host, which the client turns into a "Run on desktop" action.
import { Marked, type Tokens } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** `bash host=desktop` → { language: 'bash', host: 'desktop' } */
export function parseInfoString(info: string | undefined): { language?: string; host?: string } {
  const words = (info ?? '').trim().split(/\s+/).filter(Boolean);
  const result: { language?: string; host?: string } = {};
  for (const word of words) {
    const match = /^host=([a-z][a-z0-9-]*)$/.exec(word);
    if (match) result.host = match[1];
    else if (!result.language && /^[\w+-]+$/.test(word)) result.language = word;
  }
  return result;
}

export interface RunnableBlock {
  host: string;
  code: string;
}

export function renderLessonMarkdown(markdown: string): { html: string; runnable: RunnableBlock[] } {
  const runnable: RunnableBlock[] = [];
  const marked = new Marked({
    gfm: true,
    renderer: {
      code({ text, lang }: Tokens.Code) {
        const { language, host } = parseInfoString(lang);
        if (host) runnable.push({ host, code: text });
        const hostAttr = host ? ` data-host="${host}"` : '';
        const langClass = language ? ` class="language-${language}"` : '';
        return `<div class="code-block"${hostAttr}><pre><code${langClass}>${escapeHtml(text)}</code></pre></div>\n`;
      },
    },
  });
  const raw = marked.parse(markdown, { async: false });
  const html = sanitizeHtml(raw, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'h1', 'h2', 'del', 'input'],
    allowedAttributes: {
      ...sanitizeHtml.defaults.allowedAttributes,
      div: ['class', 'data-host'],
      code: ['class'],
      span: ['class'],
      th: ['align'],
      td: ['align'],
      input: ['type', 'checked', 'disabled'],
      '*': ['id'],
    },
    allowedSchemes: ['http', 'https', 'mailto'],
  });
  return { html, runnable };
}
