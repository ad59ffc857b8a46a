// The corpus of each target: test/fuzz/corpus/<target>/. Seeds are `seed-*`; inputs the loop
// found are `crash-<hash>` / `hang-<hash>` with what happened in `<name>.error` beside them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = new URL('./corpus/', import.meta.url).pathname;

export interface CorpusEntry {
  file: string;
  input: Uint8Array;
}

export function readCorpus(target: string): CorpusEntry[] {
  const dir = join(CORPUS_DIR, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.endsWith('.error') && !f.startsWith('.'))
    .sort()
    .map((f) => ({ file: join(dir, f), input: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** Saves a finding (once per distinct input); returns its path. */
export function saveFinding(
  target: string,
  kind: 'crash' | 'hang',
  input: Uint8Array,
  report: string,
): string {
  const dir = join(CORPUS_DIR, target);
  mkdirSync(dir, { recursive: true });
  const name = `${kind}-${createHash('sha1').update(input).digest('hex').slice(0, 12)}`;
  writeFileSync(join(dir, name), input);
  writeFileSync(join(dir, name + '.error'), report.endsWith('\n') ? report : report + '\n');
  return join(dir, name);
}
