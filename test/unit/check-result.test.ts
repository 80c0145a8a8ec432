import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseReport, weightedScore } from '../../server/checker/result.ts';
import { stepArgv, stepProgram } from '../../server/checker/step-runner.ts';

/** Runs a script as a grader step runs (bash, the program's parts as arguments), here on the test machine. */
const runLib = (script: string, host = 'grader') => {
  const [bash = 'bash', ...args] = stepArgv(host, script, 'test');
  return execFileSync(bash, args, { env: { PATH: process.env.PATH } }).toString();
};

describe('check results', () => {
  it('runs a judge bigger than the kernel takes in one argument, and gives a script no positional parameters', () => {
    // A 110 KB judge after the library: as one argument (the old way) Linux refuses it with E2BIG
    // before bash starts; each part stays under the 128 KiB a single argument may have.
    const big = `${'# filler line of a long judge\n'.repeat(3700)}echo "args=$#"; pass big "ran"\n`;
    expect(() => execFileSync('bash', ['-c', stepProgram('grader', big), 'test'])).toThrow(/E2BIG/);
    const out = runLib(big);
    expect(out).toContain('args=0');
    expect(parseReport(out)).toEqual([{ kind: 'pass', criterion: 'big', observed: 'ran' }]);
  });

  it('parses pass, fail and fact lines and ignores the rest', () => {
    const lines = parseReport(
      [
        'Connecting to desktop…',
        '::maillab::\tpass\tloopback-only\trefused from grader\t',
        '::maillab::\tfail\trelay\tnot delivered\tlook at relayhost',
        '::maillab::\tfact\tqueue_id\tA1B2C3\t',
        '::maillab::\tbogus\tx\ty\t',
      ].join('\n'),
    );
    expect(lines).toEqual([
      { kind: 'pass', criterion: 'loopback-only', observed: 'refused from grader' },
      { kind: 'fail', criterion: 'relay', observed: 'not delivered', hint: 'look at relayhost' },
      { kind: 'fact', key: 'queue_id', value: 'A1B2C3' },
    ]);
  });

  it('round-trips what the shell library prints, flattening tabs and newlines', () => {
    const out = runLib(
      'pass a "line one\nline\ttwo"; fail b "seen" "try this"; verdict c 1 "obs" "hint c"; fact k v',
    );
    expect(parseReport(out)).toEqual([
      { kind: 'pass', criterion: 'a', observed: 'line one line two' },
      { kind: 'fail', criterion: 'b', observed: 'seen', hint: 'try this' },
      { kind: 'fail', criterion: 'c', observed: 'obs', hint: 'hint c' },
      { kind: 'fact', key: 'k', value: 'v' },
    ]);
  });

  it('gives judging functions to grader steps only', () => {
    expect(runLib('type pass >/dev/null 2>&1 && echo has-pass || echo no-pass', 'desktop')).toContain(
      'no-pass',
    );
    expect(runLib('fact k v', 'desktop')).toContain('::maillab::\tfact\tk\tv');
    expect(runLib('[ -n "$__MAILLAB_JUDGE_PY" ] && echo carries-python')).toContain('carries-python');
  });

  it('waits until a condition holds and gives up at the deadline', () => {
    expect(runLib('n=0; wait_until 3 bash -c "exit 0" && echo ok')).toContain('ok');
    expect(runLib('wait_until 1 false || echo gave-up')).toContain('gave-up');
  });

  it('weighs criteria into a percentage', () => {
    expect(
      weightedScore([
        { pass: true, weight: 2 },
        { pass: false, weight: 1 },
        { pass: true, weight: 1 },
      ]),
    ).toBe(75);
    expect(weightedScore([])).toBe(0);
  });
});
