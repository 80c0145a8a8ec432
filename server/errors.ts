// Domain errors: every failure a person can see says what happened and what to do next.
// One place (http/error-mapping.ts) turns them into HTTP status codes; the CLI prints `message`.

export type ErrorCode =
  | 'engine_unreachable'
  | 'image_missing'
  | 'lab_not_found'
  | 'lesson_not_found'
  | 'lesson_invalid'
  | 'host_not_found'
  | 'capacity_exceeded'
  | 'check_timed_out'
  | 'bad_request'
  | 'not_found'
  | 'forbidden'
  | 'unauthorized'
  | 'lab_failed'
  | 'rate_limited';

export class MaillabError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'MaillabError';
  }
}

export const engineUnreachable = (endpoint: string, cause?: unknown) =>
  new MaillabError(
    'engine_unreachable',
    `The container engine at ${endpoint} is not answering. Start it (Docker: \`sudo systemctl start docker\` or \`sudo dockerd &\`; Podman: \`systemctl --user start podman.socket\` and set DOCKER_HOST=unix://$XDG_RUNTIME_DIR/podman/podman.sock), then try again. Run \`npx maillab doctor\` for details.`,
    { cause },
  );

export const labNotFound = (labId: string) =>
  new MaillabError(
    'lab_not_found',
    `No lab with id ${labId}: it may have been finished or reset. Start it again.`,
  );

export const lessonNotFound = (lesson: string, known: string[]) =>
  new MaillabError(
    'lesson_not_found',
    `No lesson "${lesson}". Known lessons: ${known.join(', ') || '(none)'}. A lesson can be named by its folder (01-mail-roles) or its number (01).`,
  );

export const hostNotFound = (labId: string, host: string, hosts: string[]) =>
  new MaillabError(
    'host_not_found',
    `Lab ${labId} has no host "${host}"; its hosts are ${hosts.join(', ')}.`,
  );

export const badRequest = (message: string) => new MaillabError('bad_request', message);

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
