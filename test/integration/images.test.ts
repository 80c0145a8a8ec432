// Lab images prove themselves before use: the self-test passes on the offline image and names the
// failing step on a broken one; `auto` falls back, with the reason, from a RHEL 9 recipe whose build
// fails; an explicit rhel9 fails with that reason; images round-trip through save and load.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/compose.ts';
import { baseTag, parseBaseSpec } from '../../server/runtime/image-builder/debian-base.ts';
import { ImageManager } from '../../server/runtime/image-manager.ts';
import { selfTestImage } from '../../server/runtime/image-self-test.ts';
import { SelfTestStore } from '../../server/store/self-test-store.ts';
import { realEngine } from '../support/engine.ts';

const services = await realEngine();

/** A build context as a tar stream: one Dockerfile. */
function context(dockerfile: string): Readable {
  const header = Buffer.alloc(512);
  const body = Buffer.from(dockerfile);
  header.write('Dockerfile', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
  );
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Readable.from([header, body, pad, Buffer.alloc(1024)]);
}

describe.runIf(services)('lab images on the real engine', () => {
  const s = services as Services;
  const docker = services?.engine.docker as Services['engine']['docker'];
  let dir: string;
  let good: string;
  const broken = `maillab/test-broken:${process.pid}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'maillab-images-'));
    good = (await s.images.ensure()).image;
  });

  afterAll(async () => {
    await docker
      .getImage(broken)
      .remove({ force: true })
      .catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('passes its self-test on the offline image, every step named', async () => {
    const id = (await docker.getImage(good).inspect()).Id;
    const result = await selfTestImage(s.runtime, good, id);
    expect(result.passed, JSON.stringify(result.steps, null, 2)).toBe(true);
    expect(result.steps.map((step) => step.name)).toContain('the grader reads it over POP3S');
  });

  it('fails the self-test of an image without postfix, at the step that shows it', async () => {
    const stream = await docker.buildImage(
      context(`FROM ${good}\nRUN rm -f /usr/lib/postfix/sbin/master\n`),
      {
        t: broken,
      },
    );
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve(null))),
    );
    const id = (await docker.getImage(broken).inspect()).Id;
    const result = await selfTestImage(s.runtime, broken, id);
    expect(result.passed).toBe(false);
    const failed = result.steps.find((step) => !step.ok);
    expect(failed?.name).toBe(
      'postfix starts on server, receiving for example.com, with STARTTLS on its own key',
    );
    expect(failed?.output).toMatch(/postfix/i);
  });

  it('retries a lab whose hosts die while booting, then names them with their last log lines', {
    timeout: 120_000,
  }, async () => {
    const dying = `maillab/test-dying:${process.pid}`;
    const stream = await docker.buildImage(
      context(`FROM ${good}\nCMD ["/bin/sh", "-c", "echo init says goodbye; exit 3"]\n`),
      {
        t: dying,
      },
    );
    await new Promise((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve(null))),
    );
    const progress: string[] = [];
    try {
      const labId = `dying${process.pid}`;
      await expect(
        s.runtime.createLab(
          { labId, lesson: 'test-dying', owner: 'test', token: 't', hosts: ['server'], image: dying },
          (m) => progress.push(m),
        ),
      ).rejects.toThrow(/server \(exit 3\): init says goodbye/);
      expect(
        progress.filter((m) => /stopped or hung while booting; creating the lab again/.test(m)),
      ).toHaveLength(2);
      expect(await s.runtime.getLab(labId)).toBeUndefined();
    } finally {
      await docker
        .getImage(dying)
        .remove({ force: true })
        .catch(() => {});
    }
  });

  it('falls back from a RHEL 9 recipe whose build fails, saying why; an explicit rhel9 fails with that reason', async () => {
    const containers = path.join(dir, 'containers');
    await cp(path.join(s.config.containersDir, 'offline'), path.join(containers, 'offline'), {
      recursive: true,
    });
    const spec = parseBaseSpec(await readFile(path.join(containers, 'offline', 'base.json'), 'utf8'));
    // A "RHEL 9 base" that is present (so no pull), with a package step that fails as dnf would.
    await cp(path.join(s.config.containersDir, 'rhel9'), path.join(containers, 'rhel9'), { recursive: true });
    await writeFile(
      path.join(containers, 'rhel9', 'Containerfile'),
      `FROM ${baseTag(spec)}\nRUN echo 'Error: Unable to find a match: postfix-nonexistent' >&2 && exit 1\n`,
    );
    const store = new SelfTestStore(s.config.stateDir);
    const selfTest = (image: string, id: string, say: (m: string) => void) =>
      selfTestImage(s.runtime, image, id, say);
    const auto = new ImageManager({ docker, containersDir: containers, flavor: 'auto', selfTest, store });
    const lines: string[] = [];
    const choice = await auto.ensure((line) => lines.push(line));
    expect(choice.flavor).toBe('offline');
    expect(choice.image).toBe(good);
    expect(auto.status().fallback).toMatch(/^rhel9: .*Unable to find a match: postfix-nonexistent/s);
    expect(lines.join('\n')).toMatch(/Falling back to the offline image/);

    const explicit = new ImageManager({
      docker,
      containersDir: containers,
      flavor: 'rhel9',
      selfTest,
      store,
    });
    await expect(explicit.ensure()).rejects.toThrow(/Unable to find a match: postfix-nonexistent/);
  });

  it('says in one calm line that it uses the offline image when no registry gives the RHEL 9 base', async () => {
    const containers = path.join(dir, 'containers-offline-machine');
    await cp(path.join(s.config.containersDir, 'offline'), path.join(containers, 'offline'), {
      recursive: true,
    });
    await cp(path.join(s.config.containersDir, 'rhel9'), path.join(containers, 'rhel9'), { recursive: true });
    // A base no registry can give: its registry's name does not resolve (as on a machine offline).
    await writeFile(path.join(containers, 'rhel9', 'Containerfile'), 'FROM maillab-test.invalid/rocky:9\n');
    const auto = new ImageManager({ docker, containersDir: containers, flavor: 'auto' });
    const lines: string[] = [];
    const choice = await auto.ensure((line) => lines.push(line));
    expect(choice.flavor).toBe('offline');
    const said = lines.filter((l) => /rhel|RHEL|offline image/.test(l));
    expect(said).toEqual([
      '[image] The RHEL 9 base maillab-test.invalid/rocky:9 is not on this machine and no registry gave it: using the offline image.',
    ]);
    expect(lines.join('\n')).not.toMatch(/Falling back|cannot be built/);
    // The full reason stays where the machine's owner looks for it.
    expect(auto.status().fallback).toMatch(/^rhel9: The RHEL 9 image cannot be built: could not be pulled/);
  });

  it('round-trips an image through save and load, and uses the loaded image', async () => {
    const file = path.join(dir, 'lab-image.tar');
    const saved = await s.images.save(file);
    expect(saved.image).toBe(good);
    const tags = await s.images.load(file);
    expect(tags).toContain(good);
    // Loaded again, it is still the image for the current recipe, and it passes (its verdict is recorded).
    expect((await s.images.find())?.image).toBe(good);
    expect((await s.images.ensure()).image).toBe(good);
    expect(s.images.status().selfTest?.passed).toBe(true);
  });
});
