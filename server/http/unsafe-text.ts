// Text that people type (names, student ids) and that later reaches pages, exports and the
// instructor's terminal: which characters it may not carry, and how a terminal is shown the rest.
import { MaillabError } from '../errors.ts';

/**
 * Control characters (C0, DEL and C1: ESC or CSI starts a terminal escape sequence in whatever
 * prints the name), line and paragraph separators, and the bidi controls that make text read
 * differently from how it is stored. Joiners (ZWJ, ZWNJ) stay: Persian and Indic names and emoji
 * sequences need them.
 */
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

export const hasUnsafeText = (text: string) => UNSAFE.test(text);

/** Refuses a typed name or id with such a character, saying which field to type again. */
export function refuseUnsafeText(what: string, value: unknown): void {
  if (typeof value === 'string' && hasUnsafeText(value))
    throw new MaillabError(
      'bad_request',
      `Your ${what} contains a control or text-direction character; type it again with plain letters.`,
    );
}

/**
 * Text for a terminal: each unsafe character shown as a visible escape (\x1b, \u202e), so a name
 * stored before names were checked cannot retitle, clear or rewrite the instructor's terminal.
 * Tab and newline stay where the output is a file's own layout (CSV lines).
 */
export function terminalSafe(text: string, keep: readonly string[] = []): string {
  return text.replace(UNSAFE_ALL, (c) => {
    if (keep.includes(c)) return c;
    const code = c.codePointAt(0) ?? 0;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON whose strings carry no raw unsafe character: JSON.stringify leaves C1 and bidi controls as
 * they are; here they become \\u escapes, so the text parses to the very same value.
 */
export function safeJson(value: unknown, indent?: number): string {
  // Strings have C0 escaped already; a raw newline is the layout's own, between values.
  return JSON.stringify(value, null, indent).replace(UNSAFE_ALL, (c) =>
    c === '\n' ? c : `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
