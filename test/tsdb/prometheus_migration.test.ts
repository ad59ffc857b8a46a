// A data directory written by the real Prometheus server (head in its WAL, snappy compressed) is
// opened with its head intact, and what this server appends is readable by the real promtool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { openDB } from '../../src/tsdb/index.js';
import {
  freePort,
  peer,
  startProcess,
  startRealPrometheus,
  tempDir,
  waitReady,
} from '../support/peers.js';

test('a real Prometheus data dir opens with its head; our appends are read by the real promtool', async (t) => {
  if (!peer('prometheus', t)) return;
  const cfg =
    'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: [PLACEHOLDER]\n';
  // Scrape a port that is certainly closed: Prometheus still records up=0 every second.
  const prom = await startRealPrometheus(cfg.replace('PLACEHOLDER', "'127.0.0.1:1'"));
  let dir = '';
  try {
    dir = join(prom.dir, 'data');
    let n = 0;
    for (let i = 0; i < 50 && n < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = (await (
        await fetch(`${prom.url}/api/v1/query?query=count_over_time(up[1h])`)
      ).json()) as { data: { result: { value: [number, string] }[] } };
      n = Number(r.data.result[0]?.value[1] ?? 0);
    }
    assert.ok(n >= 3, `prometheus scraped ${n} times`);
    await prom.proc.stop();
    const db = await openDB(dir, {}, { noBackground: true });
    try {
      const ss = db
        .querier(0, Date.now() + 60_000)
        .select(true, undefined, Matcher.equal('__name__', 'up'));
      assert.ok(ss.next(), 'up series imported');
      const s = ss.at();
      assert.equal(s.labels.toString(), '{__name__="up", instance="127.0.0.1:1", job="self"}');
      const it = s.iterator();
      let c = 0;
      while (it.next() !== 0) {
        assert.equal(it.atF(), 0);
        c++;
      }
      assert.ok(c >= n, `${c} samples imported, prometheus had ${n}`);
      assert.equal(db.headStats().numSeries, 5, 'up and the four scrape_* series');
      const app = db.appender();
      app.append(0, Labels.fromStrings('__name__', 'ours_total', 'x', 'y'), Date.now(), 42);
      await app.commit();
    } finally {
      await db.close();
    }
    // Our WAL is Prometheus's format: the real promtool sees both its samples and ours.
    const promtool = peer('promtool', t);
    if (promtool) {
      const r = spawnSync(promtool, ['tsdb', 'dump', '--match={__name__=~"up|ours_total"}', dir], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.ok(
        lines.filter((l) => l.startsWith('{__name__="up", instance="127.0.0.1:1", job="self"} 0 '))
          .length >= n,
        r.stdout,
      );
      assert.match(r.stdout, /^\{__name__="ours_total", x="y"\} 42 \d+$/m);
    }
  } finally {
    await prom.proc.stop();
    rmSync(prom.dir, { recursive: true, force: true });
  }
});

test('the real Prometheus opens a data dir written by this TSDB (blocks, WAL, head chunks) and serves its data', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir('tsdb-rev-');
  t.after(cleanup);
  const data = join(dir, 'data');
  const db = await openDB(data, {}, { noBackground: true, inlineCompaction: true });
  const now = Date.now();
  const app = db.appender();
  for (let s = 0; s < 20; s++) {
    let ref = 0;
    for (let i = 0; i < 1000; i++)
      ref = app.append(
        ref,
        Labels.fromStrings('__name__', 'rev_test', 's', String(s)),
        now - (1000 - i) * 15_000,
        i + s,
      );
  }
  await app.commit();
  await db.compact();
  assert.ok(db.blockMetas().length >= 1, 'some data in blocks, the rest in the head');
  await db.close();
  writeFileSync(join(dir, 'p.yml'), 'global: {}\n');
  const port = await freePort();
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'p.yml')}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  t.after(() => proc.stop());
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, proc);
  const q = encodeURIComponent('count_over_time(rev_test[5h])');
  const r = (await (
    await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${q}&time=${now / 1000}`)
  ).json()) as { data: { result: { metric: { s: string }; value: [number, string] }[] } };
  assert.equal(r.data.result.length, 20);
  // 5h at 15 s ending now-15s: 1200 would fit, 1000 were written.
  for (const x of r.data.result) assert.equal(x.value[1], '1000', `series s=${x.metric.s}`);
  const last = (await (
    await fetch(`http://127.0.0.1:${port}/api/v1/query?query=rev_test{s="7"}&time=${now / 1000}`)
  ).json()) as { data: { result: { value: [number, string] }[] } };
  assert.equal(last.data.result[0]!.value[1], String(999 + 7));
  assert.doesNotMatch(proc.output(), /level=(error|warn).*(corrupt|repair|checksum)/i);
});

test('a data dir in use by a running real Prometheus is refused (its flock on `lock` is seen)', async (t) => {
  if (!peer('prometheus', t)) return;
  const prom = await startRealPrometheus('global: {}\n', ['--storage.tsdb.use-lockfile']);
  t.after(() => prom.stop());
  await assert.rejects(
    openDB(join(prom.dir, 'data'), {}, { noBackground: true }),
    /lock DB directory: resource temporarily unavailable .*locked by process \d+/,
  );
});
