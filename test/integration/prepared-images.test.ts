// Prepared lesson images on the real engine: lesson 06's setup done once and committed per host; a lab
// booted from them runs no setup, yet a fresh check fails and the reference solution passes as on a lab
// that ran it; what must differ per lab (machine-id, journal, syslog files) does. A copy of lesson 06
// with one comment changed is used, so its images have a name of their own and are really made here
// (never taken from an earlier run or from the lesson proofs running beside this file).
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProofCase, summary } from '../../server/checker/proof.ts';
import type { Services } from '../../server/compose.ts';
import { newLabId, newToken } from '../../server/labs/lab-service.ts';
import { PreparedImages, type PrepareOutcome } from '../../server/labs/prepared-images.ts';
import { loadLessons } from '../../server/lessons/catalog.ts';
import type { Lesson } from '../../server/lessons/schema.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();
const OWNER = `prepared-test-${process.pid}`;

describe.runIf(services)('prepared lesson images', () => {
  const s = services as Services;
  let root: string;
  let lesson: Lesson;
  let image: string;
  let prepared: PreparedImages;
  let outcome: PrepareOutcome;
  const labs: string[] = [];

  const labFromImages = async (): Promise<string> => {
    if (outcome.status !== 'ready') throw new Error(`not prepared: ${JSON.stringify(outcome)}`);
    const labId = newLabId();
    labs.push(labId);
    await s.runtime.createLab({
      labId,
      lesson: lesson.id,
      owner: OWNER,
      token: newToken(),
      hosts: lesson.hosts,
      image,
      hostImages: outcome.references,
    });
    return labId;
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'maillab-prepared-'));
    await cp(
      new URL('../../lessons/06-null-client', import.meta.url).pathname,
      path.join(root, '06-null-client'),
      {
        recursive: true,
      },
    );
    await appendFile(
      path.join(root, '06-null-client', 'setup', 'desktop.sh'),
      `# ${randomBytes(6).toString('hex')}\n`,
    );
    lesson = (await loadLessons(root)).get('06');
    image = (await s.images.ensure()).image;
    prepared = new PreparedImages({
      runtime: s.runtime,
      setup: (labId, l, say) => s.checker.setup(labId, l, say),
      owner: OWNER,
      enabled: true,
      newLabId,
      newToken,
    });
    outcome = await prepared.prepare(lesson, image);
  }, 300_000);

  afterAll(async () => {
    for (const labId of labs) await s.runtime.destroyLab(labId).catch(() => {});
    if (outcome?.status === 'ready')
      for (const reference of Object.values(outcome.references)) await s.runtime.removeImage(reference);
    await rm(root, { recursive: true, force: true });
  });

  it('makes an image per student host, proven to boot into what setup left', async () => {
    expect(outcome.status, JSON.stringify(outcome)).toBe('ready');
    if (outcome.status !== 'ready') return;
    expect(Object.keys(outcome.references).sort()).toEqual(['desktop', 'server']);
    for (const reference of Object.values(outcome.references)) {
      expect(reference).toMatch(/^maillab\/lesson:06-(server|desktop)-[0-9a-f]{16}$/);
      expect(await s.runtime.imageId(reference)).toBeTruthy();
    }
    // A second preparation finds them instead of making them again.
    expect((await prepared.prepare(lesson, image)).status).toBe('existed');
    // No lab of the preparation is left behind.
    expect((await s.runtime.listLabs()).filter((l) => l.owner === OWNER)).toEqual([]);
  });

  it('boots a lab whose hosts already run the setup: postfix enabled and listening on every interface', async () => {
    const labId = await labFromImages();
    const desktop = await s.runtime.exec(labId, 'desktop', [
      'bash',
      '-c',
      'systemctl is-enabled postfix; systemctl is-active postfix; postconf -h inet_interfaces; ss -Hltn "sport = :25"',
    ]);
    expect(desktop.stdout).toMatch(/^enabled\nactive\nall\nLISTEN .*0\.0\.0\.0:25/);
    const server = await s.runtime.exec(labId, 'server', ['postconf', '-h', 'mydestination']);
    expect(server.stdout).toContain('$mydomain');
  });

  it('gives every lab its own machine-id and a journal and mail log that start with the lab', async () => {
    const [a, b] = [await labFromImages(), await labFromImages()];
    const id = async (labId: string) =>
      (await s.runtime.exec(labId, 'desktop', ['cat', '/etc/machine-id'])).stdout.trim();
    const [idA, idB] = [await id(a), await id(b)];
    expect(idA).toMatch(/^[0-9a-f]{32}$/);
    expect(idA).not.toBe(idB);
    // Only this boot's journal; the mail log has nothing from before the lab was made.
    const boots = await s.runtime.exec(a, 'desktop', ['journalctl', '--list-boots', '--no-pager', '-q']);
    expect(boots.stdout.trim().split('\n')).toHaveLength(1);
    const created = Date.parse((await s.runtime.getLab(a))?.createdAt ?? '');
    const firstLine = await s.runtime.exec(a, 'desktop', [
      'bash',
      '-c',
      'journalctl -q -o short-unix --no-pager | head -1 | cut -d" " -f1',
    ]);
    expect(Number(firstLine.stdout.trim()) * 1000).toBeGreaterThan(created - 5000);
  });

  it('fails a fresh check and passes the reference solution, as a lab that ran its setup does', async () => {
    const exercise = lesson.exercises[0];
    if (!exercise) throw new Error('lesson 06 has no exercise');
    const result = await runProofCase(
      s.checker,
      { fresh: async () => ({ labId: await labFromImages(), finish: async () => {} }) },
      {
        lesson,
        exercise,
        kind: 'fresh-and-solution',
        id: exercise.id,
        name: 'fresh fails, solution passes',
      },
    );
    expect(result.problems, result.results.map(summary).join('\n')).toEqual([]);
  });
});

