// The only module that reads process.env: everything else is handed its settings.
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MaillabError } from './errors.ts';
import { parseSpareSetting, type SpareSetting } from './labs/spare-pool.ts';
import { DEFAULT_LAB_SUBNETS, poolProblem } from './runtime/lab-subnets.ts';

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
  /** Where the database of classes, students, attempts and reveals lives: MAILLAB_DATA_DIR (the state directory). */
  dataDir: string;
  /** MAILLAB_PUBLIC_URL: the address people open (behind a proxy, its https URL); links are printed with it. */
  publicUrl: string | undefined;
  /** MAILLAB_TRUST_PROXY: whose X-Forwarded-* headers to believe (e.g. loopback, behind Caddy or nginx). */
  trustProxy: string | undefined;
  /** Classroom mode: a lab nobody used for this long is reclaimed (MAILLAB_IDLE_LAB_MIN, 45). */
  idleLabMs: number;
  /** Classroom mode: how long before that the student is warned (MAILLAB_IDLE_WARN_MIN, 5). */
  idleWarnMs: number;
  /** What an instructor's "extend" adds to a lab (MAILLAB_EXTEND_MIN, 30). */
  extendMs: number;
  /** MAILLAB_UNSAFE_CGROUP_BIND=1: allow the writable host cgroup tree (Docker before 28 on cgroup v2). */
  allowUnsafeCgroupBind: boolean;
  /** MAILLAB_LOG_LEVEL: the server's structured log level (info). */
  logLevel: string;
  /** MAILLAB_LAB_SUBNETS: the IPv4 range Docker lab networks take their /28s from (10.213.0.0/16). */
  labSubnets: string;
  /** MAILLAB_DISK_LIMIT_MB: what one lab host may write to its disk before it is stopped. */
  diskLimitBytes: number;
  /** MAILLAB_PREPARED_IMAGES=0: never boot labs from lessons' prepared images (see prepared-images.ts). */
  preparedImages: boolean;
  /** MAILLAB_SPARE_LABS: which labs to keep ready ahead (see server/labs/spare-pool.ts). */
  spareLabs: SpareSetting;
}

const integer = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `${name} must be a whole number from ${min} to ${max}, not "${value}"`,
        });
        return z.NEVER;
      }
      return n;
    });

