// The HTTP API as the browser sees it: one typed function per endpoint, and one way errors surface
// (a non-2xx answer's `{error: {code, message}}` becomes an ApiError carrying that message).
// The body shapes and check results are defined once, for both sides, in server/shared/.

import type {
  LabView,
  LessonDetail,
  LessonSummary,
  QuizAnswers,
  Status,
  Walkthrough,
} from '../../server/shared/api.ts';
import type { ExerciseResult } from '../../server/shared/check-result.ts';

export type {
  Criterion,
  Exercise,
  LabView,
  LessonDetail,
  LessonSummary,
  Question,
  QuizAnswers,
  Status,
  Walkthrough,
} from '../../server/shared/api.ts';
export type { CriterionResult, ExerciseResult } from '../../server/shared/check-result.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      'Cannot reach the maillab server. Check that it is still running, then try again.',
      0,
      undefined,
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      error?.message ?? `The server answered ${response.status} ${response.statusText} to ${method} ${path}.`,
      response.status,
      error?.code,
    );
  }
  return json as T;
}

const lab = (labId: string) => `/api/labs/${encodeURIComponent(labId)}`;
const exercise = (labId: string, exerciseId: string) =>
  `${lab(labId)}/exercises/${encodeURIComponent(exerciseId)}`;

export const api = {
  status: () => request<Status>('GET', '/api/status'),
  lessons: () => request<LessonSummary[]>('GET', '/api/lessons'),
  lesson: (id: string) => request<LessonDetail>('GET', `/api/lessons/${encodeURIComponent(id)}`),
  startLab: (lessonId: string) =>
    request<LabView>('POST', `/api/lessons/${encodeURIComponent(lessonId)}/lab`),
  lab: (labId: string) => request<LabView>('GET', lab(labId)),
  resetLab: (labId: string) => request<LabView>('POST', `${lab(labId)}/reset`),
  finishLab: (labId: string) => request<void>('DELETE', lab(labId)),
  answers: (labId: string, exerciseId: string) =>
    request<QuizAnswers>('GET', `${exercise(labId, exerciseId)}/answers`),
  saveAnswers: (labId: string, exerciseId: string, answers: Record<string, string>) =>
    request<void>('PUT', `${exercise(labId, exerciseId)}/answers`, { answers } satisfies QuizAnswers),
  check: (labId: string, exerciseId: string) =>
    request<ExerciseResult>('POST', `${exercise(labId, exerciseId)}/check`),
  handIn: (labId: string) => request<LabView>('POST', `${lab(labId)}/hand-in`),
  reveal: (labId: string, exerciseId: string) =>
    request<Walkthrough>('POST', `${exercise(labId, exerciseId)}/reveal`),
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
