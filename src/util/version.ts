// Build information. The version is reported as Prometheus 2.48.0 with this project's version as
// SemVer build metadata, so clients that gate features on the Prometheus version (Grafana reads
// /api/v1/status/buildinfo) treat this server as the 2.48 it is compatible with.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export const PROJECT_VERSION = packageVersion();

/** Node's architecture named as Go's GOARCH, which dashboards and build_info queries expect. */
const GOARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle', loong64: 'loong64' };

export const BUILD_INFO = {
  version: `2.48.0+prometheus-ts.${PROJECT_VERSION}`,
  revision: 'prometheus-ts',
  branch: 'main',
  buildUser: 'prometheus-ts',
  buildDate: '',
  goVersion: `node${process.versions.node}`,
  goos: process.platform,
  goarch: GOARCH[process.arch] ?? process.arch,
};

export function versionText(): string {
  return [
    `prometheus, version ${BUILD_INFO.version} (branch: ${BUILD_INFO.branch}, revision: ${BUILD_INFO.revision})`,
    `  build user:       ${BUILD_INFO.buildUser}`,
    `  build date:       ${BUILD_INFO.buildDate}`,
    `  go version:       ${BUILD_INFO.goVersion}`,
    `  platform:         ${BUILD_INFO.goos}/${BUILD_INFO.goarch}`,
    `  tags:             netgo,builtinassets`,
  ].join('\n');
}
