import { Metrics } from '@tandem/platform';
import { checkFamily, parseExposition, readMetricsCatalogue } from '@tandem/platform/testing';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

/** Every .ts file under the given folders, tests excluded. */
function sources(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name === 'dist') continue;
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !p.endsWith('.spec.ts')) out.push(p);
    }
  };
  for (const d of dirs) walk(join(root, d));
  return out;
}

describe('the metrics catalogue (docs/metrics.md)', () => {
  const catalogue = readMetricsCatalogue();
  const byName = new Map(catalogue.map((e) => [e.name, e]));

  it('parses, one well-formed row per metric', () => {
    expect(catalogue.length).toBeGreaterThan(30);
  });

  it('lists every metric of the platform registry (runtime metrics included) with its type', async () => {
    const metrics = new Metrics('catalogue-test');
    const missing: string[] = [];
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      const entry = byName.get(m.name);
      if (!entry) missing.push(m.name);
      else expect(`${m.name}: ${entry.type}`).toBe(`${m.name}: ${m.type}`);
    }
    expect(missing).toEqual([]);
  });

  it('lists every metric registered anywhere in the code, with its type', () => {
    const found: Array<{ name: string; type: string; file: string }> = [];
    for (const file of sources(['libs', 'services', 'apps'])) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new (Counter|Gauge|Histogram|Summary)(?:<[^>]*>)?\(\{\s*name:\s*['"`](tandem_[a-z0-9_]+)['"`]/g)) {
        found.push({ name: m[2], type: m[1].toLowerCase(), file: relative(root, file) });
      }
    }
    expect(found.length).toBeGreaterThan(20);
    const problems = found.flatMap((f) => {
      const entry = byName.get(f.name);
      if (!entry) return [`${f.name} (${f.file}) has no row in docs/metrics.md`];
      return entry.type === f.type ? [] : [`${f.name} (${f.file}) is a ${f.type}, catalogued as a ${entry.type}`];
    });
    expect(problems).toEqual([]);
  });

  it('names only known processes and labels the non-zero expectations within them', () => {
    const known = ['all', 'gateway', 'docs', 'presence', 'chat', 'files', 'stats', 'notifications'];
    for (const e of catalogue) {
      expect(e.processes.filter((p) => !known.includes(p))).toEqual([]);
      const listed = e.processes.includes('all') ? known : e.processes;
      expect(e.nonZeroIn.filter((p) => !listed.includes(p))).toEqual([]);
    }
  });
});

describe('the scrape checks used by e2e/metrics.e2e.spec.ts', () => {
  const counter = { name: 'tandem_x_total', type: 'counter', labels: ['topic'], processes: ['all'], nonZeroIn: ['all'], meaning: 'x' } as const;
  const histogram = { name: 'tandem_h_seconds', type: 'histogram', labels: [], processes: ['all'], nonZeroIn: [], meaning: 'h' } as const;
  const parse = (text: string) => parseExposition(text);

  it('accept a plausible exposition', () => {
    const f = parse('# HELP tandem_x_total x\n# TYPE tandem_x_total counter\ntandem_x_total{topic="a",service="s"} 3\n');
    expect(checkFamily({ ...counter, labels: [...counter.labels], processes: [...counter.processes], nonZeroIn: [...counter.nonZeroIn] }, f.get('tandem_x_total'), true)).toEqual([]);
    const h = parse('# TYPE tandem_h_seconds histogram\ntandem_h_seconds_bucket{le="0.1"} 1\ntandem_h_seconds_bucket{le="+Inf"} 2\ntandem_h_seconds_sum 0.3\ntandem_h_seconds_count 2\n');
    expect(checkFamily({ ...histogram, labels: [], processes: ['all'], nonZeroIn: [] }, h.get('tandem_h_seconds'), true)).toEqual([]);
  });

  it('report a missing family, a wrong type, a missing label, a zero that should not be, and broken buckets', () => {
    const c = { ...counter, labels: [...counter.labels], processes: ['all'], nonZeroIn: ['all'] };
    expect(checkFamily(c, undefined, false)).toEqual(['tandem_x_total is not exposed']);
    expect(checkFamily(c, parse('# TYPE tandem_x_total gauge\ntandem_x_total{topic="a"} 1\n').get('tandem_x_total'), false)[0]).toMatch(/is a gauge, catalogued as a counter/);
    expect(checkFamily(c, parse('# TYPE tandem_x_total counter\ntandem_x_total 1\n').get('tandem_x_total'), false)[0]).toMatch(/lacks label\(s\) topic/);
    expect(checkFamily(c, parse('# TYPE tandem_x_total counter\ntandem_x_total{topic="a"} 0\n').get('tandem_x_total'), true)[0]).toMatch(/is zero/);
    const h = { ...histogram, labels: [], processes: ['all'], nonZeroIn: [] };
    const broken = parse('# TYPE tandem_h_seconds histogram\ntandem_h_seconds_bucket{le="0.1"} 3\ntandem_h_seconds_bucket{le="+Inf"} 2\ntandem_h_seconds_sum 0.3\ntandem_h_seconds_count 5\n');
    expect(checkFamily(h, broken.get('tandem_h_seconds'), false)).toEqual([expect.stringMatching(/bucket le=Infinity < le=0.1/), expect.stringMatching(/\+Inf bucket does not equal _count/)]);
  });
});
