// FerretDB v1.24 (MongoDB wire protocol on SQLite), built from the Go module
// proxy. The Go program is the small wrapper in ./ferretdb-main (main.go, with
// go.mod/go.sum pinning github.com/FerretDB/FerretDB v1.24.2 and all its
// dependencies); it is compiled once per machine into the infra cache.
//
// The cache key includes a hash of the wrapper's files, so editing main.go or
// bumping the version in go.mod rebuilds automatically.

import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensureEntry,
  entryDir,
  freePort,
  InfraError,
  requireTool,
  run,
  spawnServer,
  tailFile,
  waitUntil,
} from './cache.mjs';

export const NAME = 'mongo';
export const VERSION = 'v1.24.2';
export const DESCRIPTION = `FerretDB ${VERSION} (SQLite backend)`;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(HERE, 'ferretdb-main');
const SRC_FILES = ['main.go', 'go.mod', 'go.sum'];
const BIN = 'tandem-ferretdb';

function srcHash() {
  const h = crypto.createHash('sha256');
  for (const f of SRC_FILES) h.update(f).update('\0').update(fs.readFileSync(path.join(SRC, f)));
  return h.digest('hex').slice(0, 10);
}

function cacheVersion() {
  const gomod = fs.readFileSync(path.join(SRC, 'go.mod'), 'utf8');
  const m = gomod.match(/github\.com\/FerretDB\/FerretDB (v\S+)/);
  if (!m || m[1] !== VERSION) {
    throw new InfraError(`mongo: ${SRC}/go.mod pins FerretDB ${m ? m[1] : '(nothing)'} but ferretdb.mjs says ${VERSION}; keep them in step`);
  }
  return `${VERSION}-${srcHash()}`;
}

export function binPath() {
  return path.join(entryDir('ferretdb', cacheVersion()), BIN);
}

export async function ensure() {
  return ensureEntry({
    server: 'ferretdb',
    version: cacheVersion(),
    label: 'mongo',
    preflight: () => requireTool('go', 'build FerretDB from the Go module proxy', 'a Go toolchain >= 1.24 (https://go.dev/doc/install)'),
    build: async (dir) => {
      const src = path.join(dir, 'src');
      await fsp.mkdir(src, { recursive: true });
      for (const f of SRC_FILES) await fsp.copyFile(path.join(SRC, f), path.join(src, f));
      await run('go', ['build', '-o', path.join(dir, BIN), '.'], {
        label: 'mongo',
        step: `building FerretDB ${VERSION} (SQLite backend) from the Go module proxy`,
        short: 'go build (FerretDB)',
        quietDownloads: true,
        cwd: src,
        env: {
          ...process.env,
          CGO_ENABLED: '0',
          GOTOOLCHAIN: 'local',
          GOFLAGS: [process.env.GOFLAGS || '', '-p=2', '-mod=readonly', '-trimpath', '-buildvcs=false'].join(' ').trim(),
        },
      });
    },
  });
}

// --- minimal MongoDB wire protocol (OP_MSG) ping, so readiness is checked
// --- for real without any npm dependency.

function bsonPingAdmin() {
  const parts = [];
  // int32 ping: 1
  parts.push(Buffer.from([0x10]), Buffer.from('ping\0'), int32(1));
  // string $db: "admin"
  const s = Buffer.from('admin\0');
  parts.push(Buffer.from([0x02]), Buffer.from('$db\0'), int32(s.length), s);
  const body = Buffer.concat(parts);
  return Buffer.concat([int32(body.length + 5), body, Buffer.from([0])]);
}

function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

/** Read top-level field `ok` of a BSON document (double/int32/int64/bool). */
function bsonOk(doc) {
  let i = 4;
  while (i < doc.length - 1) {
    const type = doc[i++];
    const end = doc.indexOf(0, i);
    const name = doc.toString('utf8', i, end);
    i = end + 1;
    let val;
    switch (type) {
      case 0x01: val = doc.readDoubleLE(i); i += 8; break;
      case 0x10: val = doc.readInt32LE(i); i += 4; break;
      case 0x12: val = Number(doc.readBigInt64LE(i)); i += 8; break;
      case 0x08: val = doc[i] ? 1 : 0; i += 1; break;
      case 0x02: i += 4 + doc.readInt32LE(i); break;
      case 0x03: case 0x04: i += doc.readInt32LE(i); break;
      case 0x05: i += 5 + doc.readInt32LE(i); break;
      case 0x07: i += 12; break;
      case 0x09: case 0x11: i += 8; break;
      case 0x0a: break;
      default: return undefined;
    }
    if (name === 'ok') return val;
  }
  return undefined;
}

/** Send `{ping: 1}` to admin over OP_MSG; resolves true when ok == 1. */
export function mongoPing(port, host = '127.0.0.1', timeoutMs = 2000) {
  return new Promise((resolve) => {
    const doc = bsonPingAdmin();
    const header = Buffer.alloc(16);
    const msgLen = 16 + 4 + 1 + doc.length;
    header.writeInt32LE(msgLen, 0);
    header.writeInt32LE(1, 4); // requestID
    header.writeInt32LE(0, 8); // responseTo
    header.writeInt32LE(2013, 12); // OP_MSG
    const msg = Buffer.concat([header, int32(0), Buffer.from([0]), doc]);
    const sock = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write(msg));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readInt32LE(0);
      if (buf.length < len) return;
      const opCode = buf.readInt32LE(12);
      if (opCode !== 2013 || buf[20] !== 0) return done(false);
      const body = buf.subarray(21, len);
      done(bsonOk(body) === 1);
    });
  });
}

/** Start FerretDB on a free port. Returns { env, url, stop() }. */
export async function start({ dataDir }) {
  const dir = await ensure();
  const bin = path.join(dir, BIN);
  const sqliteDir = path.join(dataDir, 'sqlite');
  await fsp.mkdir(sqliteDir, { recursive: true });
  const logFile = path.join(dataDir, 'ferretdb.log');
  const port = await freePort();
  const { child, stop } = spawnServer({
    label: 'mongo',
    cmd: bin,
    args: ['-listen-addr', `127.0.0.1:${port}`, '-sqlite-dir', sqliteDir, '-log-level', 'warn'],
    env: { ...process.env, HOME: dataDir },
    cwd: dataDir,
    logFile,
  });
  try {
    await waitUntil(() => mongoPing(port), {
      label: 'mongo',
      what: `FerretDB to answer ping on 127.0.0.1:${port}`,
      timeoutMs: 30_000,
      child,
      describe: () => tailFile(logFile),
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const url = `mongodb://127.0.0.1:${port}/`;
  return { url, env: { MONGO_URL: url }, description: DESCRIPTION, pid: child.pid, child, logFile, stop };
}
