/**
 * SDK bundle size (issue 10): what `@tandem/sdk` adds to an application, bundled for browsers the
 * way an app's bundler would (Vite/Rolldown, ES2022, minified, everything the SDK imports included),
 * against a reference bundled in the same run the same way: socket.io-client alone, the SDK's
 * transport. The documents API brings Automerge (JS and its WebAssembly, counted apart). Also the whole web app (apps/web) for context. Sizes are raw, gzip -9 and brotli.
 *
 *   node -r ./scripts/register.js bench/sdk-bundle.ts
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = join(__dirname, '..');
const log = (msg: string) => process.stderr.write(`[bench:sdk-bundle] ${msg}\n`);
type Sizes = { raw: number; gzip: number; brotli: number };

function sizesOf(code: Buffer): Sizes {
  return { raw: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
}

type Bundle = { js: Sizes; wasm: Sizes | null };

/**
 * Bundles `source` (an entry module's text) into minified ES modules as an app build does (not lib
 * mode, which inlines assets as base64): the JavaScript, and the WebAssembly it loads (Automerge).
 */
async function bundle(name: string, source: string): Promise<Bundle> {
  const { build } = await (new Function('m', 'return import(m)') as (m: string) => Promise<{ build: (config: object) => Promise<unknown> }>)('vite');
  // Inside the repository, so the entry resolves packages from its node_modules like an app's would.
  mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(root, 'node_modules/.cache', `sdk-bundle-${name}-`));
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      base: './',
      resolve: { alias: { '@tandem/sdk': join(root, 'libs/sdk/src/index.ts') } },
      build: { outDir: join(dir, 'dist'), minify: true, target: 'es2022', write: true, rolldownOptions: { input: { entry }, preserveEntrySignatures: 'strict' } },
    });
    const files = readdirSync(join(dir, 'dist'), { recursive: true }).map(String);
    const read = (re: RegExp) => files.filter((f) => re.test(f)).map((f) => readFileSync(join(dir, 'dist', f)));
    const wasm = read(/\.wasm$/);
    return { js: sizesOf(Buffer.concat(read(/\.m?js$/))), wasm: wasm.length ? sizesOf(Buffer.concat(wasm)) : null };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  // Every export kept (a `<script type="module">` user gets the whole SDK), and a typical app's pick.
  const sdk = await bundle('sdk', `export * from '@tandem/sdk';\n`);
  const counterOnly = await bundle('sdk-client', `import { TandemClient } from '@tandem/sdk';\nexport const make = (url: string, token: string) => new TandemClient({ url, getToken: () => token });\n`);
  const socketIo = await bundle('socket-io-client', `export { io } from 'socket.io-client';\n`);
  // Both dependencies together, everything of Automerge kept: the SDK's own code is what it adds to this.
  const deps = await bundle('dependencies', `export { io } from 'socket.io-client';\nexport * from '@automerge/automerge';\n`);
  const webDir = join(root, 'apps/web/dist/assets');
  let web: Sizes | null = null;
  try {
    web = sizesOf(Buffer.concat(readdirSync(webDir).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(webDir, f)))));
  } catch {
    log('apps/web/dist is not built (npm run build:web): the app figure is left out');
  }

  const result = {
    bench: 'sdk-bundle',
    at: new Date().toISOString(),
    node: process.version,
    sdkAllExports: sdk,
    sdkClientOnly: counterOnly,
    reference: { socketIoClient: socketIo, socketIoClientPlusAutomerge: deps },
    ratios: {
      sdkJsGzipOverSocketIoGzip: +(sdk.js.gzip / socketIo.js.gzip).toFixed(2),
      sdkJsGzipOverDependenciesJsGzip: +(sdk.js.gzip / deps.js.gzip).toFixed(2),
      sdkOwnJsGzipBytes: sdk.js.gzip - deps.js.gzip,
    },
    webApp: web,
  };
  writeFileSync(join(root, 'bench/results/sdk-bundle.json'), `${JSON.stringify(result, null, 2)}\n`);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const line = (label: string, b: Bundle) => log(`${label}: JS ${kb(b.js.raw)} raw, ${kb(b.js.gzip)} gzip, ${kb(b.js.brotli)} brotli${b.wasm ? `; wasm ${kb(b.wasm.raw)} raw, ${kb(b.wasm.gzip)} gzip, ${kb(b.wasm.brotli)} brotli` : ''}`);
  line('SDK (all exports)', sdk);
  line('SDK (TandemClient used)', counterOnly);
  line('socket.io-client alone', socketIo);
  line('socket.io-client + Automerge', deps);
  log(`SDK JS / socket.io-client gzip = ${result.ratios.sdkJsGzipOverSocketIoGzip}; SDK JS / (socket.io-client + Automerge) JS gzip = ${result.ratios.sdkJsGzipOverDependenciesJsGzip}`);
  if (web) log(`web app JS: ${kb(web.raw)} raw, ${kb(web.gzip)} gzip`);
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
