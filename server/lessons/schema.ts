// The lesson format: front matter of lessons/<NN-slug>/lesson.md, validated at start-up.
// lessons/README.md documents it for authors; keep the two in step.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (e.g. "null-client")');

const hostName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a host name such as "server" or "desktop"');

const scriptPath = z.string().regex(/^[\w./-]+\.sh$/, 'a path inside the lesson folder ending in .sh');
const timeoutSeconds = z.number().positive().max(300).optional();

/**
 * A script from the lesson folder, run as root on `host` at run time (passed as an argument to
 * /bin/bash with a fixed environment). On a student host it may act and report facts; only a step on
 * the hidden grader may judge, and only the criteria it lists in `judges`.
 */
export const stepSchema = z
  .object({
    host: hostName,
    script: scriptPath,
    timeoutSeconds,
  })
  .strict();

export const judgeStepSchema = stepSchema
  .extend({
    /** The criteria this grader step decides; a verdict for any other criterion is a lesson bug. */
    judges: z.array(id).min(1).optional(),
  })
  .strict();

/** Copies files from a student host to the grader through the engine: evidence no student program produced. */
export const collectStepSchema = z
  .object({
    host: hostName,
    collect: z.array(z.string().regex(/^\/[\w./@+-]*$/, 'an absolute path such as /etc/postfix')).min(1),
    /** Copy again until a copied file holds this run's nonce, for at most this many seconds. */
    awaitNonce: z.number().positive().max(60).optional(),
    /**
     * Wait (awaitNonce) only when an earlier student step reported this fact as "yes" (say, that its
     * message left the host). A claim only saves waiting for a nonce that cannot come; it never decides.
     */
    awaitNonceIf: z.string().regex(/^\w+$/, 'the key of a fact an earlier step reports').optional(),
  })
  .strict();

export const checkStepSchema = z.union([collectStepSchema, judgeStepSchema]);

const answersSchema = z.record(id, z.string().min(1));

const expectationSchema = z
  .object({
    criterion: id,
    /** A case-insensitive substring the failing criterion's hint must contain. */
    hint: z.string().min(1),
  })
  .strict();

/** One way a break-fix lesson's setup breaks the lab; the engine picks one per lab (see `faults`). */
const faultSchema = z
  .object({
    id,
    /** What is broken, for instructors and the proof's report; never shown to the student. */
    title: z.string().min(1),
  })
  .strict();

/** Which fault a proof case's fresh lab gets (lessons with `faults`); the first one when absent. */
const caseFault = id.optional();

const criterionSchema = z
  .object({
    id,
    title: z.string().min(1),
    weight: z.number().positive().default(1),
  })
  .strict();

/** A plausible wrong attempt: `expect` names every criterion that must fail; all others must pass. */
const mistakeSchema = z
  .object({
    id,
    title: z.string().min(1),
    steps: z.array(stepSchema).default([]),
    answers: answersSchema.optional(),
    fault: caseFault,
    expect: z.array(expectationSchema).min(1),
  })
  .strict();

/** An attempt to pass without doing the work, applied on a fresh lab: every criterion in `fails` must fail. */
const cheatSchema = z
  .object({
    id,
    title: z.string().min(1),
    steps: z.array(stepSchema).min(1),
    fault: caseFault,
    fails: z.array(id).min(1),
  })
  .strict();

/** Right work written differently (a hand-edited file, an equivalent value): every criterion must pass. */
const variantSchema = z
  .object({
    id,
    title: z.string().min(1),
    steps: z.array(stepSchema).min(1),
    fault: caseFault,
  })
  .strict();

const questionSchema = z
  .object({
    id,
    text: z.string().min(1),
    choices: z.array(z.string().min(1)).min(2),
    answer: z.string().min(1),
    weight: z.number().positive().default(1),
    hint: z.string().min(1),
  })
  .strict()
  .refine((q) => q.choices.includes(q.answer), {
    message: 'answer must be one of choices',
    path: ['answer'],
  })
  .refine((q) => !hintStatesAnswer(q.hint, q.answer), {
    message: 'the hint must not state the answer: say where to look, not what to find',
    path: ['hint'],
  });

/** The mail agents go by their names as often as by their letters; a hint giving either gives the answer. */
const AGENT_NAMES: Record<string, string> = {
  MUA: 'user agent',
  MTA: 'transfer agent',
  MDA: 'delivery agent',
  MRA: 'retrieval agent',
};

/**
 * A quiz's hint is shown after a wrong answer, so a hint that names the answer turns every question into
 * "answer anything, then read the hint" (found in a workshop: lesson 01's hints named every role).
 * Only the literal answer (as a whole word) and an agent's spelled-out name can be caught by a machine;
 * the authors' guide asks for the rest.
 */
export function hintStatesAnswer(hint: string, answer: string): boolean {
  const words = (text: string) =>
    ` ${text
      .toLowerCase()
      .split(/[^\p{L}\p{N}$.@/_-]+/u)
      .map((word) => word.replace(/^\.+|\.+$/g, ''))
      .filter((word) => word.length > 0)
      .join(' ')} `;
  const said = words(hint);
  const names = [answer, AGENT_NAMES[answer] ?? ''].filter((a) => a.trim().length > 0);
  return names.some((name) => said.includes(words(name)));
}

const CHEATS_NEEDED =
  'every checked exercise needs at least one cheat (an attempt to pass without the work) that must fail';
const VARIANTS_NEEDED =
  'every checked exercise needs at least one correct variant (right work written differently) that must pass';

