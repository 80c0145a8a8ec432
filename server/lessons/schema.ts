// The lesson format: front matter of lessons/<NN-slug>/lesson.md, validated at start-up.
// lessons/README.md documents it for authors; keep the two in step.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes (e.g. "null-client")');

const hostName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'a host name such as "server" or "desktop"');

/** A script from the lesson folder, streamed into `host` as root with `bash -s` at run time. */
export const stepSchema = z
  .object({
    host: hostName,
    script: z.string().regex(/^[\w./-]+\.sh$/, 'a path inside the lesson folder ending in .sh'),
    timeoutSeconds: z.number().positive().max(300).optional(),
  })
  .strict();

const answersSchema = z.record(id, z.string().min(1));

const expectationSchema = z
  .object({
    criterion: id,
    /** A case-insensitive substring the failing criterion's hint must contain. */
    hint: z.string().min(1),
  })
  .strict();

const criterionSchema = z
  .object({
    id,
    title: z.string().min(1),
    weight: z.number().positive().default(1),
  })
  .strict();

const mistakeSchema = z
  .object({
    id,
    title: z.string().min(1),
    steps: z.array(stepSchema).default([]),
    answers: answersSchema.optional(),
    expect: z.array(expectationSchema).min(1),
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
  });

const checkedExerciseSchema = z
  .object({
    id,
    title: z.string().min(1),
    kind: z.literal('check'),
    criteria: z.array(criterionSchema).min(1),
    check: z.array(stepSchema).min(1),
    solution: z.array(stepSchema).min(1),
    mistakes: z.array(mistakeSchema).min(2, 'every exercise needs at least two known mistakes'),
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

export const frontMatterSchema = z
  .object({
    title: z.string().min(1),
    summary: z.string().min(1),
    hosts: z.array(hostName).min(1),
    setup: z.array(stepSchema).default([]),
    exercises: z.array(exerciseSchema).min(1),
  })
  .strict();

export type Step = z.infer<typeof stepSchema>;
export type Mistake = z.infer<typeof mistakeSchema>;
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
}

/** Criteria of an exercise as graded: a quiz's questions are its criteria. */
export function criteriaOf(exercise: Exercise): { id: string; title: string; weight: number }[] {
  if (exercise.kind === 'quiz') {
    return exercise.questions.map((q) => ({ id: q.id, title: q.text, weight: q.weight }));
  }
  return exercise.criteria;
}
