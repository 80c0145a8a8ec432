// Small number helpers for the benchmark: summaries of samples and table formatting.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  mean: number;
}

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function sorted(samples: number[]): number[] {
  if (samples.length === 0) throw new Error('no samples');
  return [...samples].sort((a, b) => a - b);
}

/** Nearest-rank percentile of sorted samples. */
function rank(s: number[], p: number): number {
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i] as number;
}

export function summarize(samples: number[]): Summary {
  const s = sorted(samples);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return {
    n: s.length,
    median: round(median),
    min: round(s[0] as number),
    max: round(s[s.length - 1] as number),
    mean: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

export function percentiles(samples: number[]): Percentiles {
  const s = sorted(samples);
  return {
    n: s.length,
    p50: round(rank(s, 50)),
    p95: round(rank(s, 95)),
    p99: round(rank(s, 99)),
    min: round(s[0] as number),
    max: round(s[s.length - 1] as number),
  };
}

export const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : Number.NaN);

export function fmtSummary(s: Summary, unit: string, digits = 2): string {
  return `${s.median.toFixed(digits)} ${unit} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
}

export function fmtPercentiles(p: Percentiles, digits = 1): string {
  return `p50 ${p.p50.toFixed(digits)} / p95 ${p.p95.toFixed(digits)} / p99 ${p.p99.toFixed(digits)} ms`;
}

/** A plain-text table: the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length))) ?? [];
  const line = (r: string[]) =>
    r
      .map((cell, col) => cell.padEnd(widths[col] ?? 0))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  const [head, ...body] = rows;
  return [line(head ?? []), rule, ...body.map(line)].join('\n');
}
