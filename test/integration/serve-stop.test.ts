// A real `maillab serve --classroom` process: the links the CLI prints beside it carry the port it
// really listens on, and a SIGTERM with dashboards' event streams and terminal sockets open ends it
// within 5 s, each stream told "stopping" first. The engine is pointed at a socket that does not
// exist: none of this needs a lab, and the shared engine is left alone.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAILLAB_BIN, runMaillab } from '../support/cli.ts';

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

describe('a served class', () => {
  let dir: string;
  let env: Record<string, string>;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'maillab-serve-stop-'));
    env = {
      MAILLAB_STATE_DIR: dir,
      MAILLAB_DATA_DIR: dir,
      MAILLAB_OWNER: `serve-stop-${process.pid}`,
      DOCKER_HOST: `unix://${path.join(dir, 'no-engine.sock')}`,
      MAILLAB_SPARE_LABS: '',
      MAILLAB_PUBLIC_URL: '',
    };
  });

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('prints links with the port it serves on, and stops within 5 s with streams and sockets open', async () => {
    const created = await runMaillab(['class', 'create', 'Stop test', '--lessons', '06'], env);
    expect(created.code).toBe(0);
    const classId = /\((c[0-9a-f]+)\)/.exec(created.stdout)?.[1] ?? '';
    const port = await freePort();
    child = spawn(
      'node',
      [MAILLAB_BIN, 'serve', '--classroom', '--host', '127.0.0.1', '--port', String(port)],
      {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    const ready = Date.now();
    while (!output.includes('ready for classes') && Date.now() - ready < 60_000)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(output).toContain(`ready for classes at http://127.0.0.1:${port}`);

    // Printed again while it runs: the instructor link names the port it really serves on.
    const linked = await runMaillab(['class', 'link', classId], env);
    const link = /\s(http\S+\?key=\S+)/.exec(linked.stdout)?.[1] ?? '';
    expect(new URL(link).port).toBe(String(port));
    expect(linked.stdout).not.toMatch(/No maillab serves this data directory/);

    // The instructor opens the link (a fresh browser, typed): a session cookie.
    const opened = await fetch(link, { redirect: 'manual', headers: { 'sec-fetch-site': 'none' } });
    expect(opened.status).toBe(303);
    const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const base = `http://127.0.0.1:${port}`;

    // Three dashboards' live streams and two terminal sockets, all open.
    const streams = await Promise.all(
      [1, 2, 3].map(async () => {
        const res = await fetch(`${base}/api/classes/${classId}/events`, { headers: { cookie } });
        expect(res.status).toBe(200);
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        let text = '';
        const ended = (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return text;
            text += new TextDecoder().decode(value);
          }
        })();
        // Wrapped: an async callback returning the promise itself would wait here for the end.
        return { ended };
      }),
    );
    const sockets = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/labs/nolab/hosts/server`, {
              headers: { cookie, origin: base },
            });
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    const socketsClosed = sockets.map((ws) => new Promise((resolve) => ws.once('close', resolve)));

    const began = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const took = Date.now() - began;
    expect(code).toBe(0);
    expect(took).toBeLessThan(5_000);
    for (const text of await Promise.all(streams.map((s) => s.ended)))
      expect(text).toMatch(/event: stopping\ndata: \{[^\n]*The maillab server is stopping/);
    await Promise.all(socketsClosed);
    console.log(`serve stopped ${took} ms after SIGTERM with 3 event streams and 2 sockets open`);

    // Stopped, it no longer claims the data directory: links say they are a guess again.
    expect(existsSync(path.join(dir, 'serving.json'))).toBe(false);
    const after = await runMaillab(['class', 'link', classId], env);
    expect(after.stdout).toMatch(/No maillab serves this data directory yet/);
  }, 120_000);
});
