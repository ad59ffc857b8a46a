// Startup and shutdown logs line for line as Prometheus's, where the concept exists: the same
// config and a fresh data directory for the real Prometheus and for this server, and the same
// sequence of messages (or, for Prometheus's message-less lines, their field) in the same order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, startRealPrometheus, tempDir } from '../support/peers.js';
import { startOurServer } from '../support/server.js';

/** What a logfmt line says: its msg, or the first field after level/component when it has none. */
function key(line: string): string | null {
  const msg = /\bmsg=("(?:[^"\\]|\\.)*"|\S+)/.exec(line);
  if (msg) return JSON.parse(msg[1]!.startsWith('"') ? msg[1]! : JSON.stringify(msg[1]));
  const bare = /\blevel=\w+ (?:component=(?:"[^"]*"|\S+) )?(\w+)=/.exec(line);
  return bare ? bare[1]! : null;
}

// Prometheus's Go-only lines: none of the startup lines is Go-only today.
const NOT_YET = new Set<string>();

function keys(output: string): string[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('ts='))
    .map(key)
    .filter((k): k is string => k !== null && !NOT_YET.has(k));
}

test('startup and shutdown log the lines Prometheus logs, in its order', async (t) => {
  if (!peer('prometheus', t)) return;
  const { dir, cleanup } = tempDir('startup-logs-');
  t.after(cleanup);
  const cfg =
    'global:\n  scrape_interval: 1h\nscrape_configs:\n  - job_name: x\n    static_configs: [{targets: ["127.0.0.1:1"]}]\n';
  writeFileSync(join(dir, 'p.yml'), cfg);
  const real = await startRealPrometheus(cfg);
  await real.proc.stop();
  const realKeys = keys(real.proc.output());
  const ours = await startOurServer(cfg, [], { dir });
  await ours.proc.stop();
  const ourKeys = keys(ours.proc.output());
  // Prometheus's web server logs "Listening on" and "TLS is disabled." from its own goroutine:
  // before or after the WAL replay lines, as the scheduler has it. Checked apart from the order.
  const racing = new Set(['Listening on', 'TLS is disabled.']);
  const start = (ks: string[]) => ks.slice(0, ks.indexOf('Starting rule manager...') + 1);
  assert.deepEqual(
    start(ourKeys).filter((k) => !racing.has(k)),
    start(realKeys).filter((k) => !racing.has(k)),
  );
  for (const k of racing) assert.ok(start(ourKeys).includes(k) && start(realKeys).includes(k), k);
  // Shutdown: the same lines; Prometheus stops its parts concurrently, so the order may differ.
  const stop = (ks: string[]) =>
    ks.slice(ks.indexOf('Received SIGTERM, exiting gracefully...')).sort();
  assert.deepEqual(stop(ourKeys), stop(realKeys));
  assert.match(
    ours.proc.output(),
    /caller=prometheus\.ts:\d+ level=info msg="Starting Prometheus Server" mode=server version="\(version=2\.48\.0\+prometheus-ts\.\S+, branch=\S+, revision=\S+\)"/,
  );
});

test('a config that does not load: only the error, exit 2', async (t) => {
  const { dir, cleanup } = tempDir('startup-bad-');
  t.after(cleanup);
  const s = await startOurServer('global:\n  scrape_interval: nope\n', [], {
    dir,
    waitReady: false,
  });
  const code = await new Promise<number | null>((res) => s.proc.proc.on('exit', (c) => res(c)));
  assert.equal(code, 2);
  const ks = keys(s.proc.output());
  assert.equal(
    ks[ks.length - 1],
    'Error loading config (--config.file=' + join(dir, 'prometheus.yml') + ')',
  );
  assert.ok(!ks.some((k) => /stopped|Stopping|See you/.test(k)), ks.join('\n'));
});
