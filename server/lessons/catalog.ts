// Loads and validates every lesson folder under lessons/ at start-up. A broken lesson fails loudly
// with its file and the field at fault, so an author never ships a lesson that cannot run.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ZodIssue } from 'zod';
import { lessonNotFound, MaillabError } from '../errors.ts';
import { GRADER_HOST } from '../runtime/runtime.ts';
import { FrontMatterCache } from './front-matter-cache.ts';
import { renderLessonMarkdown } from './render.ts';
import {
  type CheckedExercise,
  criteriaOf,
  type Exercise,
  type FrontMatter,
  frontMatterSchema,
  isCollectStep,
  type Lesson,
  type Step,
} from './schema.ts';

const LESSON_DIR = /^(\d{2})-[a-z0-9-]+$/;

export class LessonCatalog {
  constructor(private readonly lessons: Lesson[]) {}

  list(): Lesson[] {
    return this.lessons;
  }

  /** Finds a lesson by folder name ("06-null-client") or number ("06" or "6"). */
  get(name: string): Lesson {
    const number = /^\d{1,2}$/.test(name) ? name.padStart(2, '0') : undefined;
    const lesson = this.lessons.find((l) => l.id === name || l.number === number);
    if (!lesson)
      throw lessonNotFound(
        name,
        this.lessons.map((l) => l.id),
      );
    return lesson;
  }

  exercise(lesson: Lesson, exerciseId: string): Exercise {
    const exercise = lesson.exercises.find((e) => e.id === exerciseId);
    if (!exercise) {
      throw new MaillabError(
        'bad_request',
        `Lesson ${lesson.id} has no exercise "${exerciseId}"; its exercises are ${lesson.exercises.map((e) => e.id).join(', ')}.`,
      );
    }
    return exercise;
  }
}

/**
 * `cacheFile` keeps the parsed YAML front matter between processes (see front-matter-cache.ts);
 * without it every start parses every lesson.
 */
export async function loadLessons(root: string, opts: { cacheFile?: string } = {}): Promise<LessonCatalog> {
  const entries = await readdir(root, { withFileTypes: true }).catch((err) => {
    throw new MaillabError('lesson_invalid', `Cannot read the lessons folder ${root}: ${err.message}`);
  });
  const dirs = entries.filter((e) => e.isDirectory() && LESSON_DIR.test(e.name)).map((e) => e.name);
  dirs.sort();
  const cache = new FrontMatterCache(opts.cacheFile);
  const lessons = await Promise.all(dirs.map((name) => loadLesson(path.join(root, name), cache)));
  resolvePrerequisites(root, lessons);
  cache.save();
  return new LessonCatalog(lessons);
}

export async function loadLesson(dir: string, cache = new FrontMatterCache()): Promise<Lesson> {
  const id = path.basename(dir);
  const number = LESSON_DIR.exec(id)?.[1];
  const file = path.join(dir, 'lesson.md');
  const where = path.relative(process.cwd(), file) || file;
  if (!number) throw invalid(where, 'folder', 'the folder name must look like "06-null-client"');
  const text = await readFile(file, 'utf8').catch(() => {
    throw invalid(where, 'lesson.md', 'the file is missing or unreadable');
  });
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match)
    throw invalid(where, 'front matter', 'the file must start with YAML front matter between --- lines');
  let data: unknown;
  try {
    data = await cache.parse(match[1] ?? '');
  } catch (err) {
    throw invalid(where, 'front matter', `not valid YAML: ${(err as Error).message}`);
  }
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as ZodIssue;
    throw invalid(where, fieldPath(issue, data), issue.message);
  }
  const front = parsed.data;
  checkReferences(where, front);
  const scripts: Record<string, string> = {};
  for (const [field, step] of stepsOf(front)) {
    if (scripts[step.script] !== undefined) continue;
    const scriptPath = path.join(dir, step.script);
    if (!scriptPath.startsWith(dir + path.sep))
      throw invalid(where, field, 'script must stay inside the lesson folder');
    const ok = await stat(scriptPath).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!ok) throw invalid(where, `${field}.script`, `no file ${step.script} in ${id}/`);
    scripts[step.script] = await readFile(scriptPath, 'utf8');
  }
  const walkthroughTexts: Record<string, string> = {};
  for (const exercise of front.exercises) {
    if (exercise.kind === 'quiz') continue;
    const file = path.join(dir, exercise.walkthrough);
    const field = `exercises.${exercise.id}.walkthrough`;
    if (!file.startsWith(dir + path.sep))
      throw invalid(where, field, 'the walkthrough must stay inside the lesson folder');
    const text = await readFile(file, 'utf8').catch(() => {
      throw invalid(where, field, `no file ${exercise.walkthrough} in ${id}/`);
    });
    walkthroughTexts[exercise.id] = text;
  }
  const markdown = match[2] ?? '';
  // The HTML is made when first asked for (a page, the API): a CLI command that starts or grades a
  // lab never needs it, and rendering every lesson was about a third of each command's start-up.
  const lesson = { ...front, id, number, dir, markdown, scripts, prerequisites: [] } as Omit<
    Lesson,
    'html' | 'walkthroughs'
  > as Lesson;
  let html: string | undefined;
  let walkthroughs: Record<string, string> | undefined;
  Object.defineProperties(lesson, {
    html: {
      enumerable: true,
      get: () => {
        html ??= renderLessonMarkdown(markdown).html;
        return html;
      },
    },
    walkthroughs: {
      enumerable: true,
      get: () => {
        walkthroughs ??= Object.fromEntries(
          Object.entries(walkthroughTexts).map(([exercise, text]) => [
            exercise,
            renderLessonMarkdown(text).html,
          ]),
        );
        return walkthroughs;
      },
    },
  });
  return lesson;
}

