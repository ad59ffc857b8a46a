// The admin API with --web.enable-admin-api: delete_series hides series from queries,
// clean_tombstones rewrites, snapshot hard-links the data into snapshots/<name>; without the
// flag, Prometheus's "admin APIs disabled".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startOurServer } from '../../support/server.ts';
import { freePort } from '../../support/peers.ts';

async function waitFor(
  url: string,
  cond: (j: { data: { result: unknown[] } }) => boolean,
): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const j = (await (await fetch(url)).json()) as { data: { result: unknown[] } };
    if (cond(j)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met: ${url}`);
}

test('admin endpoints: delete_series, clean_tombstones, snapshot', async (t) => {
  const port = await freePort();
  const s = await startOurServer(
    `global:\n  scrape_interval: 200ms\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
    ['--web.enable-admin-api'],
    { port },
  );
  t.after(() => s.stop());
  const q = `${s.url}/api/v1/query?query=${encodeURIComponent('up{job="self"}')}`;
  await waitFor(q, (j) => j.data.result.length === 1);
  const delEnd = Date.now() / 1000;
  const del = await fetch(
    `${s.url}/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('up{job="self"}')}&end=${delEnd}`,
    { method: 'POST' },
  );
  assert.equal(del.status, 204);
  assert.equal(await del.text(), '');
  // Everything up to the deletion's end is gone; scrapes after it add new samples.
  const at = (await (await fetch(`${q}&time=${delEnd}`)).json()) as { data: { result: unknown[] } };
  assert.deepEqual(at.data.result, []);
  const series = (await (
    await fetch(`${s.url}/api/v1/series?match[]=scrape_duration_seconds&end=${Date.now() / 1000}`)
  ).json()) as { data: unknown[] };
  assert.equal(series.data.length, 1);
  const clean = await fetch(`${s.url}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
  assert.equal(clean.status, 204);
  const snap = await fetch(`${s.url}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
  assert.equal(snap.status, 200);
  const name = ((await snap.json()) as { data: { name: string } }).data.name;
  assert.match(name, /^\d{8}T\d{6}Z-[0-9a-f]{16}$/);
  assert.ok(existsSync(join(s.dir, 'data', 'snapshots', name)));
  assert.ok(readdirSync(join(s.dir, 'data', 'snapshots', name)).length > 0);
  const bad = await fetch(`${s.url}/api/v1/admin/tsdb/snapshot?skip_head=maybe`, {
    method: 'POST',
  });
  assert.equal(bad.status, 400);
});

test('admin endpoints are off without the flag', async (t) => {
  const s = await startOurServer('global:\n  scrape_interval: 1m\n');
  t.after(() => s.stop());
  for (const p of ['delete_series?match[]=up', 'clean_tombstones', 'snapshot']) {
    const r = await fetch(`${s.url}/api/v1/admin/tsdb/${p}`, { method: 'POST' });
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), {
      status: 'error',
      errorType: 'unavailable',
      error: 'admin APIs disabled',
    });
  }
});
