import { build, defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const sdkEntry = fileURLToPath(new URL('../../libs/sdk/src/index.ts', import.meta.url));
const gateway = process.env.TANDEM_URL ?? 'http://localhost:3000';

/**
 * After the app, the SDK alone as one ES module (`dist/sdk/tandem.js`, served by the gateway at
 * `/sdk/tandem.js`), so a plain `<script type="module">` can import it without a bundler.
 */
const sdkModule = () => ({
  name: 'tandem-sdk-module',
  apply: 'build',
  async closeBundle() {
    if (process.env.TANDEM_SDK_BUILD) return; // the nested build below runs this plugin too
    process.env.TANDEM_SDK_BUILD = '1';
    try {
      await build({
        configFile: false,
        logLevel: 'warn',
        root,
        base: './', // assets (the wasm) are found next to tandem.js, wherever it is served
        // Not lib mode: lib mode inlines every asset, and Automerge's 3.6 MB wasm would become 5 MB of base64.
        build: {
          outDir: 'dist/sdk',
          emptyOutDir: true,
          target: 'es2022',
          minify: true,
          sourcemap: true,
          rolldownOptions: { input: { tandem: sdkEntry }, preserveEntrySignatures: 'strict', output: { entryFileNames: '[name].js', assetFileNames: '[name]-[hash][extname]', chunkFileNames: '[name]-[hash].js' } },
        },
      });
    } finally {
      delete process.env.TANDEM_SDK_BUILD;
    }
  },
});

export default defineConfig({
  root,
  resolve: { alias: { '@tandem/sdk': sdkEntry } },
  // Preact's automatic JSX runtime (TSX compiled by Vite's own transformer, no plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [sdkModule()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  server: { proxy: { '/socket.io': { target: gateway, ws: true }, '/auth': gateway, '/api': gateway } },
});