/**
 * Resolves buildsOn: each named lesson must exist, come earlier (so there are no cycles) and need no
 * host this lesson lacks. Prerequisites of prerequisites come first, each once.
 */
function resolvePrerequisites(root: string, lessons: Lesson[]): void {
  for (const lesson of lessons) {
    const where = path.relative(process.cwd(), path.join(root, lesson.id, 'lesson.md'));
    for (const name of lesson.buildsOn) {
      const number = /^\d{2}$/.test(name) ? name : name.slice(0, 2);
      const earlier = lessons.find((l) => l.id === name || l.number === number);
      if (!earlier) throw invalid(where, 'buildsOn', `no lesson "${name}"`);
      if (earlier.number >= lesson.number)
        throw invalid(where, 'buildsOn', `"${name}" must be an earlier lesson than ${lesson.number}`);
      const missing = earlier.hosts.filter((h) => !lesson.hosts.includes(h));
      if (missing.length)
        throw invalid(
          where,
          'buildsOn',
          `${earlier.id} needs host ${missing.join(', ')}, which this lesson lacks`,
        );
      for (const before of [...earlier.prerequisites, earlier])
        if (!lesson.prerequisites.includes(before)) lesson.prerequisites.push(before);
    }
  }
}

function invalid(file: string, field: string, message: string): MaillabError {
  return new MaillabError('lesson_invalid', `${file}: field "${field}": ${message}`);
}

/** Names the failing field the way an author wrote it: exercises[0] → exercises.null-client. */
function fieldPath(issue: ZodIssue, data: unknown): string {
  const parts: string[] = [];
  let node: unknown = data;
  for (const key of issue.path) {
    const child = (node as Record<string | number, unknown> | undefined)?.[key];
    const named =
      child && typeof child === 'object' && 'id' in child ? String((child as { id: unknown }).id) : undefined;
    parts.push(typeof key === 'number' && named ? named : String(key));
    node = child;
  }
  return parts.join('.') || '(top level)';
}

/** Every step of a lesson with the field that declares it; collect steps are yielded by collectStepsOf. */
function* stepsOf(front: FrontMatter): Generator<[string, Step]> {
  for (const [i, step] of front.setup.entries()) yield [`setup.${i}`, step];
  for (const exercise of front.exercises) {
    const at = `exercises.${exercise.id}`;
    if (exercise.kind !== 'quiz') {
      for (const [i, step] of exercise.check.entries())
        if (!isCollectStep(step)) yield [`${at}.check.${i}`, step];
      for (const [i, step] of exercise.solution.entries()) yield [`${at}.solution.${i}`, step];
      for (const cheat of exercise.cheats)
        for (const [i, step] of cheat.steps.entries()) yield [`${at}.cheats.${cheat.id}.steps.${i}`, step];
      for (const variant of exercise.variants)
        for (const [i, step] of variant.steps.entries())
          yield [`${at}.variants.${variant.id}.steps.${i}`, step];
    }
    for (const mistake of exercise.mistakes) {
      for (const [i, step] of mistake.steps.entries())
        yield [`${at}.mistakes.${mistake.id}.steps.${i}`, step];
    }
  }
}

