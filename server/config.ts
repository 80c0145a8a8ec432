// The only module that reads process.env: everything else is handed its settings.
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Config {
  /** Repository root: lessons/, containers/ and client/ are found from here, not from the cwd. */
  root: string;
  dockerHost: string | undefined;
  host: string;
  port: number;
  lessonsDir: string;
  containersDir: string;
  maxLabs: number;
  /** How long a terminal shell survives with no browser attached. */
  terminalGraceMs: number;
  imageFlavor: 'auto' | 'rhel9' | 'offline';
  /** Extra origins allowed to open terminal WebSockets, e.g. behind a reverse proxy. */
  allowedOrigins: string[];
  /** Extra Host names the server answers to besides loopback and its bind address. */
  allowedHosts: string[];
  /** Whose labs the CLI works on: one implicit local owner until classrooms arrive. */
  owner: string;
  /** Where maillab keeps its own state (image self-test verdicts): MAILLAB_STATE_DIR. */
  stateDir: string;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  const flavor = env.MAILLAB_IMAGE ?? 'auto';
  if (flavor !== 'auto' && flavor !== 'rhel9' && flavor !== 'offline') {
    throw new Error(`MAILLAB_IMAGE must be auto, rhel9 or offline, not "${flavor}".`);
  }
  return {
    root,
    dockerHost: env.DOCKER_HOST || undefined,
    host: env.MAILLAB_HOST ?? '127.0.0.1',
    port: Number(env.MAILLAB_PORT ?? env.PORT ?? 8080),
    lessonsDir: env.MAILLAB_LESSONS ?? path.join(root, 'lessons'),
    containersDir: path.join(root, 'containers'),
    maxLabs: Number(env.MAILLAB_MAX_LABS ?? 20),
    terminalGraceMs: Number(env.MAILLAB_TERMINAL_GRACE_S ?? 600) * 1000,
    imageFlavor: flavor,
    allowedOrigins: (env.MAILLAB_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
    allowedHosts: (env.MAILLAB_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
    owner: env.MAILLAB_OWNER || 'local',
    stateDir:
      env.MAILLAB_STATE_DIR ||
      path.join(env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state'), 'maillab'),
  };
}
