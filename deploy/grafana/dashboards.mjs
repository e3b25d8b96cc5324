#!/usr/bin/env node
// Writes Tandem's Grafana dashboards (deploy/grafana/*.json) from the definitions below:
//   node deploy/grafana/dashboards.mjs          rewrite the JSON files
//   node deploy/grafana/dashboards.mjs --check  exit 1 if a committed file differs (deploy/test checks this too)
// Every metric used must be in docs/metrics.md (deploy/test/dashboards.spec.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['docs', 'presence', 'chat', 'files', 'stats', 'notifications'];

let nextId = 1;
const ds = { type: 'prometheus', uid: '${datasource}' };

/** A time series panel; targets are [expr, legend] pairs. */
function ts(title, targets, { unit = 'short', w = 12, h = 8, description = '', stack = false } = {}) {
  return {
    id: nextId++,
    type: 'timeseries',
    title,
    description,
    datasource: ds,
    gridPos: { w, h, x: 0, y: 0 },
    fieldConfig: { defaults: { unit, custom: { fillOpacity: stack ? 30 : 10, stacking: { mode: stack ? 'normal' : 'none' } } }, overrides: [] },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi' } },
    targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), datasource: ds, expr, legendFormat })),
  };
}

/** A single-number panel. */
function stat(title, expr, { unit = 'short', w = 6, h = 4, description = '' } = {}) {
  return {
    id: nextId++,
    type: 'stat',
    title,
    description,
    datasource: ds,
    gridPos: { w, h, x: 0, y: 0 },
    fieldConfig: { defaults: { unit }, overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'value', graphMode: 'area' },
    targets: [{ refId: 'A', datasource: ds, expr, instant: false }],
  };
}

function row(title) {
  return { id: nextId++, type: 'row', title, collapsed: false, gridPos: { w: 24, h: 1, x: 0, y: 0 }, panels: [] };
}

/** Lays panels out left to right, wrapping at 24 columns. */
function layout(panels) {
  let x = 0;
  let y = 0;
  let rowH = 0;
  for (const p of panels) {
    if (p.type === 'row' || x + p.gridPos.w > 24) {
      y += rowH;
      x = 0;
      rowH = 0;
    }
    p.gridPos.x = x;
    p.gridPos.y = y;
    x += p.gridPos.w;
    rowH = Math.max(rowH, p.gridPos.h);
    if (p.type === 'row') {
      y += 1;
      x = 0;
      rowH = 0;
    }
  }
  return panels;
}

function dashboard(uid, title, description, panels, extraVars = []) {
  nextId = 1;
  const built = panels();
  return {
    uid,
    title,
    description,
    tags: ['tandem'],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-3h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 },
        ...extraVars,
      ],
    },
    links: [{ title: 'Tandem', type: 'dashboards', tags: ['tandem'], asDropdown: true }],
    annotations: { list: [] },
    panels: layout(built),
  };
}

const q = (s) => s.replace(/\s+/g, ' ').trim();
const svc = (name) => `service="${name}"`;

/** Panels every service has: runtime, bus in/out, lag of its groups, store. */
function commonPanels(name) {
  const s = svc(name);
  return [
    row('Kafka'),
    ts('Records consumed / s, by topic', [[`sum by (topic) (rate(tandem_bus_consumed_total{${s}}[$__rate_interval]))`, '{{topic}}']], { unit: 'ops', w: 8 }),
    ts('Batch time p99, by topic', [[`histogram_quantile(0.99, sum by (topic, le) (rate(tandem_bus_batch_seconds_bucket{${s}}[$__rate_interval])))`, '{{topic}}']], { unit: 's', w: 8 }),
    ts('Failed batches / s', [[`sum by (topic) (rate(tandem_bus_batch_failures_total{${s}}[$__rate_interval]))`, '{{topic}}'], [`sum by (topic) (rate(tandem_bus_invalid_records_total{${s}}[$__rate_interval]))`, 'invalid {{topic}}']], { unit: 'ops', w: 8 }),
    ts('Consumer lag, by group and topic', [[`sum by (group, topic) (max by (group, topic, partition) (tandem_bus_consumer_lag{${s}}))`, '{{group}} {{topic}}']], { w: 8 }),
    ts('Records published / s, by topic', [[`sum by (topic) (rate(tandem_bus_published_total{${s}}[$__rate_interval]))`, '{{topic}}'], [`sum by (topic) (rate(tandem_bus_publish_failures_total{${s}}[$__rate_interval]))`, 'failed {{topic}}']], { unit: 'ops', w: 8 }),
    ts('Publish latency p50 / p99 (Kafka acks=all)', [
      [`histogram_quantile(0.5, sum by (le) (rate(tandem_bus_publish_seconds_bucket{${s}}[$__rate_interval])))`, 'p50'],
      [`histogram_quantile(0.99, sum by (le) (rate(tandem_bus_publish_seconds_bucket{${s}}[$__rate_interval])))`, 'p99'],
    ], { unit: 's', w: 8 }),
    row('Store'),
    ts('Store latency p99, by operation', [[`histogram_quantile(0.99, sum by (operation, le) (rate(tandem_store_seconds_bucket{${s}}[$__rate_interval])))`, '{{operation}}']], { unit: 's' }),
    ts('Store operations / s, by operation', [[`sum by (operation) (rate(tandem_store_seconds_count{${s}}[$__rate_interval]))`, '{{operation}}']], { unit: 'ops' }),
    ...runtimePanels(s),
  ];
}

