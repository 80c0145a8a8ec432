import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseReport, weightedScore } from '../../server/checker/result.ts';

const lib = readFileSync(new URL('../../server/checker/check-lib.sh', import.meta.url), 'utf8');
const runLib = (script: string, env: Record<string, string> = {}) =>
  execFileSync('bash', ['-s'], {
    input: `${lib}\n${script}`,
    env: { PATH: process.env.PATH, ...env },
  }).toString();

describe('check results', () => {
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
