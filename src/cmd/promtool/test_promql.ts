// promtool-ts test promql FILE…: runs PromQL test scripts (Prometheus's promqltest format) and
// prints each failing case with what was expected and what came, then the totals.
import { readFileSync } from 'node:fs';
import { runScript } from '../../promql/promqltest/index.js';

export async function run(args: string[]): Promise<number> {
  const files = args.filter((a) => !a.startsWith('-'));
  if (files.length === 0) {
    process.stderr.write(
      "promtool: error: required argument 'test-file' not provided, try --help\n",
    );
    return 1;
  }
  let passed = 0;
  let failed = 0;
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      process.stderr.write(`  FAILED: ${f}: ${(e as Error).message}\n`);
      failed++;
      continue;
    }
    try {
      for (const r of await runScript(text, f)) {
        if (r.ok) passed++;
        else {
          failed++;
          process.stdout.write(`FAILED ${r.file}:${r.line}: ${r.expr}\n  ${r.message}\n`);
        }
      }
    } catch (e) {
      failed++;
      process.stdout.write(`FAILED ${(e as Error).message}\n`);
    }
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
