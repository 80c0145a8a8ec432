// Runs the maillab command as a user types it (node bin/maillab.mjs …), for the integration tests: a
// non-zero exit is an answer (code, stdout, stderr), not an error.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const MAILLAB_BIN = new URL('../../bin/maillab.mjs', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runMaillab(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 240_000,
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node', [MAILLAB_BIN, ...args], {
      env: { ...process.env, ...env },
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