const checkedExerciseSchema = z
  .object({
    id,
    title: z.string().min(1),
    kind: z.literal('check'),
    criteria: z.array(criterionSchema).min(1),
    /** A worked solution in Markdown, which a student may reveal after a first Check. */
    walkthrough: z
      .string({
        required_error: 'every checked exercise needs a walkthrough (a worked solution in Markdown)',
      })
      .regex(/^[\w./-]+\.md$/, 'a Markdown file inside the lesson folder, e.g. solution/walkthrough.md'),
    check: z.array(checkStepSchema).min(1),
    solution: z.array(stepSchema).min(1),
    mistakes: z.array(mistakeSchema).min(2, 'every exercise needs at least two known mistakes'),
    cheats: z.array(cheatSchema, { required_error: CHEATS_NEEDED }).min(1, CHEATS_NEEDED),
    variants: z.array(variantSchema, { required_error: VARIANTS_NEEDED }).min(1, VARIANTS_NEEDED),
  })
  .strict();

const quizExerciseSchema = z
  .object({
    id,
    title: z.string().min(1),
    kind: z.literal('quiz'),
    questions: z.array(questionSchema).min(1),
    mistakes: z.array(mistakeSchema).min(2, 'every exercise needs at least two known mistakes'),
  })
  .strict();

// `kind` defaults to "check"; filling it in first lets zod report errors of the right variant.
export const exerciseSchema = z.preprocess(
  (value) =>
    value && typeof value === 'object' && !Array.isArray(value) && !('kind' in value)
      ? { ...value, kind: 'check' }
      : value,
  z.discriminatedUnion('kind', [checkedExerciseSchema, quizExerciseSchema]),
);

/**
 * An exam (the capstone): a time limit from the moment the lab is ready, enforced at grading; during
 * it Check shows which criteria pass and, unless `hintsDuringExam`, nothing more; handing in (or the
 * limit) ends it, closes the student's shells, and shows the full report with hints.
 */
const examSchema = z
  .object({
    minutes: z.number().int().min(1).max(600),
    hintsDuringExam: z.boolean().default(false),
  })
  .strict();

export const frontMatterSchema = z
  .object({
    title: z.string().min(1),
    summary: z.string().min(1),
    hosts: z.array(hostName).min(1),
    /**
     * Earlier lessons whose work this one starts from: at lab creation their setup and reference
     * solutions run first (in this order), then this lesson's setup. Named by number ("03") or folder.
     */
    buildsOn: z
      .array(z.string().regex(/^(\d{2}|\d{2}-[a-z0-9-]+)$/, 'a lesson number ("03") or folder'))
      .default([]),
    setup: z.array(stepSchema).default([]),
    /**
     * Break-fix: the ways this lesson's setup may break the lab. At creation the engine picks one per
     * lab (the least used among running labs of the lesson, so two students get different ones),
     * records it on the grader, and passes it as MAILLAB_FAULT to this lesson's setup on every host, to
     * check steps on the grader only, and to solution, mistake, cheat and variant steps.
     */
    faults: z
      .array(faultSchema)
      .refine((f) => f.length !== 1, 'a break-fix lesson needs at least two faults to choose from')
      .default([]),
    exam: examSchema.optional(),
    /**
     * Student hosts whose keys and certificates (under /etc/pki, /etc/ssl/private, /etc/dovecot,
     * /etc/postfix) are fingerprinted on the grader when the lab is ready, before the student has a
     * shell: what the image, a package or the setup made, which checks refuse as the student's work
     * (the judge reads `keys_made_before HOST`).
     */
    keysBeforeStudent: z.array(hostName).default([]),
    exercises: z.array(exerciseSchema).min(1),
  })
  .strict();

export type ExamSettings = z.infer<typeof examSchema>;
export type Step = z.infer<typeof stepSchema>;
export type JudgeStep = z.infer<typeof judgeStepSchema>;
export type CollectStep = z.infer<typeof collectStepSchema>;
export type CheckStep = z.infer<typeof checkStepSchema>;
export type Cheat = z.infer<typeof cheatSchema>;
export type Variant = z.infer<typeof variantSchema>;
export type Mistake = z.infer<typeof mistakeSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type Question = z.infer<typeof questionSchema>;
export type CheckedExercise = z.infer<typeof checkedExerciseSchema>;
export type QuizExercise = z.infer<typeof quizExerciseSchema>;
export type Exercise = z.infer<typeof exerciseSchema>;
export type FrontMatter = z.infer<typeof frontMatterSchema>;

export interface Lesson extends FrontMatter {
  /** Folder name, e.g. "06-null-client". */
  id: string;
  /** Two-digit number from the folder name, e.g. "06". */
  number: string;
  dir: string;
  markdown: string;
  /** Sanitized HTML of the lesson body, with run/copy actions on host-tagged code blocks. */
  html: string;
  /** Script contents by path relative to the lesson folder, read once at load. */
  scripts: Record<string, string>;
  /** Each checked exercise's walkthrough, rendered to safe HTML. */
  walkthroughs: Record<string, string>;
  /** The lessons named in buildsOn, resolved (with theirs, earliest first) by the catalog. */
  prerequisites: Lesson[];
}

export function isCollectStep(step: CheckStep): step is CollectStep {
  return 'collect' in step;
}

/** Criteria of an exercise as graded: a quiz's questions are its criteria. */
export function criteriaOf(exercise: Exercise): { id: string; title: string; weight: number }[] {
  if (exercise.kind === 'quiz') {
    return exercise.questions.map((q) => ({ id: q.id, title: q.text, weight: q.weight }));
  }
  return exercise.criteria;
}
