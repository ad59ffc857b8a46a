// Where targets put files (the engine's database, chunk files to read back): a directory the
// worker's parent made and removes when the worker is done (a terminated worker cleans nothing
// up itself); outside a worker, a temporary directory of this process.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workerData } from 'node:worker_threads';

let base: string | null = null;

export function scratchDir(name: string): string {
  base ??=
    (workerData as { scratch?: string } | null)?.scratch ?? mkdtempSync(join(tmpdir(), 'fuzz-'));
  const d = join(base, name);
  mkdirSync(d, { recursive: true });
  return d;
}
