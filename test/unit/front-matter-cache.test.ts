// The parsed front matter kept between processes: a lesson loads the same from it as from its YAML,
// an edited lesson is parsed again, and a broken lesson fails as loudly with the cache as without.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('the front matter cache', () => {
  it('loads a lesson the same from the cache as from its YAML, and parses an edited lesson again', async () => {
    const root = await tempLessons();
    const cacheFile = path.join(root, 'state', 'front-matter.json');
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    const parsed = (await loadLessons(root, { cacheFile })).get('03');
    const saved = JSON.parse(await readFile(cacheFile, 'utf8'));
    expect(Object.values(saved)).toHaveLength(1);
    const cached = (await loadLessons(root, { cacheFile })).get('03');
    expect(plain(cached)).toEqual(plain(parsed));

    await writeLesson(
      root,
      '03-receiving',
      VALID_FRONT_MATTER.replace('title: Test lesson', 'title: Edited'),
    );
    expect((await loadLessons(root, { cacheFile })).get('03').title).toBe('Edited');
    // Only the texts of this load are kept: the old one is gone.
    expect(Object.values(JSON.parse(await readFile(cacheFile, 'utf8')))).toHaveLength(1);
  });

  it('lets a broken lesson fail with its file and field, and keeps nothing from that load', async () => {
    const root = await tempLessons();
    const cacheFile = path.join(root, 'front-matter.json');
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER.replace('weight: 2', 'weight: heavy'));
    for (let i = 0; i < 2; i++)
      await expect(loadLessons(root, { cacheFile })).rejects.toThrow(
        /03-receiving\/lesson\.md: field "exercises\.listen\.criteria\.listening\.weight"/,
      );
    await expect(readFile(cacheFile, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('costs only the parse when its file is not JSON', async () => {
    const root = await tempLessons();
    const cacheFile = path.join(root, 'front-matter.json');
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    await writeFile(cacheFile, '{"truncated');
    expect((await loadLessons(root, { cacheFile })).get('03').title).toBe('Test lesson');
    expect(Object.values(JSON.parse(await readFile(cacheFile, 'utf8')))).toHaveLength(1);
  });
});
