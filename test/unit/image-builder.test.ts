import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  baseTag,
  hostAptSources,
  mirrorLines,
  mmdebstrapArgs,
  parseAptSources,
  parseBaseSpec,
} from '../../server/runtime/image-builder/debian-base.ts';
import { LineTail } from '../../server/runtime/image-builder/line-tail.ts';
import { recipeFiles, recipeHash } from '../../server/runtime/image-builder/recipe.ts';
import { imageTag, parseFromImage, shortImageName } from '../../server/runtime/image-builder.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'maillab-recipe-'));
  await mkdir(path.join(dir, 'rootfs/etc'), { recursive: true });
  await writeFile(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
  await writeFile(path.join(dir, 'rootfs/etc/aliases'), 'postmaster: root\n');
  await writeFile(path.join(dir, 'setup.sh'), '#!/bin/sh\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recipeHash', () => {
  it('is 12 hex digits and stable for the same files', async () => {
    const a = await recipeHash(dir);
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(await recipeHash(dir)).toBe(a);
  });

  it('changes the recipe hash when a recipe file changes', async () => {
    const before = await recipeHash(dir);
    await writeFile(path.join(dir, 'rootfs/etc/aliases'), 'postmaster: student\n');
    expect(await recipeHash(dir)).not.toBe(before);
  });

  it('changes the recipe hash when a file is renamed or added', async () => {
    const before = await recipeHash(dir);
    await writeFile(path.join(dir, 'rootfs/etc/aliases2'), 'postmaster: root\n');
    const added = await recipeHash(dir);
    expect(added).not.toBe(before);
    await rm(path.join(dir, 'rootfs/etc/aliases'));
    expect(await recipeHash(dir)).not.toBe(added);
  });

  it('changes the recipe hash when a script gains its executable bit', async () => {
    const before = await recipeHash(dir);
    await chmod(path.join(dir, 'setup.sh'), 0o755);
    expect(await recipeHash(dir)).not.toBe(before);
  });

  it('does not depend on the order files were created in', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'maillab-recipe-'));
    try {
      await writeFile(path.join(other, 'setup.sh'), '#!/bin/sh\n');
      await mkdir(path.join(other, 'rootfs/etc'), { recursive: true });
      await writeFile(path.join(other, 'rootfs/etc/aliases'), 'postmaster: root\n');
      await writeFile(path.join(other, 'Dockerfile'), 'FROM scratch\n');
      expect(await recipeHash(other)).toBe(await recipeHash(dir));
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('lists recipe files as sorted relative paths for the build context', async () => {
    expect(await recipeFiles(dir)).toEqual(['Dockerfile', 'rootfs/etc/aliases', 'setup.sh']);
  });
});

describe('apt sources and mirrors', () => {
  const deb822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.internal/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.internal/debian-security
Suites: bookworm-security
Components: main contrib

Types: deb-src
URIs: http://mirror.internal/debian
Suites: bookworm
Components: main

Types: deb
Enabled: no
URIs: http://disabled.internal/debian
Suites: bookworm
Components: main
`;

  it('reads deb822 stanzas, skipping deb-src and disabled ones', () => {
    expect(parseAptSources(deb822)).toEqual([
      {
        uri: 'http://mirror.internal/debian',
        suites: ['bookworm', 'bookworm-updates'],
        components: ['main'],
      },
      {
        uri: 'http://mirror.internal/debian-security',
        suites: ['bookworm-security'],
        components: ['main', 'contrib'],
      },
    ]);
  });

  it('reads one-line sources with options and comments', () => {
    const text = `# a comment
deb [signed-by=/usr/share/keyrings/x.gpg arch=amd64] http://mirror.internal/debian bookworm main non-free
deb-src http://mirror.internal/debian bookworm main
deb http://mirror.internal/debian-security bookworm-security main # trailing
`;
    expect(parseAptSources(text)).toEqual([
      { uri: 'http://mirror.internal/debian', suites: ['bookworm'], components: ['main', 'non-free'] },
      { uri: 'http://mirror.internal/debian-security', suites: ['bookworm-security'], components: ['main'] },
    ]);
  });

  it("uses the host's mirror for the suite, its updates and security, and nothing else", () => {
    const sources = [
      ...parseAptSources(deb822),
      { uri: 'https://deb.nodesource.example/node_20.x', suites: ['nodistro'], components: ['main'] },
      { uri: 'http://mirror.internal/debian', suites: ['bookworm-backports'], components: ['main'] },
    ];
    expect(mirrorLines(sources, 'bookworm', ['main'])).toEqual([
      'deb http://mirror.internal/debian bookworm main',
      'deb http://mirror.internal/debian bookworm-updates main',
      'deb http://mirror.internal/debian-security bookworm-security main',
    ]);
  });

  it('falls back to the default Debian mirrors when the host has none for the suite', () => {
    const lines = mirrorLines(
      parseAptSources('deb http://archive.ubuntu.example/ubuntu jammy main\n'),
      'bookworm',
      ['main'],
    );
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^deb http:\/\/\S+\/debian bookworm main$/);
    expect(lines[2]).toMatch(/bookworm-security main$/);
  });

  it('reads the host apt directory, ignoring files apt itself ignores', async () => {
    await mkdir(path.join(dir, 'sources.list.d'));
    await writeFile(path.join(dir, 'sources.list.d/debian.sources'), deb822);
    await writeFile(
      path.join(dir, 'sources.list.d/old.list.disabled'),
      'deb http://ignored/debian bookworm main\n',
    );
    const sources = await hostAptSources(dir);
    expect(sources.map((s) => s.uri)).toEqual([
      'http://mirror.internal/debian',
      'http://mirror.internal/debian-security',
    ]);
  });
});

describe('base and image names', () => {
  const spec = parseBaseSpec(
    JSON.stringify({
      suite: 'bookworm',
      variant: 'minbase',
      include: ['ca-certificates'],
      dpkgopt: ['path-exclude=/usr/share/doc/*'],
    }),
  );

  it('builds an mmdebstrap argv that writes a tarball to stdout', () => {
    expect(mmdebstrapArgs(spec, ['deb http://m/debian bookworm main'])).toEqual([
      '--variant=minbase',
      '--components=main',
      '--include=ca-certificates',
      '--dpkgopt=path-exclude=/usr/share/doc/*',
      'bookworm',
      '-',
      'deb http://m/debian bookworm main',
    ]);
  });

  it('rejects a base.json whose suite is not a codename', () => {
    expect(() => parseBaseSpec('{"suite":"bookworm; rm -rf /"}')).toThrow(/codename/);
  });

  it('tags the base by its settings only', () => {
    expect(baseTag(spec)).toMatch(/^maillab\/base:bookworm-[0-9a-f]{12}$/);
    expect(baseTag({ ...spec, include: [] })).not.toBe(baseTag(spec));
  });

  it('tags lab images by flavor and recipe hash', () => {
    expect(imageTag('offline', 'abcdef012345')).toBe('maillab/lab:offline-abcdef012345');
    expect(imageTag('rhel9', 'abcdef012345')).toBe('maillab/lab:rhel9-abcdef012345');
  });

  it("finds the RHEL 9 recipe's base image in its FROM line", () => {
    const text = '# comment\nFROM --platform=linux/amd64 docker.io/rockylinux/rockylinux:9\nRUN true\n';
    expect(parseFromImage(text)).toBe('docker.io/rockylinux/rockylinux:9');
    expect(shortImageName('docker.io/rockylinux/rockylinux:9')).toBe('rockylinux/rockylinux:9');
    expect(shortImageName('docker.io/library/debian:12')).toBe('debian:12');
  });
});

describe('LineTail', () => {
  it('splits chunks into lines and keeps only the last ones for error messages', () => {
    const tail = new LineTail(2);
    expect(tail.push('Step 1/3 : FROM x\nStep 2')).toEqual(['Step 1/3 : FROM x']);
    expect(tail.push('/3 : RUN false\n\nE: failed')).toEqual(['Step 2/3 : RUN false']);
    expect(tail.end()).toEqual(['E: failed']);
    expect(tail.text()).toBe('Step 2/3 : RUN false\nE: failed');
  });
});
