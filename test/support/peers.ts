// Real peers (Debian's prometheus, promtool, alertmanager, node_exporter, pushgateway, chromium,
// and VictoriaMetrics as a long-term store behind remote write) for differential tests. A test asks for a peer with `peer(name, t)`: on a machine without it the
// test is skipped with the reason printed, but under CI=true a missing peer is a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const PEERS = {
  prometheus: '/usr/bin/prometheus',
  promtool: '/usr/bin/promtool',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  amtool: '/usr/bin/amtool',
  node_exporter: '/usr/bin/prometheus-node-exporter',
  pushgateway: '/usr/bin/prometheus-pushgateway',
  chromium: '/usr/bin/chromium',
  victoriametrics: '/usr/bin/victoria-metrics',
} as const;

export type PeerName = keyof typeof PEERS;

/**
 * The path of a peer binary, or null after marking the test skipped (CI=true: throws instead, so
 * a CI machine that lacks a peer fails loudly rather than passing by skipping).
 */
export function peer(name: PeerName, t?: TestContext): string | null {
  const path = PEERS[name];
  if (existsSync(path)) return path;
  const reason = `peer ${name} not installed (${path}); run scripts/install-peers.sh`;
  if (process.env.CI === 'true') throw new Error(reason);
  console.log(`# SKIP: ${reason}`);
  t?.skip(reason);
  return null;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'prom-ts-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunningProcess {
  proc: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts a process; its stdout+stderr are kept for diagnostics. */
export function startProcess(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningProcess {
  const proc = spawn(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls url until it answers 200 (or the timeout passes). */
export async function waitReady(
  url: string,
  timeoutMs = 20_000,
  proc?: RunningProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
      last = `status ${r.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (proc && proc.proc.exitCode !== null)
      throw new Error(
        `process exited (${proc.proc.exitCode}) before ${url} was ready:\n${proc.output()}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${url} not ready after ${timeoutMs} ms (${last})${proc ? '\n' + proc.output() : ''}`,
  );
}

/**
 * The real Prometheus (Debian), on a free port with a temp data dir, started with the given config text.
 * dataDir: where its TSDB goes (default: data/ in its temp dir); waitReady: false for a TLS port.
 */
export async function startRealPrometheus(
  configYaml: string,
  extraArgs: string[] = [],
  opts: { dataDir?: string; waitReady?: boolean } = {},
): Promise<{ url: string; dir: string; proc: RunningProcess; stop: () => Promise<void> }> {
  const bin = PEERS.prometheus;
  const { dir, cleanup } = tempDir('real-prom-');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'prometheus.yml'), configYaml);
  const port = await freePort();
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${opts.dataDir ?? join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...extraArgs,
  ]);
  const url = `http://127.0.0.1:${port}`;
  if (opts.waitReady !== false) await waitReady(`${url}/-/ready`, 30_000, proc);
  return {
    url,
    dir,
    proc,
    stop: async () => {
      await proc.stop();
      cleanup();
    },
  };
}
