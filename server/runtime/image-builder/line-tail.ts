// The last lines of a build's output, kept to explain a failure.

/** Lines of build output kept by default. */
const TAIL_LINES = 25;

/** Keeps the last `max` non-empty lines of a stream of text chunks. */
export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly max = TAIL_LINES) {}
  /** Adds a chunk and returns the complete lines it finished. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const done = parts.map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
    for (const line of done) this.remember(line);
    return done;
  }
  /** Flushes an unterminated last line. */
  end(): string[] {
    const rest = this.partial.trimEnd();
    this.partial = '';
    if (!rest.trim()) return [];
    this.remember(rest);
    return [rest];
  }
  text(): string {
    return this.lines.join('\n');
  }
  private remember(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }
}
