// This project's server, started as a user starts it (flags as Prometheus's), for end-to-end tests.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, startProcess, tempDir, waitReady, type RunningProcess } from './peers.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const SERVER_ENTRY = join(ROOT, 'src/cmd/prometheus.ts');
export const PROMTOOL_ENTRY = join(ROOT, 'src/cmd/promtool.ts');
/** tsx's loader by absolute URL, so commands run from any working directory. */
const TSX = import.meta.resolve('tsx');

export interface OurServer {
  url: string;
  port: number;
  dir: string;
  proc: RunningProcess;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * Starts prometheus-ts with a config (YAML text) in a temp dir; resolves once /-/ready is 200.
 * built: run the compiled server (bin/prometheus-ts.js, as users run it) instead of the sources through tsx — what benchmarks measure.
 * nodeArgs: flags for node itself (e.g. --cpu-prof), before the entry point.
 * env: variables added to this process's environment for the server (e.g. libfaketime's).
 */
export async function startOurServer(
  configYaml: string,
  extraArgs: string[] = [],
  opts: {
    dir?: string;
    waitReady?: boolean;
    port?: number;
    built?: boolean;
    nodeArgs?: string[];
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<OurServer> {
  const tmp = opts.dir ? { dir: opts.dir, cleanup: () => {} } : tempDir('ours-');
  const dir = tmp.dir;
  writeFileSync(join(dir, 'prometheus.yml'), configYaml);
  const port = opts.port ?? (await freePort());
  const entry = opts.built ? [join(ROOT, 'bin/prometheus-ts.js')] : ['--import', TSX, SERVER_ENTRY];
  const proc = startProcess(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      ...entry,
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      ...extraArgs,
    ],
    { cwd: ROOT, ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}) },
  );
  const url = `http://127.0.0.1:${port}`;
  if (opts.waitReady !== false) await waitReady(`${url}/-/ready`, 30_000, proc);
  return {
    url,
    port,
    dir,
    proc,
    stop: async (signal?: NodeJS.Signals) => {
      const code = await proc.stop(signal);
      tmp.cleanup();
      return code;
    },
  };
}

/** The sum over all label sets of a metric on a server's /metrics (NaN when absent). */
export async function metricValue(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = NaN;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm')))
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[1]);
  return sum;
}

/** Polls cond every 100 ms for up to ms; fails naming what, with the end of the server's log. */
export async function until(
  srv: OurServer,
  what: string,
  ms: number,
  cond: () => Promise<boolean> | boolean,
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${ms} ms waiting for ${what}; server log:\n${srv.proc.output().slice(-4000)}`,
  );
}

/** Runs promtool-ts with args; resolves with exit code and output. */
export async function runPromtoolTs(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCommand(process.execPath, ['--import', TSX, PROMTOOL_ENTRY, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
  });
}

/** Runs any command to completion. */
export async function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolvePromise) => {
    const p = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.on('close', (code) => resolvePromise({ code, stdout, stderr }));
    if (opts.input !== undefined) p.stdin.end(opts.input);
    else p.stdin.end();
  });
}
