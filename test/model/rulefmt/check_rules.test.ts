// promtool check rules, differentially: every file of corpus/ (good, bad, the seed's rules) gives the
// same exit code, stdout and stderr under the real promtool and promtool-ts. The machine's promtool is
// 2.42; the two places where 2.48 prints otherwise are normalised (see norm2_48). YAML syntax errors
// of the kinds in the corpus are worded as libyaml words them; others may differ (SYNTAX_WORDING_DIFFERS).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { peer } from '../../support/peers.ts';
import { runCommand, runPromtoolTs } from '../../support/server.ts';

const DIR = join(import.meta.dirname, 'corpus');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const SYNTAX_WORDING_DIFFERS = new Set<string>();

/** The real 2.42 output rewritten the way 2.48 prints it. */
function norm2_48(out: { stdout: string; stderr: string }): { stdout: string; stderr: string } {
  // 2.48 ends a file that fails to parse without an empty line (cmd/promtool checkRules `continue`).
  // (Every bad-*.yml of the corpus fails to parse; dup-records.yml fails only the lint.)
  const stdout = out.stdout.replace(/^(Checking bad-[^\n]*\n)\n/gm, '$1');
  // 2.48 gives "neither record nor alert" both nodes' positions.
  const stderr = out.stderr.replace(
    /: 0:0: group (.*)one of 'record' or 'alert' must be set/g,
    ": 0:0: 0:0: group $1one of 'record' or 'alert' must be set",
  );
  return { stdout, stderr };
}

test('check rules: corpus has good and bad files and the seed', () => {
  assert.ok(files.filter((f) => f.startsWith('bad-')).length >= 20);
  assert.ok(files.includes('seed-mordomo_alerts.yml'));
});

test('check rules: same verdict and output as the real promtool, file by file', async (t) => {
  const promtool = peer('promtool', t);
  const results = await Promise.all(
    files.map(async (f) => ({
      f,
      ours: await runPromtoolTs(['check', 'rules', f], { cwd: DIR }),
      real: promtool ? await runCommand(promtool, ['check', 'rules', f], { cwd: DIR }) : null,
    })),
  );
  for (const { f, ours, real } of results) {
    assert.equal(ours.code, f.startsWith('bad-') ? 1 : 0, `${f}: ${ours.stdout}${ours.stderr}`);
    if (!real) continue;
    assert.equal(ours.code, real.code, f);
    const want = norm2_48(real);
    if (SYNTAX_WORDING_DIFFERS.has(f)) {
      assert.equal(ours.stdout, want.stdout, f);
      assert.match(
        ours.stderr,
        new RegExp(`^  FAILED:\\n${f}: yaml: line \\d+: .*\\n${f}: yaml: line \\d+: .*\\n$`),
        f,
      );
      continue;
    }
    assert.equal(ours.stdout, want.stdout, f);
    assert.equal(ours.stderr, want.stderr, f);
  }
});

test('check rules: several files, lint settings and exit codes', async (t) => {
  const promtool = peer('promtool', t);
  const cases: string[][] = [
    ['check', 'rules', 'good-basic.yml', 'dup-records.yml', 'good-multi-group.yml'],
    ['check', 'rules', '--lint-fatal', 'dup-records.yml'],
    ['check', 'rules', '--lint=none', '--lint-fatal', 'dup-records.yml'],
    ['check', 'rules', '--lint=all', 'good-basic.yml'],
    ['check', 'rules', '--lint=bogus', 'good-basic.yml'],
    ['check', 'rules', 'good-basic.yml', 'bad-expr.yml', 'seed-mordomo_alerts.yml'],
    ['check', 'rules', 'no-such-file.yml'],
  ];
  const want = [0, 3, 0, 0, 0, 1, 1];
  for (const [i, args] of cases.entries()) {
    const ours = await runPromtoolTs(args, { cwd: DIR });
    assert.equal(ours.code, want[i], args.join(' '));
    if (!promtool) continue;
    const real = norm2_48({ ...(await runCommand(promtool, args, { cwd: DIR })) });
    assert.equal(ours.stdout, real.stdout, args.join(' '));
    assert.equal(ours.stderr, real.stderr, args.join(' '));
  }
});

test('check rules from standard input (2.48; the 2.42 promtool here requires files)', async () => {
  const good = await runPromtoolTs(['check', 'rules'], {
    input: 'groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n',
  });
  assert.deepEqual(good, {
    code: 0,
    stdout: 'Checking standard input\n  SUCCESS: 1 rules found\n\n',
    stderr: '',
  });
  const bad = await runPromtoolTs(['check', 'rules'], {
    input: 'groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up +\n',
  });
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, 'Checking standard input\n');
  assert.match(
    bad.stderr,
    /^  FAILED:\n5:15: group "g", rule 1, "a": could not parse expression: 1:5: parse error: unexpected end of input\n$/,
  );
});
