// A data directory written by the real Prometheus server (head in its own WAL format, snappy
// compressed) is opened: its head samples are imported, its WAL kept aside untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Matcher } from '../../src/model/labels/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { peer, startRealPrometheus } from '../util/peers.js';

test('the head of a real Prometheus data dir is imported from its WAL', async (t) => {
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
      assert.ok(readdirSync(dir).some((f) => f.startsWith('prometheus-head-')));
      assert.equal(db.headStats().numSeries, 5, 'up and the four scrape_* series');
    } finally {
      await db.close();
    }
    // Reopening reads this server's own WAL now.
    const db2 = await openDB(dir, {}, { noBackground: true });
    const ss2 = db2.querier(0, Date.now() + 60_000).select(true, undefined, Matcher.equal('__name__', 'up'));
    assert.ok(ss2.next());
    await db2.close();
  } finally {
    await prom.proc.stop();
    rmSync(prom.dir, { recursive: true, force: true });
  }
});
