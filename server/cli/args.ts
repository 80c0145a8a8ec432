// A small argv parser: positional words plus --flag and --key value options. No shell involved.
import { MaillabError } from '../errors.ts';

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

const VALUE_FLAGS = new Set(['exercise', 'port', 'host', 'flavor', 'answer', 'fault', 'lessons', 'jobs']);

export function parseArgs(argv: string[]): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
      if (inline !== undefined) flags[key] = inline;
      else if (VALUE_FLAGS.has(key)) {
        const value = argv[i + 1];
        if (value === undefined || value.startsWith('--'))
          throw new MaillabError('bad_request', `--${key} needs a value`);
        flags[key] = value;
        i++;
      } else flags[key] = true;
    } else positional.push(arg);
  }
  return { positional, flags };
}

/**
 * Refuses options a command does not take (a misspelt --exercize must not silently grade everything),
 * naming the ones it does. Usage errors exit 2.
 */
export function allowOnly(flags: Record<string, string | true>, allowed: string[], command: string): void {
  for (const key of Object.keys(flags)) {
    if (key === 'help' || allowed.includes(key)) continue;
    throw new MaillabError(
      'bad_request',
      `Unknown option --${key} for \`maillab ${command}\`${allowed.length ? `; it takes ${allowed.map((a) => `--${a}`).join(', ')}` : '; it takes no options'}.`,
    );
  }
}