function runtimePanels(selector) {
  return [
    row('Runtime'),
    ts('CPU, by pod', [[`sum by (instance) (rate(tandem_process_cpu_seconds_total{${selector}}[$__rate_interval]))`, '{{instance}}']], { unit: 'percentunit', w: 8 }),
    ts('Resident memory and heap, by pod', [[`sum by (instance) (tandem_process_resident_memory_bytes{${selector}})`, 'rss {{instance}}'], [`sum by (instance) (tandem_nodejs_heap_size_used_bytes{${selector}})`, 'heap {{instance}}']], { unit: 'bytes', w: 8 }),
    ts('Event loop delay p99, by pod', [[`max by (instance) (tandem_nodejs_eventloop_lag_p99_seconds{${selector}})`, '{{instance}}']], { unit: 's', w: 8 }),
    ts('GC pauses / s, by kind', [[`sum by (kind) (rate(tandem_nodejs_gc_duration_seconds_sum{${selector}}[$__rate_interval]))`, '{{kind}}']], { unit: 's', w: 8 }),
    ts('Open file descriptors, by pod', [[`max by (instance) (tandem_process_open_fds{${selector}})`, '{{instance}}']], { w: 8 }),
    ts('Active handles, by pod', [[`max by (instance) (tandem_nodejs_active_handles_total{${selector}})`, '{{instance}}']], { w: 8 }),
  ];
}

const SPECIFIC = {
  docs: () => [
    row('Documents'),
    ts('CRDT merge time p50 / p99', [
      [`histogram_quantile(0.5, sum by (le) (rate(tandem_crdt_merge_seconds_bucket{${svc('docs')}}[$__rate_interval])))`, 'p50'],
      [`histogram_quantile(0.99, sum by (le) (rate(tandem_crdt_merge_seconds_bucket{${svc('docs')}}[$__rate_interval])))`, 'p99'],
    ], { unit: 's', w: 8 }),
    ts('Changes merged per batch (mean, p99)', [
      [`sum(rate(tandem_crdt_merge_batch_size_sum{${svc('docs')}}[$__rate_interval])) / sum(rate(tandem_crdt_merge_batch_size_count{${svc('docs')}}[$__rate_interval]))`, 'mean'],
      [`histogram_quantile(0.99, sum by (le) (rate(tandem_crdt_merge_batch_size_bucket{${svc('docs')}}[$__rate_interval])))`, 'p99'],
    ], { w: 8, description: 'Bigger batches under load are the design working: one merge per document per batch.' }),
    ts('Merges / s', [[`sum(rate(tandem_crdt_merge_seconds_count{${svc('docs')}}[$__rate_interval]))`, 'merges']], { unit: 'ops', w: 8 }),
  ],
  presence: () => [
    row('Presence'),
    stat('Online users', `max(tandem_presence_online_users)`, { w: 6 }),
    stat('Live connections', `max(tandem_presence_live_connections)`, { w: 6 }),
    ts('Expirations / s, by kind', [[`sum by (kind) (rate(tandem_presence_expirations_total[$__rate_interval]))`, '{{kind}}']], { unit: 'ops', w: 12, description: 'kind="connection": connections that stopped heartbeating (crashed gateways).' }),
    ts('Presence events published / s, by type', [[`sum by (type) (rate(tandem_presence_events_published_total[$__rate_interval]))`, '{{type}}']], { unit: 'ops', w: 24 }),
  ],
  files: () => [
    row('Object store'),
    ts('Object store latency p99, by operation', [[`histogram_quantile(0.99, sum by (operation, le) (rate(tandem_object_store_seconds_bucket{${svc('files')}}[$__rate_interval])))`, '{{operation}}']], { unit: 's' }),
    ts('Object store operations / s', [[`sum by (operation) (rate(tandem_object_store_seconds_count{${svc('files')}}[$__rate_interval]))`, '{{operation}}']], { unit: 'ops' }),
  ],
};

