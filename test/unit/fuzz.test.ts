// Malformed input, as an attacker or a careless user sends it: every answer is a clear status or
// message, and the server still serves afterwards. Inputs are generated from a fixed seed, so a
// failure is reproducible. (Malformed WebSocket frames: terminal-server.test.ts.)
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Checker } from '../../server/checker/checker.ts';
import { createApp } from '../../server/http/app.ts';
import { SESSION_COOKIE, SessionGate } from '../../server/http/session.ts';
import { LabService } from '../../server/labs/lab-service.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { GraderStore } from '../../server/store/grader-store.ts';
import { FakeRuntime } from '../support/fake-runtime.ts';
import { fixtureCatalog, tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

/** A small deterministic generator (mulberry32), so every run sends the same inputs. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  '%2e%2e%2fetc',
  '\u0000',
  '\uffff',
  '🙂',
  'a'.repeat(5000),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '$(reboot)',
  '`id`',
  '-rf',
  '--help',
  'null',
  '{}',
  '[]',
  '1e308',
  '-1',
];

async function startServer() {
  const runtime = new FakeRuntime();
  const lessons = await fixtureCatalog();
  const store = new GraderStore(runtime);
  const checker = new Checker(runtime, store);
  const labs = new LabService({ runtime, store, lessons, checker, image: async () => 'x', maxLabs: 3 });
  const session = SessionGate.ephemeral();
  const app = createApp({
    session,
    lessons,
    labs,
    checker,
    status: {
      engine: async () => ({ ok: true }),
      image: () => ({ flavor: null, tag: null, description: '' }),
    },
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const cookie = `${SESSION_COOKIE}=${session.newSessionCookie()}`;
  return { server, port, cookie, labs };
}

describe('fuzz: malformed input never takes the server down', () => {
  it('answers 150 malformed HTTP requests (paths, bodies, headers) with 4xx and a JSON error, then still serves', async () => {
    const { server, port, cookie, labs } = await startServer();
    const started = await fetch(`http://127.0.0.1:${port}/api/lessons/03/lab`, {
      method: 'POST',
      headers: { cookie },
    });
    const labId = ((await started.json()) as { labId: string }).labId;
    await labs.readyLab(labId);
    const rnd = random(42);
    const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const statuses = new Map<number, number>();
    try {
      for (let i = 0; i < 150; i++) {
        const junk = encodeURIComponent(pick(NASTY));
        const path = pick([
          `/api/lessons/${junk}`,
          `/api/lessons/${junk}/lab`,
          `/api/labs/${junk}`,
          `/api/labs/${labId}/exercises/${junk}/check`,
          `/api/labs/${labId}/exercises/roles/answers`,
          `/api/labs/${labId}/exercises/${junk}/reveal`,
          `/api/${junk}`,
        ]);
        const method = pick(['GET', 'POST', 'PUT', 'DELETE']);
        const body = pick([
          undefined,
          '{',
          'null',
          '[]',
          '"answers"',
          JSON.stringify({ answers: pick(NASTY) }),
          JSON.stringify({ answers: { mta: pick(NASTY) } }),
          JSON.stringify({ answers: { [pick(NASTY)]: 'postfix' } }),
          JSON.stringify({
            answers: Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`q${k}`, 'x'])),
          }),
          'x'.repeat(100 * 1024),
        ]);
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method,
          headers: {
            cookie,
            ...(body !== undefined ? { 'content-type': pick(['application/json', 'text/plain']) } : {}),
          },
          ...(body !== undefined && method !== 'GET' ? { body } : {}),
        });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${method} ${path} ${String(body).slice(0, 80)}`).toBeLessThan(500);
        if (res.status >= 400) {
          const payload = (await res.json()) as { error?: { message?: string } };
          expect(payload.error?.message, `${method} ${path}`).toBeTruthy();
        } else await res.arrayBuffer();
      }
      // A garbled request line and headers, as raw bytes.
      for (const raw of [
        'GARBAGE\r\n\r\n',
        'GET / HTTP/9.9\r\n\r\n',
        `GET /api/lessons HTTP/1.1\r\nHost: ${'x'.repeat(20000)}\r\n\r\n`,
      ]) {
        const sock = createConnection({ host: '127.0.0.1', port });
        sock.on('error', () => {});
        await once(sock, 'connect');
        sock.end(raw);
        await Promise.race([once(sock, 'close'), new Promise((r) => setTimeout(r, 1000))]);
        sock.destroy();
      }
      const ok = await fetch(`http://127.0.0.1:${port}/api/lessons`, { headers: { cookie } });
      expect(ok.status).toBe(200);
      expect(statuses.size).toBeGreaterThan(1);
    } finally {
      server.close();
    }
  });

  it('names the file and the field for each of 40 randomly broken lesson files it refuses', async () => {
    const rnd = random(7);
    const lines = VALID_FRONT_MATTER.split('\n');
    for (let i = 0; i < 40; i++) {
      const broken = [...lines];
      const at = Math.floor(rnd() * broken.length);
      const how = Math.floor(rnd() * 4);
      if (how === 0) broken.splice(at, 1);
      else if (how === 1) broken[at] = `${broken[at]}: ${NASTY[Math.floor(rnd() * NASTY.length)]}`;
      else if (how === 2) broken[at] = (broken[at] ?? '').replace(/: .*/, ': [unclosed');
      else broken[at] = `\t${broken[at]}`;
      const root = await tempLessons();
      await writeLesson(root, '03-receiving', broken.join('\n'));
      const loaded = await loadLessons(root).then(
        () => 'loaded',
        (err: Error) => err.message,
      );
      // Some edits leave valid YAML (a deleted optional line); those must load cleanly, not crash.
      if (loaded !== 'loaded') expect(loaded).toMatch(/^.*03-receiving\/lesson\.md: field "[^"]+": .+/);
    }
  });
});
