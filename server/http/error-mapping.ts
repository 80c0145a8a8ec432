// The one place where errors become HTTP responses: { error: { code, message } }.
import type { ErrorRequestHandler } from 'express';
import { type ErrorCode, MaillabError } from '../errors.ts';

const STATUS: Record<ErrorCode, number> = {
  engine_unreachable: 503,
  image_missing: 503,
  lab_not_found: 404,
  lesson_not_found: 404,
  lesson_invalid: 500,
  host_not_found: 404,
  capacity_exceeded: 429,
  check_timed_out: 504,
  bad_request: 400,
  not_found: 404,
  forbidden: 403,
  unauthorized: 401,
  lab_failed: 502,
};

export function toHttp(err: unknown): { status: number; body: { error: { code: string; message: string } } } {
  if (err instanceof MaillabError)
    return { status: STATUS[err.code], body: { error: { code: err.code, message: err.message } } };
  const status = (err as { status?: number }).status;
  if (status && status >= 400 && status < 500) {
    return { status, body: { error: { code: 'bad_request', message: (err as Error).message } } };
  }
  return {
    status: 500,
    body: {
      error: {
        code: 'internal',
        message: `Something went wrong on the maillab server: ${(err as Error)?.message ?? err}`,
      },
    },
  };
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const { status, body } = toHttp(err);
  // Only the unexpected is logged; an engine that is down is a state the page already reports.
  if (status === 500) console.error(err);
  res.status(status).json(body);
};
