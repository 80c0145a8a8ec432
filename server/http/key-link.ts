// Links that carry a key (`/?key=…`, printed by `serve` and `class create`, and a student's own
// link) and the way out (logout). A key link starts a session at once only when nothing is lost and
// nobody else can have sent the browser there: no session yet, or the same one, and the link was
// typed, pasted or followed from this server's own pages. Anything else (a cross-site page that
// navigates to its own student's key, or a link for another identity than the one signed in) gets a
// page that says who the link opens and asks; the answer is a same-origin POST another site cannot make.
import express, { type Request, type Response } from 'express';
import { isSameSiteRequest, type Role, type Session, type SessionGate } from './session.ts';

export interface KeyLinkOptions {
  session: SessionGate;
  /** Whether the identity a key opens exists on this server (its class, its student). */
  known(opened: { role: Role; id?: string }): boolean;
  /** How a person reads an identity: "the machine's owner", "student Ann Lee of Tuesday"… */
  describe(who: { role: Role; id?: string }): string;
}

const UNKNOWN_KEY =
  "This link does not carry this maillab's key. Open the link `npx maillab serve` printed when it started.";

/**
 * A path on this server with exactly one leading slash: "/.//attacker.test/x" normalises to
 * "//attacker.test/x", which a browser reads as another host, so leading slashes collapse to one.
 */
export function localPath(pathAndQuery: string): string {
  const url = new URL(pathAndQuery.replace(/^[\\/]+/, '/'), 'http://maillab');
  return `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
}

/** Whether the browser says this navigation or POST came from another site (another port counts). */
function fromElsewhere(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  return site !== undefined && site !== 'same-origin' && site !== 'none';
}

/** A form POST from a page of this very origin; with Referrer-Policy no-referrer, Origin may be "null". */
function fromThisOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  try {
    return origin !== undefined && new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const sameIdentity = (a: Session | undefined, b: { role: Role; id?: string }) =>
  a !== undefined && a.role === b.role && (b.role === 'owner' || a.id === b.id);

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

function confirmPage(opts: { opens: string; current?: string; key: string; next: string }): string {
  const { opens, current, key, next } = opts;
  const why = current
    ? `This browser is signed in as ${escapeHtml(current)}. Opening the link signs it out of that session.`
    : 'Open it only if this is your own link: whoever made it can see what you type in its labs.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>maillab: open this link?</title><link rel="stylesheet" href="/app.css"></head>
<body><main class="join" data-testid="key-confirm">
<h1>Open maillab as ${escapeHtml(opens)}?</h1>
<p>${why}</p>
<form method="post" action="/session">
<input type="hidden" name="key" value="${escapeHtml(key)}">
<input type="hidden" name="next" value="${escapeHtml(next)}">
${current ? `<a class="button primary" href="/" data-testid="key-confirm-keep">Stay signed in as ${escapeHtml(current)}</a>` : ''}
<button type="submit" class="button${current ? '' : ' primary'}" data-testid="key-confirm-open">Open as ${escapeHtml(opens)}</button>
</form></main></body></html>`;
}

export function keyLinkRoutes(opts: KeyLinkOptions): express.Router {
  const { session } = opts;
  const router = express.Router();
  const open = (key: unknown) => {
    const opened = session.sessionForKey(key);
    return opened && opts.known(opened) ? opened : undefined;
  };
  const landing = (opened: { role: Role; id?: string }, next: string) =>
    // An instructor's link lands on their class's dashboard.
    opened.role === 'instructor' && new URL(next, 'http://maillab').pathname === '/'
      ? `/class/${opened.id}`
      : next;
  const refuse = (res: Response) => res.status(401).type('text/plain').send(UNKNOWN_KEY);

  router.use((req, res, next) => {
    const key = req.query.key;
    if (req.method !== 'GET' || key === undefined) return next();
    const opened = open(key);
    if (!opened) return refuse(res);
    const url = new URL(localPath(req.originalUrl), 'http://maillab');
    url.searchParams.delete('key');
    const target = landing(opened, `${url.pathname}${url.search}`);
    const current = session.sessionOf(req);
    res.setHeader('Cache-Control', 'no-store');
    if (sameIdentity(current, opened)) return res.redirect(303, target);
    if (!current && !fromElsewhere(req)) {
      res.setHeader('Set-Cookie', session.setCookieHeader(req.secure, opened.role, opened.id));
      return res.redirect(303, target);
    }
    res
      .status(200)
      .type('html')
      .send(
        confirmPage({
          opens: opts.describe(opened),
          ...(current ? { current: opts.describe(current) } : {}),
          key: String(key),
          next: target,
        }),
      );
  });

  router.post('/session', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const body = (req.body ?? {}) as { key?: unknown; next?: unknown };
    if (!fromThisOrigin(req))
      return res.status(403).type('text/plain').send('Refused: this request came from another site.');
    const opened = open(body.key);
    if (!opened) return refuse(res);
    res.setHeader('Set-Cookie', session.setCookieHeader(req.secure, opened.role, opened.id));
    res.redirect(303, landing(opened, localPath(typeof body.next === 'string' ? body.next : '/')));
  });

  router.post('/api/logout', (req, res) => {
    if (!isSameSiteRequest(req))
      return res.status(403).json({
        error: { code: 'forbidden', message: 'Refused: this request came from another site.' },
      });
    res.setHeader('Set-Cookie', session.clearCookieHeader(req.secure));
    res.status(204).end();
  });
  return router;
}