function checkReferences(where: string, front: FrontMatter): void {
  const hosts = new Set([...front.hosts, GRADER_HOST]);
  for (const [field, step] of stepsOf(front)) {
    if (!hosts.has(step.host)) {
      throw invalid(
        where,
        `${field}.host`,
        `"${step.host}" is not one of this lesson's hosts (${[...hosts].join(', ')})`,
      );
    }
  }
  const faults = new Set<string>();
  for (const fault of front.faults) {
    if (faults.has(fault.id)) throw invalid(where, `faults.${fault.id}`, 'fault ids must be unique');
    faults.add(fault.id);
  }
  const knownFault = (field: string, fault: string | undefined) => {
    if (fault === undefined) return;
    if (!faults.size) throw invalid(where, field, 'this lesson has no faults to choose from');
    if (!faults.has(fault))
      throw invalid(where, field, `no fault "${fault}" (this lesson's faults: ${[...faults].join(', ')})`);
  };
  const exerciseIds = new Set<string>();
  for (const exercise of front.exercises) {
    const at = `exercises.${exercise.id}`;
    if (exerciseIds.has(exercise.id)) throw invalid(where, at, 'exercise ids must be unique');
    exerciseIds.add(exercise.id);
    const criteria = new Set<string>();
    for (const c of criteriaOf(exercise)) {
      if (criteria.has(c.id)) throw invalid(where, `${at}.${c.id}`, 'criterion ids must be unique');
      criteria.add(c.id);
    }
    const known = (field: string, criterion: string) => {
      if (!criteria.has(criterion))
        throw invalid(where, field, `no criterion "${criterion}" in this exercise`);
    };
    for (const mistake of exercise.mistakes) {
      knownFault(`${at}.mistakes.${mistake.id}.fault`, mistake.fault);
      for (const e of mistake.expect) known(`${at}.mistakes.${mistake.id}.expect`, e.criterion);
      if (exercise.kind === 'quiz' && !mistake.answers) {
        throw invalid(where, `${at}.mistakes.${mistake.id}`, 'a quiz mistake needs answers');
      }
      if (exercise.kind !== 'quiz' && mistake.steps.length === 0) {
        throw invalid(where, `${at}.mistakes.${mistake.id}`, 'a mistake needs steps');
      }
    }
    if (exercise.kind === 'quiz') continue;
    for (const cheat of exercise.cheats) {
      knownFault(`${at}.cheats.${cheat.id}.fault`, cheat.fault);
      for (const c of cheat.fails) known(`${at}.cheats.${cheat.id}.fails`, c);
    }
    for (const variant of exercise.variants) knownFault(`${at}.variants.${variant.id}.fault`, variant.fault);
    checkJudges(where, at, exercise, hosts, known);
  }
}

/**
 * Students are root on every host but the grader: only a grader step may judge, each criterion must
 * be judged by one, and evidence is collected from the student hosts, never from the grader itself.
 */
function checkJudges(
  where: string,
  at: string,
  exercise: CheckedExercise,
  hosts: Set<string>,
  known: (field: string, criterion: string) => void,
): void {
  const judged = new Set<string>();
  for (const [i, step] of exercise.check.entries()) {
    const field = `${at}.check.${i}`;
    if (isCollectStep(step)) {
      if (step.host === GRADER_HOST || !hosts.has(step.host))
        throw invalid(
          where,
          `${field}.host`,
          `evidence is collected from a student host (${[...hosts].filter((h) => h !== GRADER_HOST).join(', ')})`,
        );
      continue;
    }
    if (!step.judges) continue;
    if (step.host !== GRADER_HOST)
      throw invalid(
        where,
        `${field}.judges`,
        `only a step on the grader may judge: students are root on ${step.host}, so what runs there may act and report facts, never decide a criterion`,
      );
    for (const c of step.judges) {
      known(`${field}.judges`, c);
      judged.add(c);
    }
  }
  for (const c of exercise.criteria)
    if (!judged.has(c.id))
      throw invalid(
        where,
        `${at}.criteria.${c.id}`,
        'no grader step judges this criterion (list it in the judges of a step on the grader)',
      );
}
