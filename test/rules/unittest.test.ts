// Rule unit tests: every file of test/rules/unittest-corpus/ (passing and failing ones) gives the
// same verdict and the same output under the real promtool (Debian) and promtool-ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir } from '../support/peers.ts';
import { runCommand, runPromtoolTs } from '../support/server.ts';
import { SEED } from '../support/paths.ts';

const DIR = join(import.meta.dirname, 'unittest-corpus');
const cases = readdirSync(DIR)
  .filter((f) => /^(pass|fail|seed)-.*\.yml$/.test(f))
  .sort();

test('rule unit-test corpus: same verdict and output as the real promtool', async (t) => {
  const promtool = peer('promtool', t);
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  // Work on a copy, with the seed's rule file referenced where it is on this machine.
  for (const f of readdirSync(DIR)) copyFileSync(join(DIR, f), join(dir, f));
  for (const f of cases.filter((c) => c.startsWith('seed-'))) {
    writeFileSync(
      join(dir, f),
      readFileSync(join(DIR, f), 'utf8').replace(
        '../../../../shared/fixtures/seed/rules/mordomo_alerts.yml',
        join(SEED, 'rules/mordomo_alerts.yml'),
      ),
    );
  }
  assert.ok(cases.length >= 6);
  for (const f of cases) {
    const ours = await runPromtoolTs(['test', 'rules', f], { cwd: dir });
    assert.equal(ours.code, f.startsWith('fail-') ? 1 : 0, `${f}: ${ours.stdout}${ours.stderr}`);
    if (!promtool) continue;
    const real = await runCommand(promtool, ['test', 'rules', f], { cwd: dir });
    assert.equal(ours.code, real.code, f);
    assert.equal(ours.stdout, real.stdout, f);
    // 2.48 places a bad input series on line 2 of its load block (EnrichParseError); 2.42 says line 1.
    assert.equal(
      ours.stderr,
      real.stderr.replace(/^1:(\d+): parse error/m, '2:$1: parse error'),
      f,
    );
  }
});
