/** Latency figures of one series, in milliseconds (NaN where there are no samples). */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : NaN),
    mean: round(sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN),
  };
}

/** Sums of a Prometheus counter from a `/metrics` text, by the value of one label. */
export function counterByLabel(metricsText: string, name: string, label: string): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const key = new RegExp(`${label}="([^"]*)"`).exec(line)?.[1] ?? '';
    totals[key] = (totals[key] ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return totals;
}

/** `after - before` for every key of either. */
export function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const keys = new Set([...Object.keys(after), ...Object.keys(before)]);
  return Object.fromEntries([...keys].map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}

/** One histogram series of a `/metrics` text: cumulative bucket counts (by `le`), sum and count. */
interface Series {
  buckets: Map<number, number>;
  sum: number;
  count: number;
}

function seriesByLabel(metricsText: string, name: string, label: string): Map<string, Series> {
  const out = new Map<string, Series>();
  const of = (key: string) => {
    let s = out.get(key);
    if (!s) out.set(key, (s = { buckets: new Map(), sum: 0, count: 0 }));
    return s;
  };
  for (const line of metricsText.split('\n')) {
    const m = new RegExp(`^${name}_(bucket|sum|count)\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (!m) continue;
    const key = new RegExp(`${label}="([^"]*)"`).exec(m[2])?.[1] ?? '';
    const value = Number(m[3]);
    const s = of(key);
    if (m[1] === 'sum') s.sum += value;
    else if (m[1] === 'count') s.count += value;
    else {
      const le = /le="([^"]*)"/.exec(m[2])?.[1] ?? '+Inf';
      const bound = le === '+Inf' ? Infinity : Number(le);
      s.buckets.set(bound, (s.buckets.get(bound) ?? 0) + value);
    }
  }
  return out;
}

/**
 * What a Prometheus histogram observed between two `/metrics` texts, by the value of one label:
 * how many, the mean (ms), and the bucket bounds (ms) that p50 and p99 fall under.
 */
export function histogramDelta(before: string, after: string, name: string, label: string): Record<string, { count: number; meanMs: number; p50UnderMs: number; p99UnderMs: number }> {
  const a = seriesByLabel(after, name, label);
  const b = seriesByLabel(before, name, label);
  const out: Record<string, { count: number; meanMs: number; p50UnderMs: number; p99UnderMs: number }> = {};
  for (const [key, s] of a) {
    const old = b.get(key);
    const count = s.count - (old?.count ?? 0);
    if (count <= 0) continue;
    const bounds = [...s.buckets.keys()].sort((x, y) => x - y);
    const under = (q: number) => bounds.find((le) => s.buckets.get(le)! - (old?.buckets.get(le) ?? 0) >= q * count) ?? Infinity;
    out[key] = { count, meanMs: Math.round(((s.sum - (old?.sum ?? 0)) / count) * 10_000) / 10, p50UnderMs: under(0.5) * 1000, p99UnderMs: under(0.99) * 1000 };
  }
  return out;
}

/** Latency histogram buckets: 70 per doubling, 2^(1/70) ≈ 1.0100, so each is 1 % wide. */
const BUCKETS_PER_DOUBLING = 70;

/** The histogram bucket of a latency in ms (see {@link summarizeHistogram}). */
export function bucketOf(ms: number): number {
  return Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING);
}

/**
 * Percentiles of merged histograms (bucket → count, from {@link bucketOf}); each is its bucket's
 * upper bound, so within 1 % above the exact figure. `max` is exact (given).
 */
export function summarizeHistogram(histograms: Array<Record<string, number>>, max: number): Omit<Summary, 'mean'> {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const [b, n] of Object.entries(h)) merged.set(Number(b), (merged.get(Number(b)) ?? 0) + n);
  const buckets = [...merged.entries()].sort((a, b) => a[0] - b[0]);
  const count = buckets.reduce((n, [, c]) => n + c, 0);
  const at = (p: number) => {
    if (count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * count));
    let seen = 0;
    for (const [b, c] of buckets) if ((seen += c) >= rank) return Math.round(Math.min(2 ** ((b + 1) / BUCKETS_PER_DOUBLING), max) * 100) / 100;
    return NaN;
  };
  return { count, p50: at(50), p95: at(95), p99: at(99), max: Math.round(max * 100) / 100 };
}
