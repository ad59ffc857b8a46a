// A data directory written by the real Prometheus server (head in its WAL, snappy compressed) is
// opened with its head intact, and what this server appends is readable by the real promtool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Labels, Matcher } from '../../src/model/labels/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { peer, startRealPrometheus } from '../util/peers.js';

test('a real Prometheus data dir opens with its head; our appends are read by the real promtool', async (t) => {
  if (!peer('prometheus', t)) return;
  const cfg = 'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs:\n      - targets: [PLACEHOLDER]\n';
  // Scrape a port that is certainly closed: Prometheus still records up=0 every second.
  const prom = await startRealPrometheus(cfg.replace('PLACEHOLDER', "'127.0.0.1:1'"));
  let dir = '';
  try {
    dir = join(prom.dir, 'data');
    let n = 0;
    for (let i = 0; i < 50 && n < 3; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = (await (await fetch(`${prom.url}/api/v1/query?query=count_over_time(up[1h])`)).json()) as { data: { result: { value: [number, string] }[] } };
      n = Number(r.data.result[0]?.value[1] ?? 0);
    }
    assert.ok(n >= 3, `prometheus scraped ${n} times`);
    await prom.proc.stop();
    const db = await openDB(dir, {}, { noBackground: true });
    try {
      const ss = db.querier(0, Date.now() + 60_000).select(true, undefined, Matcher.equal('__name__', 'up'));
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
      const r = spawnSync(promtool, ['tsdb', 'dump', '--match={__name__=~"up|ours_total"}', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stdout.trim().split('\n');
      assert.ok(lines.filter((l) => l.startsWith('{__name__="up", instance="127.0.0.1:1", job="self"} 0 ')).length >= n, r.stdout);
      assert.match(r.stdout, /^\{__name__="ours_total", x="y"\} 42 \d+$/m);
    }
  } finally {
    await prom.proc.stop();
    rmSync(prom.dir, { recursive: true, force: true });
  }
});
