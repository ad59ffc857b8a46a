// --version and prometheus_build_info name the platform as Prometheus does (Go's GOOS/GOARCH).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUILD_INFO, versionText } from '../../src/util/version.ts';

test('--version reads as Prometheus\'s, with the platform in Go\'s names', () => {
  const lines = versionText().split('\n');
  assert.match(lines[0]!, /^prometheus, version 2\.48\.0\+prometheus-ts\.\S+ \(branch: \S+, revision: \S+\)$/);
  const platform = lines.find((l) => l.startsWith('  platform:'))!;
  assert.equal(platform, `  platform:         linux/${BUILD_INFO.goarch}`);
  if (process.arch === 'x64') assert.equal(BUILD_INFO.goarch, 'amd64', 'x64 is amd64 to Go');
  assert.notEqual(BUILD_INFO.goarch, 'x64');
});
