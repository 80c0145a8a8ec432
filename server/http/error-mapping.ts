// The one place where errors become HTTP responses: { error: { code, message } }.
import type { ErrorRequestHandler } from 'express';
import { type ErrorCode, MaillabError } from '../errors.ts';
import { type Logger, silentLogger } from '../log.ts';

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
  rate_limited: 429,
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

/** Maps errors to responses; the unexpected (500) is logged with its stack, the rest at debug. */
export function errorHandler(log: Logger = silentLogger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { status, body } = toHttp(err);
    // An engine that is down is a state the page already reports; only the unexpected is an error.
    if (status === 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    else log.debug({ code: body.error.code, status, path: req.path }, body.error.message);
    res.status(status).json(body);
  };
}
