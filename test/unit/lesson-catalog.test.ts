import { describe, expect, it } from 'vitest';
import { loadLessons } from '../../server/lessons/catalog.ts';
import { hintStatesAnswer } from '../../server/lessons/schema.ts';
import { tempLessons, VALID_FRONT_MATTER, writeLesson } from '../support/lesson-fixture.ts';

describe('lesson catalog', () => {
  it('loads a valid lesson with its scripts and rendered text', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    const catalog = await loadLessons(root);
    const lesson = catalog.get('03');
    expect(lesson.id).toBe('03-receiving');
    expect(lesson.scripts['checks/probe.sh']).toContain('echo checks/probe.sh');
    expect(lesson.html).toContain('data-host="desktop"');
    expect(catalog.get('03-receiving')).toBe(lesson);
  });

  it('names the file and the field when a field has the wrong type', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER.replace('weight: 2', 'weight: heavy'));
    await expect(loadLessons(root)).rejects.toThrow(
      /03-receiving\/lesson\.md: field "exercises\.listen\.criteria\.listening\.weight"/,
    );
  });

  it('names the missing script file', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER, undefined, [
      'setup/server.sh',
      'checks/act.sh',
      'checks/probe.sh',
    ]);
    await expect(loadLessons(root)).rejects.toThrow(
      /field "exercises\.listen\.solution\.0\.script": no file solution\/listen\.sh/,
    );
  });

  it('rejects a step on a host the lesson does not have', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER.replace('- host: grader', '- host: mailhub'));
    await expect(loadLessons(root)).rejects.toThrow(/"mailhub" is not one of this lesson's hosts/);
  });

  it('rejects a mistake that expects a criterion the exercise lacks', async () => {
    const root = await tempLessons();
    await writeLesson(
      root,
      '03-receiving',
      VALID_FRONT_MATTER.replace('criterion: delivered', 'criterion: deliverd'),
    );
    await expect(loadLessons(root)).rejects.toThrow(/mistakes\.typo\.expect": no criterion "deliverd"/);
  });

  it('requires at least two known mistakes per exercise', async () => {
    const root = await tempLessons();
    const one = VALID_FRONT_MATTER.replace(/ {6}- id: typo[\s\S]*?hint: spelling \}\]\n/, '');
    await writeLesson(root, '03-receiving', one);
    await expect(loadLessons(root)).rejects.toThrow(/at least two known mistakes/);
  });

  it('rejects invalid YAML with the file name', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', 'title: [unclosed\n');
    await expect(loadLessons(root)).rejects.toThrow(
      /03-receiving\/lesson\.md: field "front matter": not valid YAML/,
    );
  });

  it('rejects a quiz answer that is not among the choices', async () => {
    const root = await tempLessons();
    await writeLesson(
      root,
      '03-receiving',
      VALID_FRONT_MATTER.replace('answer: postfix', 'answer: sendmail'),
    );
    await expect(loadLessons(root)).rejects.toThrow(
      /exercises\.roles\.questions\.mta\.answer": answer must be one of choices/,
    );
  });

  it('refuses a quiz hint that states the answer, by name or, for a mail agent, spelled out', async () => {
    const root = await tempLessons();
    await writeLesson(
      root,
      '03-receiving',
      VALID_FRONT_MATTER.replace(/hint: (.*MTA moves mail.*)/, 'hint: "It is postfix: the MTA moves mail."'),
    );
    await expect(loadLessons(root)).rejects.toThrow(
      /exercises\.roles\.questions\.mta\.hint": the hint must not state the answer/,
    );
    expect(hintStatesAnswer('The mail user agent is what you type into.', 'MUA')).toBe(true);
    expect(hintStatesAnswer('See example.com.', 'example.com')).toBe(true);
    expect(hintStatesAnswer('Which program did the network part (journalctl -u postfix)?', 'MUA')).toBe(
      false,
    );
    expect(hintStatesAnswer('Which is the local part of an address?', 'localhost')).toBe(false);
  });

  it('says which lessons exist when asked for an unknown one', async () => {
    const root = await tempLessons();
    await writeLesson(root, '03-receiving', VALID_FRONT_MATTER);
    const catalog = await loadLessons(root);
    expect(() => catalog.get('99')).toThrow(/No lesson "99"\. Known lessons: 03-receiving/);
  });

  it('loads every lesson shipped in lessons/', async () => {
    const catalog = await loadLessons(new URL('../../lessons', import.meta.url).pathname);
    expect(catalog.list().map((l) => l.number)).toEqual(expect.arrayContaining(['01', '06']));
  });
});
