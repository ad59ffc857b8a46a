// --version and prometheus_build_info name the platform as Prometheus does (Go's GOOS/GOARCH).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILD_INFO, versionText } from '../../src/util/version.ts';

test("--version reads as Prometheus's, with the platform in Go's names", () => {
  const lines = versionText().split('\n');
  assert.match(
    lines[0]!,
    /^prometheus, version 2\.48\.0\+prometheus-ts\.\S+ \(branch: \S+, revision: \S+\)$/,
  );
  const platform = lines.find((l) => l.startsWith('  platform:'))!;
  assert.equal(platform, `  platform:         linux/${BUILD_INFO.goarch}`);
  if (process.arch === 'x64') assert.equal(BUILD_INFO.goarch, 'amd64', 'x64 is amd64 to Go');
  assert.notEqual(BUILD_INFO.goarch, 'x64');
});

test("the built server stamps its revision and build date, and prints kingpin's man page", async () => {
  const { execFileSync } = await import('node:child_process');
  const { existsSync } = await import('node:fs');
  if (!existsSync('dist/cmd/prometheus.js')) {
    assert.ok(process.env.CI !== 'true', 'dist/ must be built in CI (npm ci runs prepare)');
    return;
  }
  const v = execFileSync(process.execPath, ['bin/prometheus-ts.js', '--version']).toString();
  assert.match(v, /revision: [0-9a-f]{40}\)/);
  assert.match(v, /build date: {7}\d{8}-\d\d:\d\d:\d\d\n/);
  const man = execFileSync(process.execPath, ['bin/prometheus-ts.js', '--help-man'])
    .toString()
    .split('\n');
  assert.match(man[0]!, /^\.TH prometheus 1 prometheus, version 2\.48\.0/);
  const opts = man.indexOf('.SH "OPTIONS"');
  assert.ok(opts > 0);
  assert.deepEqual(man.slice(opts + 1, opts + 4), [
    '.TP',
    '\\fB-h, --help\\fR',
    'Show context-sensitive help (also try --help-long and --help-man).',
  ]);
  assert.ok(man.includes('\\fB--web.listen-address="0.0.0.0:9090"\\fR'));
  const long = execFileSync(process.execPath, ['bin/prometheus-ts.js', '--help-long']).toString();
  const short = execFileSync(process.execPath, ['bin/prometheus-ts.js', '--help']).toString();
  assert.equal(long, short, 'the server has no commands, so --help-long is --help (as kingpin)');
});
