// Remote write from the running server to the real Prometheus's receiver, through an outage:
// the receiver is stopped for several seconds and started again on the same data directory.
// Because the queue tails the WAL, the samples scraped meanwhile wait there and arrive once it is
// back: over a window covering the outage the receiver holds as many samples as we do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import {
  peer,
  freePort,
  tempDir,
  startProcess,
  waitReady,
  type RunningProcess,
} from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';

async function count(base: string, expr: string, time: number): Promise<number> {
  const r = (await (
    await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`)
  ).json()) as { data: { result: { value: [number, string] }[] } };
  return r.data.result.reduce((n, s) => n + Number(s.value[1]), 0);
}

test('remote write through a receiver outage: every scraped sample arrives once it is back', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir('rw-outage-');
  t.after(cleanup);
  writeFileSync(join(dir, 'receiver.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const startReceiver = async (): Promise<RunningProcess> => {
    const p = startProcess(bin, [
      `--config.file=${join(dir, 'receiver.yml')}`,
      `--storage.tsdb.path=${join(dir, 'receiver')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ]);
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, p);
    return p;
  };
  let receiver = await startReceiver();
  t.after(() => receiver.stop());
  const ourPort = await freePort();
  const ours = await startOurServer(
    `global:
  scrape_interval: 1s
  external_labels: { replica: a }
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:${ourPort}'] }]
remote_write:
  - url: http://127.0.0.1:${port}/api/v1/write
    # A queue much smaller than what is scraped during the outage: the rest must wait in the WAL.
    queue_config: { capacity: 500, max_samples_per_send: 100, batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms }
`,
    [],
    { port: ourPort },
  );
  t.after(() => ours.stop());
  const rx = `http://127.0.0.1:${port}`;
  const start = Date.now() / 1000;
  const arrived = async (): Promise<boolean> =>
    (await count(rx, 'count_over_time(up{job="self"}[1m])', Date.now() / 1000)) > 0;
  for (let i = 0; i < 100 && !(await arrived()); i++) await new Promise((r) => setTimeout(r, 200));
  assert.ok(await arrived(), 'samples reach the receiver');

  await receiver.stop();
  await new Promise((r) => setTimeout(r, 6000));
  receiver = await startReceiver();

  // A window from before the outage to a little before now: ours holds every scraped sample of it.
  const at = Date.now() / 1000 + 2;
  await new Promise((r) => setTimeout(r, 3000));
  const range = `${Math.ceil(at - start) + 1}s`;
  const expr = `count_over_time(up{job="self"}[${range}])`;
  const want = await count(ours.url, expr, at);
  assert.ok(want >= 8, `ours scraped through the outage (${want} samples)`);
  let got = 0;
  for (let i = 0; i < 100; i++) {
    got = await count(rx, expr, at);
    if (got >= want) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(got, want, 'the receiver got every sample, those of the outage included');
  const metrics = await (await fetch(`${ours.url}/metrics`)).text();
  assert.match(metrics, /prometheus_remote_storage_samples_dropped_total\{[^}]*\} 0\n/);
  assert.match(
    metrics,
    /prometheus_remote_storage_samples_retried_total\{[^}]*\} [1-9]/,
    'sends failed during the outage and were retried',
  );
});

test('remote write into VictoriaMetrics, a long-term store: it holds exactly the samples we scraped', async (t) => {
  const vm = peer('victoriametrics', t);
  const ne = peer('node_exporter', t);
  if (!vm || !ne) return;
  const { dir, cleanup } = tempDir('rw-vm-');
  t.after(cleanup);
  const vmPort = await freePort();
  const store = startProcess(vm, [
    `-storageDataPath=${join(dir, 'vm')}`,
    `-httpListenAddr=127.0.0.1:${vmPort}`,
    '-search.latencyOffset=0s',
    '-search.disableCache',
  ]);
  t.after(() => store.stop());
  await waitReady(`http://127.0.0.1:${vmPort}/health`, 30_000, store);
  const nePort = await freePort();
  const exporter = startProcess(ne, [
    `--web.listen-address=127.0.0.1:${nePort}`,
    '--collector.disable-defaults',
    '--collector.cpu',
    '--collector.meminfo',
    '--collector.loadavg',
  ]);
  t.after(() => exporter.stop());
  await waitReady(`http://127.0.0.1:${nePort}/metrics`, 20_000, exporter);
  const ours = await startOurServer(
    `global:
  scrape_interval: 1s
  external_labels: { cluster: mordomo-prod }
scrape_configs:
  - job_name: node
    static_configs: [{ targets: ['127.0.0.1:${nePort}'] }]
remote_write:
  - url: http://127.0.0.1:${vmPort}/api/v1/write
    queue_config: { batch_send_deadline: 200ms }
`,
  );
  t.after(() => ours.stop());
  await new Promise((r) => setTimeout(r, 6000));
  const until = Date.now() - 2000;
  await new Promise((r) => setTimeout(r, 2000));

  type Series = { metric: Record<string, string>; values: [number, string][] };
  const mine = (
    (await (
      await fetch(
        `${ours.url}/api/v1/query?query=${encodeURIComponent('{job="node"}[1h]')}&time=${until / 1000}`,
      )
    ).json()) as { data: { result: Series[] } }
  ).data.result;
  const text = await (
    await fetch(
      `http://127.0.0.1:${vmPort}/api/v1/export?match[]=${encodeURIComponent('{job="node"}')}`,
    )
  ).text();
  const theirs = new Map<string, [number, number][]>();
  for (const line of text.split('\n').filter(Boolean)) {
    const s = JSON.parse(line) as {
      metric: Record<string, string>;
      values: (number | null)[];
      timestamps: number[];
    };
    const { cluster, ...rest } = s.metric;
    assert.equal(cluster, 'mordomo-prod', 'external labels reach the store');
    const key = JSON.stringify(Object.entries(rest).sort());
    const pts = s.timestamps
      .map((ts, i): [number, number] => [ts, Number(s.values[i])])
      .filter(([ts, v]) => ts <= until && !Number.isNaN(v));
    theirs.set(
      key,
      [...(theirs.get(key) ?? []), ...pts].sort((a, b) => a[0] - b[0]),
    );
  }
  assert.ok(mine.length > 50, `node_exporter series scraped (${mine.length})`);
  let samples = 0;
  for (const s of mine) {
    const key = JSON.stringify(Object.entries(s.metric).sort());
    const want = s.values
      .map(([ts, v]): [number, number] => [Math.round(ts * 1000), Number(v)])
      .filter(([, v]) => !Number.isNaN(v));
    const got = theirs.get(key) ?? [];
    assert.deepEqual(
      got.map(([ts]) => ts),
      want.map(([ts]) => ts),
      `every timestamp of ${key}`,
    );
    for (let i = 0; i < want.length; i++) {
      const [a, b] = [want[i]![1], got[i]![1]];
      assert.ok(
        a === b || Math.abs(a - b) <= 1e-9 * Math.abs(a),
        `${key} at ${want[i]![0]}: ${a} vs ${b}`,
      );
    }
    samples += want.length;
  }
  assert.equal(theirs.size, mine.length, 'no series more, none less');
  assert.ok(samples > 200);
});
