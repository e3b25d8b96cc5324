// MinIO (S3-compatible object store), built from source through the Go module
// proxy with `go install github.com/minio/minio@<pinned pseudo-version>`.
//
// Upstream publishes no semver tags usable by `go install`, so the version is
// pinned to the pseudo-version that `go list -m -json github.com/minio/minio@latest`
// resolved when this file was written. To move it, run that command and paste
// the "Version" here (the cache key changes with it, so every machine rebuilds).
//
// Build time measured on the 2-core / 24 GiB dev machine (Go 1.26.8, -p=2,
// empty Go module and build caches): 137 s alone, 204 s under other load,
// 251 s when built at the same time as FerretDB; ~230 Go modules downloaded,
// peak RSS ~1.5 GB (the link), binary 150 MB. Warm: 0 s (cached binary).
// Start to /minio/health/ready: 0.4-1.2 s. See README.md.

import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  ensureEntry,
  entryDir,
  freePorts,
  InfraError,
  requireTool,
  run,
  spawnServer,
  tailFile,
  waitUntil,
} from './cache.mjs';

export const NAME = 's3';
export const MODULE = 'github.com/minio/minio';
export const VERSION = 'v0.0.0-20260212201848-7aac2a2c5b7c';
export const LABEL = `MinIO ${VERSION}`;
export const DESCRIPTION = `MinIO ${VERSION}`;

const ACCESS_KEY = 'tandemtest';
const SECRET_KEY = 'tandemtest-secret';
const REGION = 'us-east-1';

function goEnv(dir) {
  return {
    ...process.env,
    GOBIN: dir,
    CGO_ENABLED: '0',
    GOTOOLCHAIN: 'local',
    // -p=2: at most two packages compiled at once on the 2-core machines.
    GOFLAGS: [process.env.GOFLAGS || '', '-p=2', '-trimpath', '-buildvcs=false'].join(' ').trim(),
  };
}

export function binPath() {
  return path.join(entryDir('minio', VERSION), 'minio');
}

export async function ensure() {
  return ensureEntry({
    server: 'minio',
    version: VERSION,
    label: 's3',
    preflight: () => requireTool('go', 'build MinIO from the Go module proxy', 'a Go toolchain >= 1.24 (https://go.dev/doc/install)'),
    build: async (dir) => {
      await run('go', ['install', `${MODULE}@${VERSION}`], {
        label: 's3',
        step: `building MinIO ${VERSION} with 'go install' from the Go module proxy (takes several minutes on 2 cores)`,
        short: 'go install (MinIO)',
        quietDownloads: true,
        env: goEnv(dir),
        cwd: dir,
      });
      await fsp.access(path.join(dir, 'minio')).catch(() => {
        throw new InfraError(`s3: 'go install' finished but ${path.join(dir, 'minio')} is missing`);
      });
    },
  });
}

/**
 * Start MinIO on free ports. Returns { env, url, stop() }.
 */
export async function start({ dataDir }) {
  const dir = await ensure();
  const bin = path.join(dir, 'minio');
  await fsp.mkdir(path.join(dataDir, 'data'), { recursive: true });
  const logFile = path.join(dataDir, 'minio.log');
  const [port, consolePort] = await freePorts(2);
  const { child, stop } = spawnServer({
    label: 's3',
    cmd: bin,
    args: [
      'server',
      '--quiet',
      '--address', `127.0.0.1:${port}`,
      '--console-address', `127.0.0.1:${consolePort}`,
      path.join(dataDir, 'data'),
    ],
    env: {
      ...process.env,
      MINIO_ROOT_USER: ACCESS_KEY,
      MINIO_ROOT_PASSWORD: SECRET_KEY,
      MINIO_BROWSER: 'off',
      MINIO_UPDATE: 'off',
      MINIO_REGION: REGION,
      MINIO_CONFIG_ENV_FILE: '',
      HOME: dataDir, // keeps ~/.minio (certs dir) inside the temp data dir
    },
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () => {
        const res = await fetch(`${url}/minio/health/ready`, { signal: AbortSignal.timeout(1000) });
        return res.ok;
      },
      { label: 's3', what: `MinIO ready at ${url}/minio/health/ready`, timeoutMs: 60_000, child, describe: () => tailFile(logFile) },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    url,
    env: {
      S3_ENDPOINT: url,
      S3_ACCESS_KEY: ACCESS_KEY,
      S3_SECRET_KEY: SECRET_KEY,
      S3_REGION: REGION,
    },
    description: `MinIO ${VERSION}`,
    pid: child.pid,
    child,
    logFile,
    stop,
  };
}

