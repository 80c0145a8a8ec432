import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../server/cli/args.ts';

describe('cli argument parsing', () => {
  it('separates words from flags and flag values', () => {
    expect(parseArgs(['lab', 'grade', '06', '--json', '--exercise', 'null-client'])).toEqual({
      positional: ['lab', 'grade', '06'],
      flags: { json: true, exercise: 'null-client' },
    });
  });

  it('accepts --key=value', () => {
    expect(parseArgs(['serve', '--port=9000']).flags).toEqual({ port: '9000' });
  });

  it('refuses a value flag without its value', () => {
    expect(() => parseArgs(['lab', 'grade', '06', '--exercise'])).toThrow('--exercise needs a value');
  });
});
