/**
 * Files (issue 8):
 *   1. Preview generation time for typical images and PDFs, in the content worker process the files
 *      service uses, against a reference in the same run: the same thumbnails made by sharp in this
 *      process (the ratio is the cost of isolating untrusted content in a worker).
 *   2. Uploads per second the files service can take and verify (ticket → PUT to the presigned URL →
 *      complete: join, stat, first bytes, type by content), with CONCURRENCY clients, against a
 *      reference in the same run: raw PUTs of the same bytes to a presigned URL of the same store.
 * Runs the standalone process (embedded adapters, local-directory object store) on 127.0.0.1; bounded.
 *
 *   node -r ./scripts/register.js bench/files.ts        (RUNS=10 PHASE_SECONDS=10 CONCURRENCY=8 to change)
 */
import { signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { startProcess, stopAll } from '../e2e/support/processes';
import { ContentWorkers } from '../services/files/src/content/content-workers';
import { hugePng, onePagePdf } from '../services/files/src/testing/fixtures';
import { summarize } from './support/stats';

const RUNS = Number(process.env.RUNS ?? 10);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const limits = { maxPixels: 50_000_000, smallSide: 256, largeSide: 1024, snippetChars: 1000 };
const log = (msg: string) => process.stderr.write(`[bench:files] ${msg}\n`);

async function fixtures() {
  const noise = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
  return {
    'photo 4032x3024 JPEG': { bytes: await noise(4032, 3024).blur(2).jpeg({ quality: 85 }).toBuffer(), type: 'image/jpeg' },
    'phone photo 1920x1080 JPEG': { bytes: await noise(1920, 1080).blur(2).jpeg({ quality: 85 }).toBuffer(), type: 'image/jpeg' },
    'screenshot 1920x1080 PNG': {
      bytes: await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#f4f4f4' } })
        .composite([{ input: await noise(800, 400).png().toBuffer(), left: 100, top: 100 }])
        .png()
        .toBuffer(),
      type: 'image/png',
    },
    'PDF, 1 page': { bytes: onePagePdf('Quarterly report'), type: 'application/pdf' },
    'PDF, 50 pages': { bytes: onePagePdf('Handbook', 50), type: 'application/pdf' },
    'image bomb 20000x20000 PNG (generic preview)': { bytes: hugePng(), type: 'image/png' },
  };
}

async function previews() {
  const workers = new ContentWorkers({ size: 1, timeoutMs: 60_000 });
  const out: Record<string, unknown> = {};
  try {
    for (const [name, f] of Object.entries(await fixtures())) {
      await workers.preview(f.bytes, f.type, name, f.bytes.length, limits); // warm-up
      const times: number[] = [];
      let kind = '';
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        kind = (await workers.preview(f.bytes, f.type, name, f.bytes.length, limits)).preview.kind;
        times.push(performance.now() - t0);
      }
      const entry: Record<string, unknown> = { bytes: f.bytes.length, preview: kind, workerMs: summarize(times) };
      if (f.type.startsWith('image/') && kind === 'image') {
        const ref: number[] = [];
        for (let i = 0; i < RUNS + 1; i++) {
          const t0 = performance.now();
          for (const side of [1024, 256]) await sharp(f.bytes).rotate().resize(side, side, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 }).toBuffer();
          if (i > 0) ref.push(performance.now() - t0);
        }
        const refSummary = summarize(ref);
        entry.inProcessSharpMs = refSummary;
        entry.ratioP50 = Math.round(((entry.workerMs as { p50: number }).p50 / refSummary.p50) * 100) / 100;
      }
      out[name] = entry;
      log(`${name}: p50 ${(entry.workerMs as { p50: number }).p50} ms (${kind})${entry.ratioP50 ? `, ${entry.ratioP50}× in-process sharp` : ''}`);
    }
    out.workerPeakRssMiB = Math.round(workers.peakRssBytes / 1024 / 1024);
  } finally {
    await workers.close();
  }
  return out;
}

async function verification() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-files-'));
  const secret = 'bench-secret-bench-secret-bench-secret-00';
  const server = await startProcess('standalone', 'apps/standalone/src/main.ts', { DATA_DIR: dataDir, JWT_SECRET: secret, LOG_LEVEL: 'error' });
  const clients: TandemClient[] = [];
  try {
    const token = await signToken(secret, { sub: 'bench', tenant: 'bench' });
    const body = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#48c' } }).jpeg().toBuffer();
    const client = new TandemClient({ url: server.url, getToken: () => token });
    clients.push(client);
    const target = { kind: 'doc' as const, docId: 'bench-files' };
    // Reference: raw PUTs of the same bytes to one presigned URL of the same store (no ticket, no verification).
    const ticketRes = await fetch(`${server.url}/api/v1/files/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ref.jpg', size: body.length, type: 'image/jpeg', target }),
    });
    const ticket = (await ticketRes.json()) as { url: string };
    const loop = async (op: () => Promise<void>) => {
      let done = 0;
      const latencies: number[] = [];
      const until = Date.now() + PHASE_SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < until) {
            const t0 = performance.now();
            await op();
            latencies.push(performance.now() - t0);
            done++;
          }
        }),
      );
      return { perSecond: Math.round((done / PHASE_SECONDS) * 10) / 10, latencyMs: summarize(latencies) };
    };
    log(`reference: raw presigned PUTs for ${PHASE_SECONDS} s with ${CONCURRENCY} clients…`);
    const rawPut = await loop(async () => {
      const res = await fetch(ticket.url, { method: 'PUT', body: new Uint8Array(body) });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`PUT answered ${res.status}`);
    });
    log(`raw PUT: ${rawPut.perSecond}/s`);
    // Warm-up: worker processes started, code paths compiled.
    for (let i = 0; i < 20; i++) await client.files.upload(body, { name: `warm-${i}.jpg`, type: 'image/jpeg', target });
    log(`verified uploads (ticket, PUT, complete) for ${PHASE_SECONDS} s with ${CONCURRENCY} clients…`);
    let n = 0;
    const verified = await loop(async () => {
      const file = await client.files.upload(body, { name: `photo-${n++}.jpg`, type: 'image/jpeg', target });
      if (file.type !== 'image/jpeg') throw new Error(`detected ${file.type}`);
    });
    log(`verified uploads: ${verified.perSecond}/s`);
    return { bytesPerUpload: body.length, concurrency: CONCURRENCY, phaseSeconds: PHASE_SECONDS, rawPresignedPut: rawPut, verifiedUploads: verified, ratio: Math.round((verified.perSecond / rawPut.perSecond) * 100) / 100 };
  } finally {
    clients.forEach((c) => c.close());
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main() {
  log(`previews: ${RUNS} runs per file after a warm-up…`);
  const preview = await previews();
  const uploads = await verification();
  const result = {
    benchmark: 'files',
    command: 'node -r ./scripts/register.js bench/files.ts',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 1024 ** 3), node: process.version },
    config: { runs: RUNS, limits, target: 'content worker process (previews); standalone with the local-directory object store (uploads)' },
    previews: preview,
    uploads,
  };
  writeFileSync(join(__dirname, 'results', 'files.json'), JSON.stringify(result, null, 2) + '\n');
  log('written to bench/results/files.json');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
