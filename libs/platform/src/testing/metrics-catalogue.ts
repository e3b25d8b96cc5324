import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of the metrics catalogue (docs/metrics.md). */
export interface CatalogueEntry {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
  /** Service names, or ['all']. */
  processes: string[];
  /** Processes where the metrics e2e workload must leave it non-zero (['all'] for every one). */
  nonZeroIn: string[];
  meaning: string;
}

const ROOT = join(__dirname, '..', '..', '..', '..');
export const CATALOGUE_FILE = join(ROOT, 'docs', 'metrics.md');

const list = (cell: string) => (cell.trim() === '-' ? [] : cell.split(',').map((s) => s.trim()).filter(Boolean));

/** Parses the table between the `catalogue` markers of docs/metrics.md; throws naming a bad row. */
export function readMetricsCatalogue(file = CATALOGUE_FILE): CatalogueEntry[] {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('<!-- catalogue:start -->');
  const end = text.indexOf('<!-- catalogue:end -->');
  if (start < 0 || end < start) throw new Error(`${file}: the catalogue markers are missing`);
  const rows = text
    .slice(start, end)
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2); // header and separator
  const entries = rows.map((row, i) => {
    const cells = row.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 6) throw new Error(`${file}: catalogue row ${i + 1} has ${cells.length} cells, not 6: ${row}`);
    const [name, type, labels, processes, e2e, meaning] = cells;
    if (!/^tandem_[a-z0-9_]+$/.test(name)) throw new Error(`${file}: "${name}" is not a tandem_ metric name`);
    if (type !== 'counter' && type !== 'gauge' && type !== 'histogram') throw new Error(`${file}: ${name} has type "${type}"; use counter, gauge or histogram`);
    if (type === 'counter' && !name.endsWith('_total')) throw new Error(`${file}: counter ${name} should end in _total`);
    if (list(processes).length === 0) throw new Error(`${file}: ${name} names no process`);
    if (!meaning) throw new Error(`${file}: ${name} has no meaning`);
    return { name, type, labels: list(labels), processes: list(processes), nonZeroIn: list(e2e), meaning } satisfies CatalogueEntry;
  });
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.name)) throw new Error(`${file}: ${e.name} is catalogued twice`);
    seen.add(e.name);
  }
  return entries;
}

/** Catalogue entries a process exposes. */
export function catalogueFor(entries: CatalogueEntry[], service: string): CatalogueEntry[] {
  return entries.filter((e) => e.processes.includes('all') || e.processes.includes(service));
}

/** One parsed metric family of a Prometheus text exposition. */
export interface ExposedFamily {
  name: string;
  type: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

/** Parses the Prometheus text format (what prom-client serves) into families by name. */
export function parseExposition(text: string): Map<string, ExposedFamily> {
  const families = new Map<string, ExposedFamily>();
  const familyOf = (sample: string) => {
    if (families.has(sample)) return families.get(sample);
    const base = sample.replace(/_(bucket|sum|count)$/, '');
    const f = families.get(base);
    return f && f.type === 'histogram' ? f : undefined;
  };
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      families.set(type[1], { name: type[1], type: type[2], samples: [] });
      continue;
    }
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    const family = familyOf(m[1]);
    if (!family) throw new Error(`sample ${m[1]} has no # TYPE line`);
    family.samples.push({ name: m[1], labels, value });
  }
  return families;
}

/**
 * Problems with one exposed family against its catalogue entry: wrong type, missing labels,
 * implausible values (NaN, negative counters or counts, non-cumulative buckets, +Inf ≠ count), and
 * zero where `mustBeNonZero` (sum of a counter/gauge, or histogram count).
 */
export function checkFamily(entry: CatalogueEntry, family: ExposedFamily | undefined, mustBeNonZero: boolean): string[] {
  if (!family) return [`${entry.name} is not exposed`];
  const problems: string[] = [];
  if (family.type !== entry.type) problems.push(`${entry.name} is a ${family.type}, catalogued as a ${entry.type}`);
  for (const s of family.samples) {
    if (Number.isNaN(s.value)) problems.push(`${s.name}${JSON.stringify(s.labels)} is NaN`);
    if (entry.type !== 'gauge' && s.value < 0) problems.push(`${s.name}${JSON.stringify(s.labels)} is negative (${s.value})`);
    const missing = entry.labels.filter((l) => !(l in s.labels));
    if (missing.length > 0) problems.push(`${s.name} lacks label(s) ${missing.join(', ')}`);
  }
  if (entry.type === 'histogram') {
    const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
    const keyOf = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
    for (const s of family.samples) {
      const k = keyOf(s.labels);
      const one = series.get(k) ?? { buckets: [] };
      series.set(k, one);
      if (s.name.endsWith('_bucket')) one.buckets.push([s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value]);
      if (s.name.endsWith('_count')) one.count = s.value;
    }
    for (const [k, { buckets, count }] of series) {
      buckets.sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < buckets.length; i++) if (buckets[i][1] < buckets[i - 1][1]) problems.push(`${entry.name}${k}: bucket le=${buckets[i][0]} < le=${buckets[i - 1][0]}`);
      if (buckets.at(-1)?.[0] !== Infinity || buckets.at(-1)?.[1] !== count) problems.push(`${entry.name}${k}: the +Inf bucket does not equal _count`);
    }
  }
  if (mustBeNonZero && !isNonZero(entry, [family])) problems.push(`${entry.name} is zero (or has no series) although the workload exercises it`);
  return problems;
}

/** True if any of these exposures (e.g. every process of one service) has a non-zero value or count. */
export function isNonZero(entry: CatalogueEntry, families: Array<ExposedFamily | undefined>): boolean {
  return families.some((family) => (entry.type === 'histogram' ? (family?.samples ?? []).filter((s) => s.name.endsWith('_count')) : (family?.samples ?? [])).some((s) => s.value > 0));
}
