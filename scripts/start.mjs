// `npm start`: builds the web app, then runs the whole platform in one process on embedded adapters.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
console.log('[start] building the web app…');
const build = spawnSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/web/vite.config.mjs', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('[start] the web app did not build; see the errors above. Did `npm ci` finish?');
  process.exit(build.status ?? 1);
}
console.log('[start] starting Tandem (gateway and every service in one process, embedded adapters)…');
const child = spawn(process.execPath, ['-r', join(root, 'scripts/register.js'), join(root, 'apps/standalone/src/main.ts')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
