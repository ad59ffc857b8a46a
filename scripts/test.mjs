// Runs the suite with node's test runner. TypeScript is loaded through tsx, so the tests need no
// build step; every file named *.test.ts under test/ is a test file.
//   node scripts/test.mjs                  every test file
//   node scripts/test.mjs test/x.test.ts   just those files
//   node scripts/test.mjs --unit           the in-process tests: files that start no process and
//                                          no peer (they import neither test/support/peers.ts nor
//                                          server.ts, nor child_process, nor playwright)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const OUT_OF_PROCESS =
  /\/(peers|server)\.[jt]s['"]|['"]node:child_process['"]|['"]playwright-core['"]/;

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((a) => a !== '--unit');
let files = only.length > 0 ? only : find('test', []);
if (unit) files = files.filter((f) => !OUT_OF_PROCESS.test(readFileSync(f, 'utf8')));
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
  },
);
process.exit(r.status ?? 1);