/** Every setting maillab reads, with the values it accepts; a bad one stops start-up and names itself. */
const envSchema = z.object({
  MAILLAB_PORT: integer('MAILLAB_PORT', 1, 65535, 8080),
  PORT: integer('PORT', 1, 65535, 8080),
  MAILLAB_HOST: z
    .string()
    .min(1, 'MAILLAB_HOST must name an address to listen on, e.g. 127.0.0.1')
    .default('127.0.0.1'),
  MAILLAB_MAX_LABS: integer('MAILLAB_MAX_LABS', 1, 1000, 20),
  // Long enough for a lesson's reading between commands; a class of 30 on a small machine needs labs back.
  MAILLAB_IDLE_LAB_MIN: integer('MAILLAB_IDLE_LAB_MIN', 1, 7 * 24 * 60, 45),
  MAILLAB_IDLE_WARN_MIN: integer('MAILLAB_IDLE_WARN_MIN', 1, 24 * 60, 5),
  MAILLAB_EXTEND_MIN: integer('MAILLAB_EXTEND_MIN', 1, 7 * 24 * 60, 30),
  // A lab host writes a few tens of MB (journal, queue, mailboxes); 1 GiB leaves room for play.
  MAILLAB_DISK_LIMIT_MB: integer('MAILLAB_DISK_LIMIT_MB', 64, 1024 * 1024, 1024),
  // Below 10 s a reloading page would find its shell gone.
  MAILLAB_TERMINAL_GRACE_S: integer('MAILLAB_TERMINAL_GRACE_S', 10, 7 * 24 * 3600, 600),
  MAILLAB_UNSAFE_CGROUP_BIND: z
    .enum(['0', '1', ''], {
      errorMap: (_issue, ctx) => ({
        message: `MAILLAB_UNSAFE_CGROUP_BIND must be 1 or 0, not "${String(ctx.data)}"`,
      }),
    })
    .default('0'),
  MAILLAB_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      errorMap: (_issue, ctx) => ({
        message: `MAILLAB_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "${String(ctx.data)}"`,
      }),
    })
    .default('info'),
  MAILLAB_PUBLIC_URL: z
    .string()
    .url('MAILLAB_PUBLIC_URL must be a full URL such as https://maillab.example.org')
    .refine((u) => /^https?:\/\//.test(u), 'MAILLAB_PUBLIC_URL must start with http:// or https://')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  MAILLAB_PREPARED_IMAGES: z
    .string()
    .default('1')
    .refine((v) => v === '0' || v === '1', {
      message: 'MAILLAB_PREPARED_IMAGES must be 1 (boot labs from prepared lesson images) or 0',
    }),
  MAILLAB_LAB_SUBNETS: z
    .string()
    .default(DEFAULT_LAB_SUBNETS)
    .superRefine((value, ctx) => {
      const problem = poolProblem(value);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `MAILLAB_LAB_SUBNETS: ${problem}` });
    }),
  MAILLAB_IMAGE: z
    .enum(['auto', 'rhel9', 'offline'], {
      errorMap: (_issue, ctx) => ({
        message: `MAILLAB_IMAGE must be auto, rhel9 or offline, not "${String(ctx.data)}"`,
      }),
    })
    .default('auto'),
});

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const root = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  const parsed = envSchema.safeParse(env);
  if (!parsed.success)
    throw new MaillabError(
      'bad_request',
      `Invalid setting: ${parsed.error.issues.map((i) => i.message).join('; ')}. Fix the environment variable and start again.`,
    );
  const settings = parsed.data;
  const stateDir =
    env.MAILLAB_STATE_DIR ||
    path.join(env.XDG_STATE_HOME || path.join(env.HOME || homedir(), '.local', 'state'), 'maillab');
  return {
    root,
    dockerHost: env.DOCKER_HOST || undefined,
    host: settings.MAILLAB_HOST,
    port: env.MAILLAB_PORT ? settings.MAILLAB_PORT : settings.PORT,
    lessonsDir: env.MAILLAB_LESSONS ?? path.join(root, 'lessons'),
    containersDir: path.join(root, 'containers'),
    maxLabs: settings.MAILLAB_MAX_LABS,
    terminalGraceMs: settings.MAILLAB_TERMINAL_GRACE_S * 1000,
    imageFlavor: settings.MAILLAB_IMAGE,
    allowedOrigins: (env.MAILLAB_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean),
    allowedHosts: (env.MAILLAB_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
    owner: env.MAILLAB_OWNER || 'local',
    allowUnsafeCgroupBind: settings.MAILLAB_UNSAFE_CGROUP_BIND === '1',
    logLevel: settings.MAILLAB_LOG_LEVEL,
    labSubnets: settings.MAILLAB_LAB_SUBNETS,
    diskLimitBytes: settings.MAILLAB_DISK_LIMIT_MB * 1024 * 1024,
    spareLabs: parseSpareSetting(env.MAILLAB_SPARE_LABS ?? ''),
    preparedImages: settings.MAILLAB_PREPARED_IMAGES === '1',
    stateDir,
    dataDir: env.MAILLAB_DATA_DIR || stateDir,
    publicUrl: settings.MAILLAB_PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: env.MAILLAB_TRUST_PROXY || undefined,
    idleLabMs: settings.MAILLAB_IDLE_LAB_MIN * 60_000,
    idleWarnMs: settings.MAILLAB_IDLE_WARN_MIN * 60_000,
    extendMs: settings.MAILLAB_EXTEND_MIN * 60_000,
  };
}
