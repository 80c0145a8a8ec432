// The key to this maillab: without a session nothing in the API or the terminals answers. The server
// prints a link carrying a secret key at start (as Jupyter does); opening it sets an HttpOnly,
// SameSite=Strict cookie, signed with the same secret, and drops the key from the address bar. The
// secret lives in the state directory (mode 0600), so a restarted server keeps its link and cookies.
// A session carries a role: the machine's owner (personal mode, and the admin of a classroom), an
// instructor of one class, or one student. Instructor and student links carry a key of their own,
// derived from the same secret, so a student's link (their way back on a new device) opens only theirs.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

export const SESSION_COOKIE = 'maillab_session';
export type Role = 'owner' | 'instructor' | 'student';
const ROLES: readonly Role[] = ['owner', 'instructor', 'student'];
/** The first letter of a role's link key: `i.<class id>.<mac>`, `s.<student id>.<mac>`. */
const KEY_PREFIX = { instructor: 'i', student: 's' } as const;

export interface Session {
  role: Role;
  id: string;
  /** When the cookie was signed, in whole seconds since the epoch: older sessions can be told apart. */
  issuedAt: number;
}

/** How long a session cookie is honoured: the browser keeps it as long, and the server checks its date. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export class SessionGate {
  private constructor(private readonly secret: Buffer) {}

  /** A gate for tests and one-off servers: its key lives as long as the process. */
  static ephemeral(): SessionGate {
    return new SessionGate(randomBytes(32));
  }

  /** The server's secret, made on first start in stateDir/server-secret (readable by its owner only). */
  static async load(stateDir: string): Promise<SessionGate> {
    const file = path.join(stateDir, 'server-secret');
    try {
      const secret = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64url');
      if (secret.length >= 32) return new SessionGate(secret);
    } catch {
      // Not made yet.
    }
    const secret = randomBytes(32);
    await mkdir(stateDir, { recursive: true });
    await writeFile(file, `${secret.toString('base64url')}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
    return new SessionGate(secret);
  }

  private mac(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('base64url');
  }

  /** The key the printed link carries (derived, so the secret itself never leaves the server). */
  get key(): string {
    return this.mac('maillab url key v1');
  }

  isValidKey(candidate: unknown): boolean {
    return typeof candidate === 'string' && safeEqual(candidate, this.key);
  }

  /** The key of an instructor's link (id: the class) or a student's (id: the student). */
  keyFor(role: 'instructor' | 'student', id: string): string {
    return `${KEY_PREFIX[role]}.${id}.${this.mac(`maillab ${role} key v1 ${id}`)}`;
  }

  /** The session a link's key opens: the owner's, an instructor's or a student's; undefined if forged. */
  sessionForKey(candidate: unknown): { role: Role; id?: string } | undefined {
    if (typeof candidate !== 'string') return undefined;
    if (this.isValidKey(candidate)) return { role: 'owner' };
    const [prefix, id] = candidate.split('.');
    const role = (Object.keys(KEY_PREFIX) as ('instructor' | 'student')[]).find(
      (r) => KEY_PREFIX[r] === prefix,
    );
    if (!role || !id || !/^[A-Za-z0-9_-]{1,64}$/.test(id)) return undefined;
    return safeEqual(candidate, this.keyFor(role, id)) ? { role, id } : undefined;
  }

  /**
   * A fresh session's cookie value: role, id (random for the owner), when it was issued, and a
   * signature over all three. The issue time lets the server refuse a session older than its age
   * limit even from a browser that kept the cookie (v1 cookies had none and are no longer accepted).
   */
  newSessionCookie(role: Role = 'owner', id?: string, now = Date.now()): string {
    const issued = Math.floor(now / 1000);
    const payload = `v2.${role}.${id ?? randomBytes(16).toString('base64url')}.${issued}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** A signed token for one purpose and subject (e.g. watching one lab's terminals). */
  tokenFor(purpose: string, subject: string): string {
    return this.mac(`maillab ${purpose} v1 ${subject}`);
  }

  isValidToken(purpose: string, subject: string, candidate: unknown): boolean {
    return typeof candidate === 'string' && safeEqual(candidate, this.tokenFor(purpose, subject));
  }

  /** The session a request carries, if its cookie is one this server signed. */
  sessionOf(req: Pick<IncomingMessage, 'headers'>, now = Date.now()): Session | undefined {
    const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!value) return undefined;
    const cut = value.lastIndexOf('.');
    const payload = value.slice(0, cut);
    const [version, role, id, issued, ...rest] = payload.split('.');
    const issuedAt = Number(issued);
    if (cut < 0 || version !== 'v2' || !ROLES.includes(role as Role) || !id || rest.length) return undefined;
    if (!/^\d{1,12}$/.test(issued ?? '')) return undefined;
    // A cookie from the future (a clock set back) or past its age is no session.
    const age = now / 1000 - issuedAt;
    if (age < -300 || age > SESSION_MAX_AGE_S) return undefined;
    return safeEqual(value.slice(cut + 1), this.mac(payload))
      ? { role: role as Role, id, issuedAt }
      : undefined;
  }

  /** Set-Cookie for a new session: not readable by scripts, never sent by another site's page. */
  setCookieHeader(secure: boolean, role: Role = 'owner', id?: string): string {
    return `${SESSION_COOKIE}=${this.newSessionCookie(role, id)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure ? '; Secure' : ''}`;
  }

  /** Set-Cookie that ends this browser's session (logout). */
  clearCookieHeader(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Whether a request that changes state comes from a page of this server: browsers say where a request
 * comes from (Sec-Fetch-Site, Origin); a cross-site form or fetch is refused even if it carried a cookie.
 */
export function isSameSiteRequest(req: Pick<IncomingMessage, 'headers'>): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
