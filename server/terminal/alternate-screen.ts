// Whether the program in a terminal is on the alternate screen, as full-screen programs are (vim,
// less, top, mc). A socket that attaches then gets a replay of raw output that cannot rebuild such a
// screen, so the session asks the program to repaint instead. Tracked from the output itself: the
// last switch seen (DEC private modes 1049, 1047 and 47; h enters, l leaves) decides.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts every sequence looked for.
const SWITCH = /\x1b\[\?(?:1049|1047|47)([hl])/g;
/** Enough of the previous chunk to find a switch split across two reads. */
const KEEP = 8;

export class AlternateScreen {
  private tail = '';
  private on = false;

  get active(): boolean {
    return this.on;
  }

  observe(chunk: Buffer): void {
    // Most output (a flood from `yes`, a log) has no escape at all: skip the scan, keep the tail.
    if (chunk.indexOf(0x1b) === -1 && !this.tail.includes('\x1b')) {
      this.tail = chunk.subarray(-KEEP).toString('latin1');
      return;
    }
    // latin1 maps bytes one to one, so escape sequences are found whatever the text's encoding.
    const text = this.tail + chunk.toString('latin1');
    let last: string | undefined;
    for (const match of text.matchAll(SWITCH)) last = match[1];
    if (last) this.on = last === 'h';
    this.tail = text.slice(-KEEP);
  }
}
