// Builds the UI (dist/ui) when its sources are newer than the last build, for browser tests.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const UI_DIST = join(ROOT, 'dist/ui');

function newestMtime(dir: string): number {
  let m = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    m = Math.max(m, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return m;
}

export async function buildUIIfStale(): Promise<void> {
  const idx = join(UI_DIST, 'index.html');
  if (existsSync(idx) && statSync(idx).mtimeMs > newestMtime(join(ROOT, 'web/ui/src'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'web/ui/vite.config.ts'), logLevel: 'warn' });
}
