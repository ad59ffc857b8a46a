// Alertmanagers for tests: alertmanager-ts (through tsx) and the real Alertmanager 0.25, each
// in its own storage directory on a free port; and a webhook sink that records every
// notification with the time it arrived.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import {
  freePort,
  peer,
  startProcess,
  tempDir,
  waitReady,
  type RunningProcess,
} from '../support/peers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = import.meta.resolve('tsx');
export const AM_ENTRY = join(ROOT, 'src/cmd/alertmanager.ts');

export interface RunningAM {
  url: string;
  port: number;
  dir: string;
  proc: RunningProcess;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface AMStartOptions {
  /** Reuse a storage directory (restart tests). */
  dir?: string;
  port?: number;
  args?: string[];
  /** Where readiness is asked (default /-/ready), and with which headers (basic auth). */
  readyPath?: string;
  readyHeaders?: Record<string, string>;
}

async function start(
  cmd: string,
  baseArgs: string[],
  configYaml: string,
  o: AMStartOptions,
): Promise<RunningAM> {
  const tmp = o.dir !== undefined ? { dir: o.dir, cleanup: () => {} } : tempDir('am-');
  writeFileSync(join(tmp.dir, 'alertmanager.yml'), configYaml);
  const port = o.port ?? (await freePort());
  const proc = startProcess(
    cmd,
    [
      ...baseArgs,
      `--config.file=${join(tmp.dir, 'alertmanager.yml')}`,
      `--storage.path=${join(tmp.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      ...(o.args ?? []),
    ],
    { cwd: ROOT },
  );
  const url = `http://127.0.0.1:${port}`;
  if (o.readyHeaders === undefined)
    await waitReady(`${url}${o.readyPath ?? '/-/ready'}`, 30_000, proc);
  else await waitReadyWith(`${url}${o.readyPath ?? '/-/ready'}`, o.readyHeaders, proc);
  return {
    url,
    port,
    dir: tmp.dir,
    proc,
    stop: async (signal?: NodeJS.Signals) => {
      const code = await proc.stop(signal);
      if (o.dir === undefined) tmp.cleanup();
      return code;
    },
  };
}

async function waitReadyWith(
  url: string,
  headers: Record<string, string>,
  proc: RunningProcess,
): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    try {
      if ((await fetch(url, { headers })).status === 200) return;
    } catch {
      // not listening yet
    }
    if (proc.proc.exitCode !== null) throw new Error(`exited before ready:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready:\n${proc.output()}`);
}

export function startAlertmanagerTs(
  configYaml: string,
  o: AMStartOptions = {},
): Promise<RunningAM> {
  return start(process.execPath, ['--import', TSX, AM_ENTRY], configYaml, o);
}

/** The real Alertmanager, or null (test skipped) when it is not installed. */
export async function startRealAlertmanager(
  t: TestContext,
  configYaml: string,
  o: AMStartOptions = {},
): Promise<RunningAM | null> {
  const bin = peer('alertmanager', t);
  if (bin === null) return null;
  return start(bin, [], configYaml, o);
}

export interface Notification {
  path: string;
  at: number;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface WebhookSink {
  url: string;
  received: Notification[];
  /** Status code to answer with (default 200). */
  status: number;
  close: () => void;
}

export async function startWebhookSink(t?: TestContext): Promise<WebhookSink> {
  const sink: WebhookSink = { url: '', received: [], status: 200, close: () => {} };
  const srv: Server = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      try {
        sink.received.push({
          path: req.url ?? '',
          at: Date.now(),
          body: JSON.parse(b) as Record<string, unknown>,
          authorization: req.headers.authorization,
        });
      } catch {
        sink.received.push({
          path: req.url ?? '',
          at: Date.now(),
          body: { unparsable: b },
          authorization: req.headers.authorization,
        });
      }
      res.statusCode = sink.status;
      res.end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  sink.url = `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
  sink.close = () => {
    srv.closeAllConnections();
    srv.close();
  };
  t?.after(sink.close);
  return sink;
}

export async function postJSON(
  url: string,
  body: unknown,
): Promise<{ status: number; text: string }> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: r.status, text: await r.text() };
}

/** Polls until cond() is true or the time is up (bounded; no timing assertions). */
export async function until(cond: () => boolean, timeoutMs: number, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