// Lesson 11 builds on 10, whose solution writes desktop's address into dovecot's
// login_trusted_networks, and its hosts hold TLS keys postfix and dovecot made at preparation. A copy of
// lessons 03, 10 and 11, with one comment changed in 11's setup, gets images of its own.
describe.runIf(services)('prepared lesson images of a lesson that builds on addresses and keys', () => {
  const s = services as Services;
  let root: string;
  let lesson: Lesson;
  let outcome: PrepareOutcome;
  let image: string;
  const labs: string[] = [];

  const labFromImages = async (): Promise<string> => {
    if (outcome.status !== 'ready') throw new Error(`not prepared: ${JSON.stringify(outcome)}`);
    const labId = newLabId();
    labs.push(labId);
    await s.runtime.createLab({
      labId,
      lesson: lesson.id,
      owner: OWNER,
      token: newToken(),
      hosts: lesson.hosts,
      image,
      hostImages: outcome.references,
    });
    return labId;
  };
  const run = async (labId: string, host: string, script: string) =>
    (await s.runtime.exec(labId, host, ['bash', '-c', script])).stdout.trim();

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'maillab-prepared-11-'));
    for (const folder of ['03-receiving-mail', '10-dovecot', '11-dovecot-tls'])
      await cp(new URL(`../../lessons/${folder}`, import.meta.url).pathname, path.join(root, folder), {
        recursive: true,
      });
    await appendFile(
      path.join(root, '11-dovecot-tls', 'setup', 'server.sh'),
      `# ${randomBytes(6).toString('hex')}\n`,
    );
    lesson = (await loadLessons(root)).get('11');
    image = (await s.images.ensure()).image;
    const prepared = new PreparedImages({
      runtime: s.runtime,
      setup: (labId, l, say) => s.checker.setup(labId, l, say),
      owner: OWNER,
      enabled: true,
      newLabId,
      newToken,
    });
    outcome = await prepared.prepare(lesson, image);
  }, 300_000);

  afterAll(async () => {
    for (const labId of labs) await s.runtime.destroyLab(labId).catch(() => {});
    if (outcome?.status === 'ready')
      for (const reference of Object.values(outcome.references)) await s.runtime.removeImage(reference);
    await rm(root, { recursive: true, force: true });
  });

  it("holds no address of the lab it was made on: dovecot trusts this lab's desktop", async () => {
    expect(outcome.status, JSON.stringify(outcome)).toBe('ready');
    if (outcome.status !== 'ready') return;
    const labId = await labFromImages();
    const desktop = await run(
      labId,
      'desktop',
      "ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1",
    );
    expect(desktop).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await run(labId, 'server', 'doveconf -h login_trusted_networks')).toBe(`${desktop}/32`);
  });

  it('gives two labs from the same images their own TLS keys (postfix and dovecot) and machine-ids', async () => {
    const [a, b] = [await labFromImages(), await labFromImages()];
    const facts = async (labId: string) => ({
      server: await run(
        labId,
        'server',
        'sha256sum /etc/pki/tls/private/postfix.key /etc/pki/dovecot/private/dovecot.pem /etc/machine-id | cut -c1-64',
      ),
      desktop: await run(
        labId,
        'desktop',
        'sha256sum /etc/pki/tls/private/postfix.key /etc/machine-id | cut -c1-64',
      ),
    });
    const [factsA, factsB] = [await facts(a), await facts(b)];
    for (const host of ['server', 'desktop'] as const) {
      const [linesA, linesB] = [factsA[host].split('\n'), factsB[host].split('\n')];
      expect(linesA).toHaveLength(host === 'server' ? 3 : 2);
      linesA.forEach((line, i) => {
        expect(line).toMatch(/^[0-9a-f]{64}$/);
        expect(line, `${host} line ${i}`).not.toBe(linesB[i]);
      });
    }
  });
});
