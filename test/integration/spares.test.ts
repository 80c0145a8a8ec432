// Spare labs on the real engine, through the CLI a user runs: `spares fill` prepares a lab of lesson 06
// ahead, `lab start 06` takes it (no boot, no setup) and it grades like any lab; the server refills the
// pool after a start and removes its spares when it stops.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, type Services } from '../../server/compose.ts';
import { readConfig } from '../../server/config.ts';
import { serve } from '../../server/http/serve.ts';
import { runMaillab } from '../support/cli.ts';
import { realEngine } from '../support/engine.ts';

const engine = await realEngine();
const OWNER = `spares-test-${process.pid}`;

describe.runIf(engine)('spare labs', () => {
  let stateDir: string;
  const env = () => ({ ...process.env, MAILLAB_OWNER: OWNER, MAILLAB_STATE_DIR: stateDir });
  const maillab = (...args: string[]) => runMaillab(args, env());

  const spareCount = async (s: Services) =>
    (await s.runtime.listLabs()).filter((l) => l.owner === s.labs.spareOwner).length;
  const readySpares = async (s: Services) =>
    (await s.labs.spares()).filter((l) => l.status === 'ready').length;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'maillab-spares-'));
  });

  afterAll(async () => {
    await maillab('lab', 'finish', '06');
    await maillab('spares', 'clear');
    await rm(stateDir, { recursive: true, force: true });
  });

  it('prepares a lab ahead that a CLI start then takes as it is, and it grades like any lab', async () => {
    const filled = await maillab('spares', 'fill', '06=1');
    expect(filled.code, filled.stderr).toBe(0);
    expect(filled.stdout).toMatch(/06-null-client\s+[0-9a-f]{20}\s+ready/);
    const spareId = /06-null-client\s+([0-9a-f]{20})\s+ready/.exec(filled.stdout)?.[1];
    const started = await maillab('lab', 'start', '06');
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('Lab ready (prepared ahead)');
    expect(started.stdout).toContain(`Lab ${spareId} is ready`);
    expect((await maillab('spares')).stdout).toContain('No spare labs are waiting.');
    const graded = await maillab('lab', 'grade', '06', '--json');
    expect(graded.code).toBe(1);
    expect(JSON.parse(graded.stdout).lesson).toBe('06-null-client');
    expect((await maillab('lab', 'solve', '06')).code).toBe(0);
    expect((await maillab('lab', 'grade', '06')).code).toBe(0);
    expect((await maillab('lab', 'finish', '06')).stdout).toContain(`Lab ${spareId} finished`);
  });

  it('is refilled by the server after a start, and removed when the server stops', async () => {
    const services = await compose(readConfig({ ...env(), MAILLAB_SPARE_LABS: '06=1' }));
    const server = await serve(services, { host: '127.0.0.1', port: 0, log: () => {}, ownerOf: () => OWNER });
    try {
      await expect.poll(() => readySpares(services), { timeout: 120_000, interval: 1000 }).toBe(1);
      const mine = await services.labs.start(OWNER, '06');
      expect(mine.status).toBe('ready');
      // The one taken is replaced in the background.
      await expect.poll(() => readySpares(services), { timeout: 120_000, interval: 1000 }).toBe(1);
      await services.labs.finish(mine.labId);
    } finally {
      await server.close();
    }
    expect(await spareCount(services)).toBe(0);
  });
});
