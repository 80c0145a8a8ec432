// Faults end in a clear state, on the real engine: a killed host marks its lab failed with the host's
// name and what to do; Check refuses with that message instead of a 500; starting again replaces the
// broken lab (never two per owner and lesson); finishing removes every lab it reports, at once, also
// from a process that did not create them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import pty from 'node-pty';
import { afterAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { compose } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { runMaillab } from '../support/cli.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const OWNER = `faults-${process.pid}`;

describe.runIf(services)('faults on the real engine', () => {
  const s = services as Services;
  const docker = services?.engine.docker as Services['engine']['docker'];

  afterAll(async () => {
    await s.labs.finishAll(OWNER, '06').catch(() => {});
  });

  it('marks a lab whose host was killed as failed, refuses Check with the reason, and replaces it on start', async () => {
    const first = await s.labs.start(OWNER, '06');
    await s.labs.readyLab(first.labId);
    await docker.getContainer(`maillab-${first.labId}-server`).kill();

    const found = await s.labs.find(OWNER, '06');
    expect(found?.status).toBe('failed');
    expect(found?.error).toMatch(/Host server of this lab stopped .* Press Reset/);
    await expect(s.labs.check(first.labId, 'null-client')).rejects.toThrow(/Host server of this lab stopped/);

    const second = await s.labs.start(OWNER, '06');
    expect(second.labId).not.toBe(first.labId);
    await s.labs.readyLab(second.labId);
    const labs = (await s.runtime.listLabs()).filter((l) => l.owner === OWNER);
    expect(labs.map((l) => l.labId)).toEqual([second.labId]);
  });

  it('stops a host that fills its disk past the limit, and its lab says why', async () => {
    const lab = (await s.labs.find(OWNER, '06')) ?? (await s.labs.start(OWNER, '06'));
    await s.labs.readyLab(lab.labId);
    expect(await s.labs.enforceDiskLimit(100 * 1024 * 1024)).toEqual([]);
    const fill = await s.runtime.exec(lab.labId, 'desktop', [
      '/bin/bash',
      '-c',
      'dd if=/dev/zero of=/root/fill bs=1M count=150 status=none && sync && echo filled',
    ]);
    expect(fill.stdout).toContain('filled');
    expect(await s.labs.enforceDiskLimit(100 * 1024 * 1024)).toEqual([lab.labId]);
    expect(lab.status).toBe('failed');
    expect(lab.error).toMatch(
      /Host desktop wrote 15\d MiB to its disk, over the 100 MiB a lab host may use, and was stopped/,
    );
    const info = await s.runtime.getLab(lab.labId);
    expect(info?.hosts.find((h) => h.name === 'desktop')?.running).toBe(false);
    await s.labs.finish(lab.labId);
  });

  it('stops a host writing 3 GB within 2 GB in a lab the CLI started with no server, and the watch then leaves', async () => {
    const cap = await s.runtime.diskCap((await s.images.find())?.image);
    // On an engine that caps, test/integration/disk-cap.test.ts proves the cap; the watch is not started.
    if (cap.capped) return;
    const owner = `${OWNER}-cli`;
    const stateDir = await mkdtemp(path.join(tmpdir(), 'maillab-host-watch-'));
    const env = { MAILLAB_OWNER: owner, MAILLAB_STATE_DIR: stateDir, MAILLAB_DISK_LIMIT_MB: '256' };
    const pidFile = path.join(stateDir, `host-watch-${owner}.pid`);
    try {
      const started = await runMaillab(['lab', 'start', '06'], env);
      expect(started.code, started.stderr).toBe(0);
      const lab = (await s.runtime.listLabs()).find((l) => l.owner === owner);
      if (!lab) throw new Error('the CLI started no lab');
      // The detached watch has started and taken the lab in (it looks for new labs every 2 s).
      await expect.poll(() => readFile(pidFile, 'utf8').catch(() => ''), { timeout: 15_000 }).toMatch(/^\d+/);
      await new Promise((resolve) => setTimeout(resolve, 4000));
      const began = Date.now();
      // Ends when the host is stopped under it (its exec stream closes) or when the 3 GB are written.
      await s.runtime.exec(
        lab.labId,
        'desktop',
        ['dd', 'if=/dev/zero', 'of=/root/fill', 'bs=1M', 'count=3072'],
        {
          timeoutMs: 60_000,
        },
      );
      const ms = Date.now() - began;
      // The host shuts down (systemd's clean stop takes a few seconds) after dd was ended.
      const inspect = () =>
        docker
          .getContainer(`maillab-${lab.labId}-desktop`)
          .inspect({ size: true } as Parameters<Docker.Container['inspect']>[0]) as Promise<
          Docker.ContainerInspectInfo & { SizeRw?: number }
        >;
      await expect.poll(async () => (await inspect()).State.Running, { timeout: 15_000 }).toBe(false);
      const desktop = await inspect();
      const written = desktop.SizeRw ?? 0;
      process.stderr.write(
        `[host watch] desktop stopped after ${ms} ms with ${Math.round(written / 1024 / 1024)} MiB written\n`,
      );
      expect(written).toBeLessThan(2 * 1024 * 1024 * 1024);
      // The lab says why on the next command, and finishing it leaves no watch behind.
      const grade = await runMaillab(['lab', 'grade', '06'], env);
      expect(grade.stdout + grade.stderr).toMatch(/Host desktop of this lab stopped .*filling its disk/);
      expect((await runMaillab(['lab', 'finish', '06'], env)).code).toBe(0);
      await expect
        .poll(() => readFile(pidFile, 'utf8').catch(() => 'gone'), { timeout: 15_000 })
        .toBe('gone');
    } finally {
      await runMaillab(['lab', 'finish', '06'], env);
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('keeps another lab responsive under a fork bomb, then ends the bomb; a memory hog dies alone', async () => {
    const bombed = (await s.labs.find(OWNER, '06')) ?? (await s.labs.start(OWNER, '06'));
    await s.labs.readyLab(bombed.labId);
    const other = await s.labs.start(`${OWNER}-other`, '06');
    await s.labs.readyLab(other.labId);
    try {
      // A memory hog in the other lab: the kernel kills it inside its own 384 MB, the host lives on.
      const hog = await s.runtime.exec(other.labId, 'server', [
        '/usr/bin/python3',
        '-c',
        'x = bytearray(1024 * 1024 * 1024); print("allocated")',
      ]);
      expect(hog.stdout).not.toContain('allocated');
      expect((await s.runtime.exec(other.labId, 'server', ['true'])).exitCode).toBe(0);

      // The bomb, bounded: it fills its 512 pids; `timeout` inside cannot end it, maillab does.
      await s.runtime.exec(
        bombed.labId,
        'desktop',
        [
          '/bin/bash',
          '-c',
          'setsid bash -c "b() { b | b & }; b" >/dev/null 2>&1 < /dev/null & sleep 3; exit 0',
        ],
        { timeoutMs: 20_000 },
      );
      const started = Date.now();
      const probe = await s.runtime.exec(other.labId, 'desktop', ['true'], { timeoutMs: 20_000 });
      expect(probe.exitCode).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await s.labs.enforceProcessLimit()).toEqual([]);
      expect(await s.labs.enforceProcessLimit()).toEqual([bombed.labId]);
      expect(bombed.error).toMatch(/Host desktop kept \d+ processes running, its limit: a fork bomb/);
      expect(other.status).toBe('ready');
    } finally {
      await s.labs.finish(bombed.labId);
      await s.labs.finish(other.labId);
    }
  }, 180_000);

  it('after a server restart, ends the shells the old server left and tells the student their shell is new', async () => {
    const lab = (await s.labs.find(OWNER, '06')) ?? (await s.labs.start(OWNER, '06'));
    await s.labs.readyLab(lab.labId);
    // A terminal as the server opens one; then the server "dies": its exec client goes, the shell stays.
    const command = await s.runtime.shellCommand(lab.labId, 'desktop');
    const term = pty.spawn(command.file, command.args, {
      env: { ...process.env, ...command.env } as Record<string, string>,
    });
    const count = async () =>
      (
        await s.runtime.exec(lab.labId, 'desktop', [
          '/bin/bash',
          '-c',
          'pgrep -cf "^maillab-shell( |$)" || true',
        ])
      ).stdout.trim();
    for (let i = 0; i < 40 && (await count()) === '0'; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await count()).toBe('1');
    term.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe('1');

    const restarted = await compose(readConfig());
    await restarted.labs.adopt();
    expect(await count()).toBe('0');
    expect(restarted.labs.takeShellRestartNotice(lab.labId, 'desktop')).toMatch(
      /server restarted, so this is a new shell on desktop/,
    );
    expect(restarted.labs.takeShellRestartNotice(lab.labId, 'desktop')).toBeUndefined();
    expect(restarted.labs.takeShellRestartNotice(lab.labId, 'server')).toBeUndefined();
  });

  it('survives the engine connection cut and restored: clear errors meanwhile, the same lab after', async () => {
    const lab = (await s.labs.find(OWNER, '06')) ?? (await s.labs.start(OWNER, '06'));
    await s.labs.readyLab(lab.labId);
    // A socket between maillab and the engine that the test can cut, as a restarted engine would.
    const socketPath = path.join(tmpdir(), `maillab-engine-${process.pid}.sock`);
    const open = () => {
      // Half-open allowed both ways: exec streams stdin, then shuts its side while output still flows.
      const proxy = createServer({ allowHalfOpen: true }, (client) => {
        const engine = connect({ path: '/var/run/docker.sock', allowHalfOpen: true });
        client.pipe(engine).pipe(client);
        client.on('error', () => engine.destroy());
        engine.on('error', () => client.destroy());
      });
      return new Promise<typeof proxy>((resolve) => proxy.listen(socketPath, () => resolve(proxy)));
    };
    let proxy = await open();
    const cut = await compose(readConfig({ ...process.env, DOCKER_HOST: `unix://${socketPath}` }));
    try {
      await cut.labs.adopt();
      expect(cut.labs.get(lab.labId).status).toBe('ready');
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await rm(socketPath, { force: true });
      await expect(cut.labs.check(lab.labId, 'null-client')).rejects.toThrow(/is not answering\. Start it/);
      await expect(cut.runtime.listLabs()).rejects.toMatchObject({ code: 'engine_unreachable' });
      proxy = await open();
      const result = await cut.labs.check(lab.labId, 'null-client');
      expect(result.criteria.length).toBeGreaterThan(0);
      expect(cut.labs.get(lab.labId).status).toBe('ready');
    } finally {
      proxy.close();
      await rm(socketPath, { force: true });
    }
  });

  it('finishes promptly from another process a lab whose host died, and every other lab of that lesson', async () => {
    const lab = (await s.labs.find(OWNER, '06')) ?? (await s.labs.start(OWNER, '06'));
    await s.labs.readyLab(lab.labId);
    const grader = (await s.runtime.getLab(lab.labId))?.hosts.find((h) => h.name === 'grader');
    await docker.getContainer(grader?.containerId ?? 'no grader').kill();
    // Another process (the CLI) that never saw this lab being created.
    const cli = await compose(readConfig());
    const started = Date.now();
    const removed = await cli.labs.finishAll(OWNER, '06');
    expect(removed).toEqual([lab.labId]);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await s.runtime.listLabs()).filter((l) => l.owner === OWNER)).toEqual([]);
  });
});
