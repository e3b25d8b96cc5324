import { readMetricsCatalogue } from '@tandem/platform/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const catalogue = new Map(readMetricsCatalogue().map((e) => [e.name, e]));

/** The catalogued metrics a PromQL expression uses; unknown names are returned as problems. */
function unknownMetrics(expr: string): string[] {
  const unknown: string[] = [];
  for (const [name] of expr.matchAll(/\btandem_[a-z0-9_]+/g)) {
    if (catalogue.has(name)) continue;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    if (base !== name && catalogue.get(base)?.type === 'histogram') continue;
    unknown.push(name);
  }
  return unknown;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
}

const dashboardDir = join(root, 'deploy', 'grafana');
const dashboards = readdirSync(dashboardDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as { uid: string; title: string; panels: Panel[] } }));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (parse(readFileSync(join(root, 'deploy', 'prometheus', 'tandem.rules.yml'), 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);

describe('Grafana dashboards (deploy/grafana)', () => {
  it('are what dashboards.mjs generates (not edited by hand, not stale)', () => {
    const r = spawnSync(process.execPath, [join(dashboardDir, 'dashboards.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('cover the platform, the gateway, every service and Kafka lag', () => {
    const uids = dashboards.map((d) => d.json.uid).sort();
    expect(uids).toEqual(
      ['tandem-gateway', 'tandem-kafka-lag', 'tandem-overview', ...['chat', 'docs', 'files', 'notifications', 'presence', 'stats'].map((s) => `tandem-service-${s}`)].sort(),
    );
  });

  it.each(dashboards.map((d) => [d.file, d.json] as const))('%s uses only catalogued metrics, in panels with unique ids and a query each', (_file, json) => {
    const ids = json.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const problems: string[] = [];
    for (const p of json.panels.filter((x) => x.type !== 'row')) {
      if (!p.targets?.length) problems.push(`panel "${p.title}" has no query`);
      for (const t of p.targets ?? []) {
        if (!/\btandem_/.test(t.expr)) problems.push(`panel "${p.title}" queries no tandem_ metric: ${t.expr}`);
        for (const m of unknownMetrics(t.expr)) problems.push(`panel "${p.title}" uses ${m}, which docs/metrics.md does not list`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('Prometheus rules (deploy/prometheus/tandem.rules.yml)', () => {
  it('use only catalogued metrics', () => {
    expect(rules.length).toBeGreaterThan(5);
    expect(rules.flatMap((r) => unknownMetrics(r.expr).map((m) => `${r.alert ?? r.record} uses ${m}, which docs/metrics.md does not list`))).toEqual([]);
  });

  it('alert on consumer lag growth, error rates, gateway saturation and presence expiry storms', () => {
    const alerts = rules.filter((r) => r.alert).map((r) => r.alert);
    expect(alerts).toEqual(expect.arrayContaining(['TandemConsumerLagGrowing', 'TandemPublishFailures', 'TandemConsumerBatchesFailing', 'TandemGatewayEventLoopSaturated', 'TandemPresenceExpiryStorm']));
  });

  it('give every alert a severity, a summary and a runbook that exists in docs/runbooks', () => {
    const problems: string[] = [];
    for (const r of rules.filter((x) => x.alert)) {
      if (!['info', 'warning', 'critical'].includes(r.labels?.severity ?? '')) problems.push(`${r.alert}: severity should be info, warning or critical`);
      if (!r.annotations?.summary) problems.push(`${r.alert}: no summary`);
      const link = /\/docs\/runbooks\/([a-z0-9-]+\.md)$/.exec(r.annotations?.runbook_url ?? '');
      if (!link) problems.push(`${r.alert}: runbook_url should point at docs/runbooks/<name>.md`);
      else {
        const file = join(root, 'docs', 'runbooks', link[1]);
        if (!existsSync(file)) problems.push(`${r.alert}: ${link[1]} does not exist`);
        else if (!readFileSync(file, 'utf8').includes(`**${r.alert}**`)) problems.push(`${r.alert}: ${link[1]} does not mention it`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('are each explained in docs/operations.md, with the runbook the rule links', () => {
    const operations = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
    const rows = new Map([...operations.matchAll(/^\| (Tandem\w+) \|.*\]\(runbooks\/([a-z0-9-]+\.md)\) \|$/gm)].map((m) => [m[1], m[2]]));
    const alerts = rules.filter((r) => r.alert);
    expect(alerts.map((r) => `${r.alert} → ${rows.get(r.alert!) ?? 'no row'}`)).toEqual(alerts.map((r) => `${r.alert} → ${/([a-z0-9-]+\.md)$/.exec(r.annotations?.runbook_url ?? '')?.[1]}`));
    expect([...rows.keys()].sort()).toEqual(alerts.map((r) => r.alert).sort());
  });
});
