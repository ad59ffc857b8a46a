// Stamps the build as Go's -ldflags stamp Prometheus's: revision, branch, user and date, into
// dist/build_info.json, which `--version`, /api/v1/status/buildinfo and prometheus_build_info read.
// Outside a git checkout (a tarball) the revision is the package version's.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

function git(...args) {
  try {
    return execFileSync('git', args, { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const d = new Date();
const p2 = (n) => String(n).padStart(2, '0');
// Go's build date layout in Prometheus's Makefile: 20060102-15:04:05, in UTC.
const buildDate = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}-${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
let user = 'unknown';
try {
  user = `${userInfo().username}@${hostname()}`;
} catch {
  /* no passwd entry (a container's arbitrary uid) */
}
const stamp = {
  revision: git('rev-parse', 'HEAD') || `v${pkg.version}`,
  branch: git('rev-parse', '--abbrev-ref', 'HEAD') || 'HEAD',
  buildUser: user,
  buildDate,
};
mkdirSync('dist', { recursive: true });
writeFileSync('dist/build_info.json', JSON.stringify(stamp, null, 2) + '\n');
