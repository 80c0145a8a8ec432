// A student who is root on a lab host cannot fill the machine's disk where the engine can cap it. Proven
// on a real engine whose storage caps (`.ci/btrfs-engine.sh`: Docker with the btrfs driver on a loop
// mounted btrfs with quotas on), named by MAILLAB_TEST_CAPPED_DOCKER_HOST, which `.ci/run` exports.
// Without it these tests skip locally and fail under CI=true.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import type { RunningServer } from '../../server/http/serve.ts';
import { serve } from '../../server/http/serve.ts';
import { classClient } from '../support/classroom-client.ts';
import { realEngine } from '../support/engine.ts';

const CAPPED = process.env.MAILLAB_TEST_CAPPED_DOCKER_HOST;
const LIMIT_MB = 300;
const OWNER = 'test-disk-cap';

if (!CAPPED && process.env.CI === 'true')
  describe('disk cap', () => {
    it('has an engine that caps disks to prove it on', () => {
      throw new Error(
        'CI=true but MAILLAB_TEST_CAPPED_DOCKER_HOST is not set: .ci/run starts that engine with .ci/btrfs-engine.sh',
      );
    });
  });

describe.runIf(CAPPED)('a lab host on an engine that caps disks', () => {
  let main: Services;
  let capped: Services;
  let server: RunningServer;
  let labId: string;
  const stateDir = mkdtempSync(path.join(tmpdir(), 'maillab-disk-cap-'));

  beforeAll(async () => {
    main = (await realEngine()) as Services;
    capped = await compose(
      readConfig({
        ...process.env,
        DOCKER_HOST: CAPPED,
        MAILLAB_DISK_LIMIT_MB: String(LIMIT_MB),
        MAILLAB_OWNER: OWNER,
        MAILLAB_STATE_DIR: stateDir,
        MAILLAB_DATA_DIR: stateDir,
        // Apart from the main engine's lab networks, which share this machine's routing table.
        MAILLAB_LAB_SUBNETS: '10.232.0.0/16',
      }),
    );
    // The capped engine starts with no images: the main engine's lab image is copied over (8 s
    // measured) rather than built again (minutes).
    const image = (await main.images.ensure()).image;
    if (!(await capped.runtime.imageId(image))) {
      const tar = await main.engine.docker.getImage(image).get();
      await new Promise<void>((resolve, reject) =>
        capped.engine.docker.loadImage(tar, {}, (err, out) => {
          if (err) return reject(err);
          out?.on('end', resolve).on('error', reject).resume();
        }),
      );
    }
    server = await serve(capped, {
      host: '127.0.0.1',
      port: 0,
      log: () => {},
      buildImage: false,
      ownerOf: () => OWNER,
    });
    labId = (await capped.labs.start(OWNER, '01')).labId;
    await capped.labs.readyLab(labId);
  });

  afterAll(async () => {
    if (labId) await capped?.labs.finish(labId).catch(() => {});
    await server?.close();
    capped?.db.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('says the disk is capped, by the engine that caps it', async () => {
    const cap = await capped.runtime.diskCap((await main.images.ensure()).image);
    expect(cap).toMatchObject({ capped: true, storage: 'btrfs', limitBytes: LIMIT_MB * 1024 * 1024 });
  });

  it('stops a 3 GB write well short, and the host, its lab and the server keep answering', async () => {
    const began = Date.now();
    const write = await capped.runtime.exec(
      labId,
      'desktop',
      [
        '/bin/sh',
        '-c',
        'dd if=/dev/zero of=/root/fill bs=1M count=3072; echo "exit $?"; stat -c %s /root/fill',
      ],
      { timeoutMs: 60_000 },
    );
    const [, status, size] = /exit (\d+)\s+(\d+)/.exec(write.stdout) ?? [];
    process.stderr.write(
      `[disk cap] dd stopped at ${Math.round(Number(size) / 1024 / 1024)} MiB: ${write.stderr.trim().split('\n')[0]}\n`,
    );
    // btrfs says EDQUOT ("Disk quota exceeded"); an overlay cap says ENOSPC.
    expect(write.stderr).toMatch(/quota exceeded|No space left/i);
    expect(Number(status)).not.toBe(0);
    // The cap counts what the host wrote at boot and its lesson's setup too: a little under the limit.
    expect(Number(size)).toBeLessThan(LIMIT_MB * 1024 * 1024);
    expect(Number(size)).toBeGreaterThan(0);
    expect(Date.now() - began).toBeLessThan(30_000);

    // Still up: the host itself (a full disk may leave a unit failed, never systemd gone) …
    const desktop = await capped.runtime.exec(labId, 'desktop', ['systemctl', 'is-system-running']);
    expect(desktop.stdout.trim()).toMatch(/^(running|degraded)$/);
    await capped.runtime.exec(labId, 'desktop', ['rm', '-f', '/root/fill']);
    const after = await capped.runtime.exec(labId, 'desktop', [
      '/bin/sh',
      '-c',
      'echo ok > /root/after && cat /root/after',
    ]);
    expect(after.stdout.trim()).toBe('ok');
    // … the lab's other hosts …
    for (const host of ['server', 'grader']) {
      const state = await capped.runtime.exec(labId, host, ['systemctl', 'is-system-running']);
      expect(state.stdout.trim()).toBe('running');
    }
    // … and the lab service and its server: the lab is still ready (the watch left it alone, as the
    // engine holds the cap) and a check still runs.
    const client = classClient(server.url);
    expect((await client.call('GET', `/?key=${server.loginUrl.split('?key=')[1]}`)).status).toBeLessThan(400);
    const lab = await client.call('GET', `/api/labs/${labId}`);
    expect(lab.status).toBe(200);
    expect(lab.body.status).toBe('ready');
    const page = await client.call('GET', '/api/status');
    expect(page.body.disk.line).toMatch(/^disk: capped at 300 MB per host \(btrfs\)/);
  });
});
