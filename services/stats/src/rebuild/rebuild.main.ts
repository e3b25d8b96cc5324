// stats rebuild: rebuilds the stats projections (matches, player match lines, leaderboard entries,
// Redis ranks) from stats.ingest.v1 read from the beginning, and/or exports them as canonical JSON.
//
//   npm run stats:rebuild -- --yes [--database tandem_stats] [--export out.json] [--tenant acme]
//   npm run stats:rebuild -- --export-only out.json [--database tandem_stats] [--tenant acme]
//
// Reads KAFKA_BROKERS, MONGO_URL, REDIS_URL (and DATA_DIR in embedded mode) like the service.
// --yes          clear the projections of --database and rebuild them. Stop the stats service first
//                when rebuilding its own database, or rebuild another one side by side
//                (--database tandem_stats_rebuild; its ranks get their own Redis prefix).
// --export F     after the rebuild, write every projection (ranks included) to F as canonical JSON:
//                equal projections give equal bytes. --export-only F writes them without rebuilding.
// --definitions-from D   before rebuilding, copy the leaderboard definitions of database D (they are
//                made over HTTP, not carried by the topic; a side-by-side database starts without them).
// --tenant T     export only tenant T. Progress goes to stderr; exit 1 on any failure.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PlatformModule, loadConfig } from '@tandem/platform';
import { writeFileSync } from 'node:fs';
import { STATS_DATABASE, StatsModule, createStatsStore } from '../stats.module';
import { STATS_STORE, StatsStore } from '../store/stats-store.port';
import { canonicalJson } from '../store/stats-store.port';
import { RebuildProgress, StatsRebuildService } from './stats-rebuild.service';

const option = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const say = (line: string) => process.stderr.write(`[stats-rebuild] ${line}\n`);

function describe(p: RebuildProgress): string {
  const pct = p.total === 0 ? 100 : (100 * p.read) / p.total;
  const rate = p.elapsedMs > 0 ? Math.round((p.read * 1000) / p.elapsedMs) : 0;
  return `${p.read.toLocaleString('en')}/${p.total.toLocaleString('en')} records (${pct.toFixed(1)}%): ${p.applied.toLocaleString('en')} applied, ${p.duplicates.toLocaleString('en')} duplicates, ${p.invalid} invalid; ${rate.toLocaleString('en')}/s`;
}

async function main(): Promise<void> {
  const database = option('database') ?? STATS_DATABASE;
  const exportOnly = option('export-only');
  const exportTo = exportOnly ?? option('export');
  const tenant = option('tenant');
  if (!exportOnly && !flag('yes')) {
    say(`this clears the projections of database "${database}" and rebuilds them from stats.ingest.v1; pass --yes to go ahead (or --export-only <file> to only export)`);
    process.exit(2);
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env });
  @Module({ imports: [PlatformModule.forRoot({ service: 'stats-rebuild', config }), StatsModule.forRoot(config, { consume: false, database })], providers: [StatsRebuildService] })
  class RebuildApp {}
  const app = await NestFactory.createApplicationContext(RebuildApp, { logger: false });
  try {
    const rebuild = app.get(StatsRebuildService);
    const from = option('definitions-from');
    if (from && !exportOnly) {
      const source = await createStatsStore(config, from);
      try {
        const target = app.get<StatsStore>(STATS_STORE);
        const definitions = await source.allDefinitions();
        for (const d of definitions) await target.saveDefinition(d.tenant, d.definition);
        say(`copied ${definitions.length} leaderboard definitions from database "${from}"`);
      } finally {
        await source.close();
      }
    }
    if (!exportOnly) {
      say(`rebuilding database "${database}" from stats.ingest.v1 (from the beginning)…`);
      let last = 0;
      const final = await rebuild.rebuild((p) => {
        if (Date.now() - last < 500) return;
        last = Date.now();
        say(describe(p));
      });
      say(`done in ${(final.elapsedMs / 1000).toFixed(1)}s: ${describe(final)}`);
    }
    if (exportTo) {
      const json = canonicalJson(await rebuild.exportProjections(tenant));
      writeFileSync(exportTo, json);
      say(`exported the projections${tenant ? ` of tenant ${tenant}` : ''} to ${exportTo} (${json.length.toLocaleString('en')} bytes)`);
    }
  } finally {
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    say(`failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
