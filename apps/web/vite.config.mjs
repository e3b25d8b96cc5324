import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  resolve: { alias: { '@tandem/sdk': fileURLToPath(new URL('../../libs/sdk/src/index.ts', import.meta.url)) } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  server: { proxy: { '/socket.io': { target: 'http://localhost:3000', ws: true }, '/auth': 'http://localhost:3000' } },
});
