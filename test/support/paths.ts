// Where the shared fixtures are: `shared/` stands beside the repository (in CI too).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SHARED = existsSync(resolve(ROOT, '../shared'))
  ? resolve(ROOT, '../shared')
  : '/work/shared';
export const SEED = join(SHARED, 'fixtures/seed');
export const CONFORMANCE = join(SHARED, 'promql-conformance');
