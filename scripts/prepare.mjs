// npm's `prepare`: build dist/ when the dev dependencies that build it are installed. A
// production install (`npm ci --omit=dev`) has no TypeScript: from a published tarball dist/ is
// already there; from a bare checkout there is nothing to run, and this says how to get it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
let canBuild = true;
try {
  require.resolve('typescript/package.json');
  require.resolve('vite/package.json');
} catch {
  canBuild = false;
}
if (canBuild) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (!existsSync('dist/cmd/prometheus.js')) {
  process.stderr.write(
    'prometheus-ts: dist/ is not built and the dev dependencies that build it are not installed: run `npm ci` (with dev dependencies) once, or install from the published package, which ships dist/.\n',
  );
}