const dashboards = {
  'tandem-overview.json': dashboard('tandem-overview', 'Tandem / Platform overview', 'Every Tandem process: connections, traffic, Kafka, errors, saturation.', () => [
    stat('Connected sockets', `sum(tandem_socket_connections{${svc('gateway')}})`),
    stat('Online users', 'max(tandem_presence_online_users)'),
    stat('Client messages / s', `sum(rate(tandem_messages_in_total{${svc('gateway')}}[$__rate_interval]))`, { unit: 'ops' }),
    stat('Fan-out p99', `histogram_quantile(0.99, sum by (le) (rate(tandem_fanout_latency_seconds_bucket{${svc('gateway')}}[$__rate_interval])))`, { unit: 's' }),
    row('Traffic'),
    ts('Messages in / out per second', [[`sum(rate(tandem_messages_in_total{${svc('gateway')}}[$__rate_interval]))`, 'in'], [`sum(rate(tandem_messages_out_total{${svc('gateway')}}[$__rate_interval]))`, 'out']], { unit: 'ops' }),
    ts('Records published / s, by service', [[`sum by (service) (rate(tandem_bus_published_total[$__rate_interval]))`, '{{service}}']], { unit: 'ops', stack: true }),
    row('Health'),
    ts('Consumer lag, by group', [[q(`sum by (group) (max by (group, topic, partition) (tandem_bus_consumer_lag))`), '{{group}}']]),
    ts('Errors / s', [
      [`sum by (service) (rate(tandem_bus_publish_failures_total[$__rate_interval]))`, 'publish failed {{service}}'],
      [`sum by (service) (rate(tandem_bus_batch_failures_total[$__rate_interval]))`, 'batch failed {{service}}'],
      [`sum by (service) (rate(tandem_bus_invalid_records_total[$__rate_interval]))`, 'invalid record {{service}}'],
    ], { unit: 'ops' }),
    ts('CPU, by service', [[`sum by (service) (rate(tandem_process_cpu_seconds_total[$__rate_interval]))`, '{{service}}']], { unit: 'percentunit', stack: true }),
    ts('Event loop delay p99, worst pod per service', [[`max by (service) (tandem_nodejs_eventloop_lag_p99_seconds)`, '{{service}}']], { unit: 's' }),
    ts('Resident memory, by service', [[`sum by (service) (tandem_process_resident_memory_bytes)`, '{{service}}']], { unit: 'bytes', stack: true }),
    ts('Limit rejections and kicks / s', [[`sum by (limit) (rate(tandem_limit_rejections_total[$__rate_interval]))`, '{{limit}}'], [`sum by (reason) (rate(tandem_kicks_total[$__rate_interval]))`, 'kick {{reason}}']], { unit: 'ops' }),
  ]),
  'tandem-gateway.json': dashboard('tandem-gateway', 'Tandem / Gateway', 'Socket.IO gateways: sockets, rooms, messages, fan-out, limits, saturation.', () => {
    const s = svc('gateway');
    return [
      stat('Sockets', `sum(tandem_socket_connections{${s}})`),
      stat('Rooms (sum over pods)', `sum(tandem_socket_rooms{${s}})`),
      stat('Command publish p99', `histogram_quantile(0.99, sum by (le) (rate(tandem_bus_publish_seconds_bucket{${s}}[$__rate_interval])))`, { unit: 's' }),
      stat('Fan-out p99', `histogram_quantile(0.99, sum by (le) (rate(tandem_fanout_latency_seconds_bucket{${s}}[$__rate_interval])))`, { unit: 's' }),
      row('Sockets'),
      ts('Sockets, by pod', [[`sum by (instance) (tandem_socket_connections{${s}})`, '{{instance}}']]),
      ts('Rooms, by pod', [[`sum by (instance) (tandem_socket_rooms{${s}})`, '{{instance}}']]),
      row('Messages'),
      ts('Messages in / s, by type and outcome', [[`sum by (type, outcome) (rate(tandem_messages_in_total{${s}}[$__rate_interval]))`, '{{type}} {{outcome}}']], { unit: 'ops' }),
      ts('Events out / s, by type', [[`sum by (type) (rate(tandem_messages_out_total{${s}}[$__rate_interval]))`, '{{type}}']], { unit: 'ops' }),
      ts('Fan-out latency p50 / p99, by type', [
        [`histogram_quantile(0.5, sum by (type, le) (rate(tandem_fanout_latency_seconds_bucket{${s}}[$__rate_interval])))`, 'p50 {{type}}'],
        [`histogram_quantile(0.99, sum by (type, le) (rate(tandem_fanout_latency_seconds_bucket{${s}}[$__rate_interval])))`, 'p99 {{type}}'],
      ], { unit: 's', description: "From the producing service's event time to the emit on this gateway." }),
      ts('Command publish latency p50 / p99 (until Kafka acks)', [
        [`histogram_quantile(0.5, sum by (topic, le) (rate(tandem_bus_publish_seconds_bucket{${s}}[$__rate_interval])))`, 'p50 {{topic}}'],
        [`histogram_quantile(0.99, sum by (topic, le) (rate(tandem_bus_publish_seconds_bucket{${s}}[$__rate_interval])))`, 'p99 {{topic}}'],
      ], { unit: 's' }),
      row('Limits and access'),
      ts('Limit rejections / s, by limit', [[`sum by (limit) (rate(tandem_limit_rejections_total{${s}}[$__rate_interval]))`, '{{limit}}']], { unit: 'ops', w: 8 }),
      ts('Kicks / s, by reason', [[`sum by (reason) (rate(tandem_kicks_total{${s}}[$__rate_interval]))`, '{{reason}}']], { unit: 'ops', w: 8 }),
      ts('ACL change applied p99', [[`histogram_quantile(0.99, sum by (le) (rate(tandem_acl_change_seconds_bucket{${s}}[$__rate_interval])))`, 'p99']], { unit: 's', w: 8 }),
      ts('Cursor updates / s: superseded, and resent at rest', [[`sum(rate(tandem_cursor_updates_dropped_total{${s}}[$__rate_interval]))`, 'superseded'], [`sum(rate(tandem_cursor_settles_total{${s}}[$__rate_interval]))`, 'resent at rest']], { unit: 'ops', w: 8 }),
      ts('Gateway consumer lag, by pod group', [[`sum by (group) (tandem_bus_consumer_lag{${s}})`, '{{group}}']], { w: 16 }),
      ...runtimePanels(s),
    ];
  }),
  'tandem-kafka-lag.json': dashboard('tandem-kafka-lag', 'Tandem / Kafka lag', 'Consumer lag per group, topic and partition, with the consume and commit rates that explain it.', () => [
    ts('Lag, by group and topic', [[`sum by (group, topic) (max by (group, topic, partition) (tandem_bus_consumer_lag{group=~"$group"}))`, '{{group}} {{topic}}']], { w: 24 }),
    ts('Lag, by partition', [[`max by (group, topic, partition) (tandem_bus_consumer_lag{group=~"$group"})`, '{{group}} {{topic}}/{{partition}}']], { w: 24, h: 10 }),
    ts('Consumed / s, by group', [[`sum by (group) (rate(tandem_bus_consumed_total{group=~"$group"}[$__rate_interval]))`, '{{group}}']], { unit: 'ops' }),
    ts('Produced / s, by topic', [[`sum by (topic) (rate(tandem_bus_published_total[$__rate_interval]))`, '{{topic}}']], { unit: 'ops' }),
    ts('Batch time p99, by group', [[`histogram_quantile(0.99, sum by (group, le) (rate(tandem_bus_batch_seconds_bucket{group=~"$group"}[$__rate_interval])))`, '{{group}}']], { unit: 's' }),
    ts('Failed batches / s, by group', [[`sum by (group) (rate(tandem_bus_batch_failures_total{group=~"$group"}[$__rate_interval]))`, '{{group}}']], { unit: 'ops' }),
  ], [
    { name: 'group', label: 'Consumer group', type: 'query', datasource: ds, query: { query: 'label_values(tandem_bus_consumer_lag, group)', refId: 'groups' }, definition: 'label_values(tandem_bus_consumer_lag, group)', includeAll: true, multi: true, allValue: '.*', current: {}, refresh: 2, hide: 0 },
  ]),
};
for (const name of SERVICES) {
  dashboards[`tandem-service-${name}.json`] = dashboard(`tandem-service-${name}`, `Tandem / Service: ${name}`, `The ${name} service: Kafka in and out, consumer lag, store, runtime.`, () => [...(SPECIFIC[name]?.() ?? []), ...commonPanels(name)]);
}

export { dashboards };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, json] of Object.entries(dashboards)) {
    const text = JSON.stringify(json, null, 2) + '\n';
    const path = join(here, file);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing */
      }
      if (current !== text) {
        console.error(`deploy/grafana/${file} is stale: run node deploy/grafana/dashboards.mjs`);
        stale++;
      }
    } else writeFileSync(path, text);
  }
  if (stale) process.exit(1);
  console.log(`${check ? 'checked' : 'wrote'} ${Object.keys(dashboards).length} dashboards in deploy/grafana`);
}
