// Sessions and pages probed as an attacker would: a cross-site page planting its own student key
// (login CSRF), framing, the key handler's redirect, a Host header that only looks local, logout,
// cookies past their age, source maps, and names carrying terminal escapes. In-process, fake runtime.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { Classroom } from '../../server/classroom/classroom.ts';
import { createApp } from '../../server/http/app.ts';
import { allowedHostNames, hostNameOf } from '../../server/http/host-check.ts';
import { localPath } from '../../server/http/key-link.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { ProgressRecorder } from '../../server/labs/progress-recorder.ts';
import { type ClassRecord, ClassStore } from '../../server/store/class-store.ts';
import { openDatabase } from '../../server/store/database.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { ProgressStore } from '../../server/store/progress-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog } from '../support/lesson-fixture.ts';

let base: string;
let port: number;
let close: () => Promise<void>;
let classroom: Classroom;
let session: SessionGate;
let tuesday: ClassRecord;
let clientDir: string;

beforeEach(async () => {
  const runtime = new FakeRuntime();
  const lessons = await fixtureCatalog(['01-roles', '06-null-client']);
  const db = openDatabase(':memory:');
  const progress = new ProgressStore(db);
  const grader = new GraderStore(runtime);
  const recorder = new ProgressRecorder(progress);
  const labs = new LabService({
    runtime,
    store: grader,
    lessons,
    checker: new Checker(runtime, grader),
    image: async () => 'x',
    recorder,
    maxLabs: 10,
  });
  classroom = new Classroom({ classes: new ClassStore(db), progress, lessons, labs });
  tuesday = classroom.create('Tuesday', ['06']);
  session = SessionGate.ephemeral();
  clientDir = await mkdtemp(path.join(tmpdir(), 'maillab-safety-'));
  await writeFile(path.join(clientDir, 'index.html'), '<!doctype html><title>maillab</title>');
  await writeFile(path.join(clientDir, 'app.js'), 'export {};');
  await writeFile(path.join(clientDir, 'app.js.map'), '{"sources":["secret.ts"]}');
  const app = createApp({
    session,
    lessons,
    labs,
    checker: new Checker(runtime, grader),
    classroom: { classroom, recorder },
    clientDir,
    allowedHosts: allowedHostNames('127.0.0.1', []),
    status: {
      engine: async () => ({ ok: true }),
      image: () => ({ flavor: 'offline', tag: 't', description: 'd' }),
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});

afterEach(async () => {
  await close();
  await rm(clientDir, { recursive: true, force: true });
});

const cookieOf = (role: 'owner' | 'instructor' | 'student', id?: string) =>
  `${SESSION_COOKIE}=${session.newSessionCookie(role, id)}`;
const setCookie = (res: { headers: Headers }) => res.headers.get('set-cookie');

/** A request as a browser sends it, headers and path exactly as given (fetch would tidy both). */
function raw(
  pathAndQuery: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathAndQuery,
        method,
        headers: { host: `127.0.0.1:${port}`, ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function joinAs(name: string) {
  return classroom.join(tuesday.joinCode, name).student;
}

describe('a key link (login CSRF)', () => {
  it('never replaces a signed-in session from a cross-site navigation: it asks, and sets no cookie', async () => {
    const victim = joinAs('Victim');
    const attacker = joinAs('Mallory');
    const res = await fetch(`${base}/lessons/06?key=${session.keyFor('student', attacker.id)}`, {
      headers: { cookie: cookieOf('student', victim.id), 'sec-fetch-site': 'cross-site' },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(setCookie(res)).toBeNull();
    const page = await res.text();
    expect(page).toContain('student &quot;Mallory&quot;');
    expect(page).toContain('signed in as student &quot;Victim&quot;');
    expect(page).toMatch(/<form method="post" action="\/session">/);
  });

  it('asks before switching even a same-origin link to another identity', async () => {
    const ann = joinAs('Ann');
    const res = await fetch(`${base}/?key=${session.key}`, {
      headers: { cookie: cookieOf('student', ann.id), 'sec-fetch-site': 'none' },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(setCookie(res)).toBeNull();
    expect(await res.text()).toContain('Open maillab as this machine&#39;s owner?');
  });

  it('asks a browser with no session too when another site sent it there', async () => {
    const attacker = joinAs('Mallory');
    const res = await fetch(`${base}/?key=${session.keyFor('student', attacker.id)}`, {
      headers: { 'sec-fetch-site': 'same-site' },
      redirect: 'manual',
    });
    expect(res.status).toBe(200);
    expect(setCookie(res)).toBeNull();
  });

  it('opens at once a link typed or pasted into a fresh browser, and the same identity again', async () => {
    const ann = joinAs('Ann');
    const key = session.keyFor('student', ann.id);
    const fresh = await fetch(`${base}/lessons/06?key=${key}`, {
      headers: { 'sec-fetch-site': 'none' },
      redirect: 'manual',
    });
    expect(fresh.status).toBe(303);
    expect(fresh.headers.get('location')).toBe('/lessons/06');
    expect(setCookie(fresh)).toMatch(/^maillab_session=v2\.student\./);
    const again = await fetch(`${base}/?key=${key}`, {
      headers: { cookie: cookieOf('student', ann.id), 'sec-fetch-site': 'cross-site' },
      redirect: 'manual',
    });
    expect(again.status).toBe(303);
    expect(setCookie(again)).toBeNull();
  });

  it('switches only on a same-origin confirmation; a cross-site POST of the form is refused', async () => {
    const victim = joinAs('Victim');
    const attacker = joinAs('Mallory');
    const form = new URLSearchParams({ key: session.keyFor('student', attacker.id), next: '/lessons/06' });
    const headers = {
      cookie: cookieOf('student', victim.id),
      'content-type': 'application/x-www-form-urlencoded',
    };
    const forged = await raw(
      '/session',
      { ...headers, 'sec-fetch-site': 'cross-site', origin: 'https://evil.test' },
      'POST',
      form.toString(),
    );
    expect(forged.status).toBe(403);
    expect(forged.headers['set-cookie']).toBeUndefined();
    // With Referrer-Policy no-referrer a browser sends Origin "null" on a form POST: Sec-Fetch-Site decides.
    const confirmed = await raw(
      '/session',
      { ...headers, 'sec-fetch-site': 'same-origin', origin: 'null' },
      'POST',
      form.toString(),
    );
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe('/lessons/06');
    expect(String(confirmed.headers['set-cookie'])).toContain(`v2.student.${attacker.id}.`);
    const bad = await raw(
      '/session',
      { ...headers, 'sec-fetch-site': 'same-origin' },
      'POST',
      'key=forged&next=/',
    );
    expect(bad.status).toBe(401);
  });
});

describe('redirects', () => {
  it('carry one leading slash, so "/.//attacker.test/x" stays on this server', async () => {
    const res = await raw(`/.//attacker.test/x?key=${session.key}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/attacker.test/x');
    const form = new URLSearchParams({ key: session.key, next: '//attacker.test/x' });
    const posted = await raw(
      '/session',
      { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
      'POST',
      form.toString(),
    );
    expect(posted.headers.location).toBe('/attacker.test/x');
    for (const [given, local] of [
      ['/\\\\evil.test/', '/evil.test/'],
      ['///evil.test', '/evil.test'],
      ['/lessons/06?a=1', '/lessons/06?a=1'],
    ])
      expect(localPath(given as string)).toBe(local);
  });
});

describe('the Host check', () => {
  it('is exact: a header that only parses as a local name is refused', async () => {
    for (const host of [
      '127.0.0.1#@evil.test',
      '127.0.0.1/x@evil.test',
      '127.0.0.1@evil.test',
      'evil.test\\@127.0.0.1',
    ]) {
      expect(hostNameOf(host)).not.toBe('127.0.0.1');
      expect((await raw('/api/lessons', { host, cookie: cookieOf('owner') })).status).toBe(403);
    }
    expect(hostNameOf(`127.0.0.1:${port}`)).toBe('127.0.0.1');
    expect(hostNameOf('[::1]:8080')).toBe('[::1]');
    expect(hostNameOf('Mail.Example.COM')).toBe('mail.example.com');
    expect((await raw('/api/lessons', { cookie: cookieOf('owner') })).status).toBe(200);
  });
});

describe('framing and page headers', () => {
  it('forbid framing on every page and answer, with a CSP that allows only this origin', async () => {
    const answers = [
      await raw('/'),
      await raw('/lessons/06'),
      await raw('/api/lessons', { cookie: cookieOf('owner') }),
      await raw('/api/lessons'),
      await raw('/?key=wrong'),
      await raw(`/?key=${session.key}`, { 'sec-fetch-site': 'cross-site' }),
      await raw('/', { host: 'evil.test' }),
      await raw('/api/join', { 'content-type': 'application/json' }, 'POST', '{not json'),
    ];
    for (const res of answers) {
      expect(res.headers['x-frame-options']).toBe('DENY');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    }
  });

  it('serve no source map, even one left beside the bundle', async () => {
    expect((await raw('/app.js')).status).toBe(200);
    expect((await raw('/app.js.map')).status).toBe(404);
  });
});

describe('sessions', () => {
  it('end with logout, which another site cannot trigger', async () => {
    const cross = await raw(
      '/api/logout',
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.test' },
      'POST',
    );
    expect(cross.status).toBe(403);
    const out = await raw(
      '/api/logout',
      { cookie: cookieOf('owner'), 'sec-fetch-site': 'same-origin' },
      'POST',
    );
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^maillab_session=; .*Max-Age=0/);
  });

  it('carry their issue time, and are refused past 30 days or forged without it', async () => {
    const issued = Date.parse('2026-01-01T00:00:00Z');
    const cookie = session.newSessionCookie('owner', undefined, issued);
    expect(cookie).toMatch(new RegExp(`^v2\\.owner\\.[^.]+\\.${issued / 1000}\\.`));
    const req = { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } };
    expect(session.sessionOf(req, issued + 29 * 86_400_000)?.issuedAt).toBe(issued / 1000);
    expect(session.sessionOf(req, issued + 31 * 86_400_000)).toBeUndefined();
    // The date is signed: moving it forward breaks the signature.
    const moved = cookie.replace(`.${issued / 1000}.`, `.${issued / 1000 + 86_400 * 30}.`);
    expect(session.sessionOf({ headers: { cookie: `${SESSION_COOKIE}=${moved}` } }, issued)).toBeUndefined();
    // A cookie of the first format (no date) opens nothing.
    const old = (await raw('/api/lessons', { cookie: `${SESSION_COOKIE}=v1.owner.x.sig` })).status;
    expect(old).toBe(401);
  });
});

describe('names at the door', () => {
  it('refuses a name or student id with control or text-direction characters', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/api/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    for (const body of [
      { code: tuesday.joinCode, name: 'Eve\u001b]0;pwned\u0007' },
      { code: tuesday.joinCode, name: 'Eve\u009b2J' },
      { code: tuesday.joinCode, name: 'Eve\u202egnp.exe' },
      { code: tuesday.joinCode, name: 'Eve', studentNumber: 'A1\nA2' },
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
        /control or text-direction character/,
      );
    }
    // Joiners that real names need stay allowed.
    expect((await post({ code: tuesday.joinCode, name: 'می\u200cخواهم' })).status).toBe(201);
    expect(classroom.grid(tuesday.id).students).toHaveLength(1);
  });
});
