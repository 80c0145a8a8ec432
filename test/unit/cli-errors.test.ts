// The CLI's errors, which need no engine: each says what happened and what to do next.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('../../bin/maillab.mjs', import.meta.url).pathname;
const DEAD_ENGINE = `unix:///tmp/maillab-no-engine-${process.pid}.sock`;

async function maillab(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('node', [BIN, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('maillab CLI errors', () => {
  it('names the engine that does not answer and what to start, from doctor and from lab start', async () => {
    const doctor = await maillab(['doctor'], { DOCKER_HOST: DEAD_ENGINE });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`The container engine at ${DEAD_ENGINE} is not answering. Start it`);
    const start = await maillab(['lab', 'start', '06'], { DOCKER_HOST: DEAD_ENGINE });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('is not answering. Start it (Docker: `sudo systemctl start docker`');
  });

  it('lists the known lessons when asked for an unknown one, with the usage exit code 2', async () => {
    const result = await maillab(['lab', 'grade', '99']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No lesson "99"\. Known lessons: 01-mail-roles, (.*, )?06-null-client/);
  });

  it('refuses a misspelt option with exit 2 instead of ignoring it', async () => {
    const grade = await maillab(['lab', 'grade', '01', '--exercize', 'roles'], { DOCKER_HOST: DEAD_ENGINE });
    expect(grade.code).toBe(2);
    expect(grade.stderr).toContain(
      'Unknown option --exercize for `maillab lab grade`; it takes --exercise, --json',
    );
    const solve = await maillab(['lab', 'solve', '06', '--exercize=x'], { DOCKER_HOST: DEAD_ENGINE });
    expect(solve.code).toBe(2);
    const port = await maillab(['serve', '--port', 'abc'], { DOCKER_HOST: DEAD_ENGINE });
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be a whole number from 1 to 65535, not "abc"');
  });

  it('refuses a bad setting before doing anything, naming it, with exit 2', async () => {
    const result = await maillab(['doctor'], { MAILLAB_TERMINAL_GRACE_S: '-5' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MAILLAB_TERMINAL_GRACE_S must be a whole number from 10');
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const result = await maillab(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('maillab lab start <lesson>');
  });
});
