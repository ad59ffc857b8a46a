// While a long WAL replays, the server already answers as Prometheus's does: /-/healthy 200,
// /-/ready 503, the API 503 (Prometheus's readiness gate), and /api/v1/status/walreplay with the segments' progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Labels } from '../../src/model/labels/index.ts';
import { openDB } from '../../src/tsdb/index.ts';
import { tempDir } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';

test('during WAL replay /-/healthy answers, /-/ready and the API say 503, walreplay shows progress', async (t) => {
  const { dir, cleanup } = tempDir('startup-');
  t.after(cleanup);
  // About 6M samples in small segments, written 1000 series a commit as scrapes write them.
  const db = await openDB(join(dir, 'data'), { walSegmentSize: 4 << 20 }, { noBackground: true });
  const series = 30_000;
  const labels = Array.from({ length: series }, (_, i) =>
    Labels.fromStrings('__name__', 'boot_metric', 'i', String(i), 'job', `j${i % 10}`),
  );
  const refs = new Array<number>(series).fill(0);
  const t0 = Date.now() - 3_600_000;
  for (let k = 0; k < 200; k++) {
    for (let from = 0; from < series; from += 1000) {
      const app = db.appender();
      for (let i = from; i < from + 1000; i++)
        refs[i] = app.append(refs[i]!, labels[i]!, t0 + k * 15_000, k * 0.5 + i);
      await app.commit();
    }
  }
  await db.close();

  const ours = await startOurServer(
    'global:\n  scrape_interval: 1h\n',
    ['--storage.tsdb.retention.time=100y'],
    { dir, waitReady: false },
  );
  t.after(() => ours.stop());
  let sawReplay = false;
  let progress = { min: 0, max: 0, current: 0 };
  const deadline = Date.now() + 120_000;
  for (;;) {
    assert.ok(Date.now() < deadline, 'ready in time');
    let ready: Response;
    try {
      ready = await fetch(`${ours.url}/-/ready`);
    } catch {
      await new Promise((r) => setTimeout(r, 20));
      continue; // not listening yet
    }
    if (ready.status === 200) break;
    assert.equal(ready.status, 503);
    assert.equal(await ready.text(), 'Service Unavailable');
    const healthy = await fetch(`${ours.url}/-/healthy`);
    assert.equal(healthy.status, 200, 'healthy while the WAL replays');
    const api = await fetch(`${ours.url}/api/v1/query?query=up`);
    if (api.status !== 200)
      assert.deepEqual(
        [api.status, await api.text()],
        [503, 'Service Unavailable'],
        'the API waits for readiness',
      );
    const wr = (await (await fetch(`${ours.url}/api/v1/status/walreplay`)).json()) as {
      data: { min: number; max: number; current: number };
    };
    // Under way: a segment before the last is being read (the status keeps its last values after).
    if (wr.data.max > 0 && wr.data.current < wr.data.max) {
      sawReplay = true;
      progress = wr.data;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(sawReplay, 'the replay was seen under way');
  assert.ok(progress.max >= 2, `several segments (${JSON.stringify(progress)})`);
  const r = (await (
    await fetch(
      `${ours.url}/api/v1/query?query=count(boot_metric)&time=${(t0 + 199 * 15_000) / 1000}`,
    )
  ).json()) as { data: { result: { value: [number, string] }[] } };
  assert.equal(r.data.result[0]?.value[1], String(series), 'every series is back');
});
