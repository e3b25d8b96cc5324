import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env.TANDEM_URL ?? 'http://localhost:3000';

export default defineConfig({
  root,
  resolve: { alias: { '@tandem/sdk': fileURLToPath(new URL('../../libs/sdk/src/index.ts', import.meta.url)) } },
  // Preact's automatic JSX runtime (TSX compiled by Vite's own transformer, no plugin needed).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 800 },
  server: { proxy: { '/socket.io': { target: gateway, ws: true }, '/auth': gateway, '/api': gateway } },
});
