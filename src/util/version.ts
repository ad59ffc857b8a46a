// Build information. The version is reported as Prometheus 2.48.0 with this project's version as
// SemVer build metadata, so clients that gate features on the Prometheus version (Grafana reads
// /api/v1/status/buildinfo) treat this server as the 2.48 it is compatible with.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8'),
    ) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

export const PROJECT_VERSION = packageVersion();

/**
 * Revision, branch, user and date of the build, written by scripts/build-info.mjs into
 * dist/build_info.json when `npm run build` compiles this file; run from source (tests, tsx)
 * there is no build, and the fields say so.
 */
interface BuildStamp {
  revision: string;
  branch: string;
  buildUser: string;
  buildDate: string;
}

function buildStamp(): BuildStamp {
  try {
    return JSON.parse(
      readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../build_info.json'), 'utf8'),
    ) as BuildStamp;
  } catch {
    return {
      revision: 'unknown',
      branch: 'unknown',
      buildUser: 'prometheus-ts',
      buildDate: 'unknown',
    };
  }
}

const STAMP = buildStamp();

/** Node's architecture named as Go's GOARCH, which dashboards and build_info queries expect. */
const GOARCH: Record<string, string> = {
  x64: 'amd64',
  ia32: '386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips: 'mips',
  mipsel: 'mipsle',
  loong64: 'loong64',
};

export const BUILD_INFO = {
  version: `2.48.0+prometheus-ts.${PROJECT_VERSION}`,
  revision: STAMP.revision,
  branch: STAMP.branch,
  buildUser: STAMP.buildUser,
  buildDate: STAMP.buildDate,
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
