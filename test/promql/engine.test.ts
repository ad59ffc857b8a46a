// The engine's limits and error behaviour: max samples, timeout, cancellation, queueing, errors
// with Prometheus's wording and types, and result shapes of instant and range queries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDB, type DB } from '../../src/tsdb/index.js';
import { Engine, PromQLError } from '../../src/promql/index.js';
import { Labels } from '../../src/model/labels/index.js';
import { STALE_NAN } from '../../src/model/value/index.js';
import { newRegistry } from '../../src/util/metrics.js';

let dir: string;
let db: DB;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'engine-'));
  db = await openDB(dir, {}, {});
  const app = db.appender();
  for (let i = 0; i <= 240; i++) {
    const t = i * 15_000;
    for (let s = 0; s < 50; s++) {
      app.append(
        0,
        Labels.fromStrings(
          '__name__',
          'req_total',
          'job',
          s % 2 ? 'odd' : 'even',
          'instance',
          `i${s}`,
        ),
        t,
        i * (s + 1),
      );
    }
    app.append(
      0,
      Labels.fromStrings('__name__', 'gauge', 'job', 'a'),
      t,
      i === 100 ? STALE_NAN : i,
    );
  }
  await app.commit();
});
after(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function engine(opts: Partial<ConstructorParameters<typeof Engine>[0]> = {}): Engine {
  return new Engine({ timeout: 60_000, maxSamples: 50_000_000, lookbackDelta: 300_000, ...opts });
}

test('instant vector query returns one sample per series at the query time', async () => {
  const r = await engine()
    .newInstantQuery(db, 'sum by (job) (rate(req_total[5m]))', 3_000_000)
    .exec();
  assert.equal(r.value.type, 'vector');
  if (r.value.type !== 'vector') return;
  assert.equal(r.value.samples.length, 2);
  const even = r.value.samples.find((s) => s.metric.get('job') === 'even')!;
  // Each even series s grows (s+1)/15 per second; sum over s = 0,2,…,48 of (s+1) = 625.
  assert.ok(Math.abs(even.f - 625 / 15) < 1e-9, String(even.f));
  assert.equal(even.t, 3_000_000);
});

test('range query returns a matrix sorted by labels with points at each step', async () => {
  const r = await engine().newRangeQuery(db, 'gauge', 1_470_000, 1_515_000, 15_000).exec();
  assert.equal(r.value.type, 'matrix');
  if (r.value.type !== 'matrix') return;
  const s = r.value.series[0]!;
  assert.equal(s.metric.toString(), '{__name__="gauge", job="a"}');
  // The stale marker at 1500s hides the series at that step only.
  assert.deepEqual(s.ts, [1_470_000, 1_485_000, 1_515_000]);
  assert.deepEqual(s.fs, [98, 99, 101]);
  const sorted = await engine().newRangeQuery(db, 'req_total', 0, 60_000, 30_000).exec();
  if (sorted.value.type !== 'matrix') return assert.fail();
  const names = sorted.value.series.map((x) => x.metric.toString());
  assert.deepEqual(names, [...names].sort());
});

test('a scalar range query gives one series without labels', async () => {
  const r = await engine().newRangeQuery(db, 'time()', 0, 120_000, 60_000).exec();
  assert.deepEqual(r.value.type === 'matrix' && r.value.series[0]!.fs, [0, 60, 120]);
});

test('parse errors are bad_data with the position', () => {
  assert.throws(
    () => engine().newInstantQuery(db, 'sum(rate(x[5m])', 0),
    (e: unknown) =>
      e instanceof PromQLError &&
      e.errorType === 'bad_data' &&
      /^1:\d+: parse error: /.test(e.message),
  );
});

test('a range query of a range vector is refused as Prometheus does', () => {
  assert.throws(() => engine().newRangeQuery(db, 'req_total[5m]', 0, 100, 10), {
    message:
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
  });
});

test('--query.max-samples stops a query that would load too many samples', async () => {
  await assert.rejects(
    engine({ maxSamples: 100 }).newInstantQuery(db, 'req_total[1h]', 3_600_000).exec(),
    (e: unknown) => {
      assert.ok(e instanceof PromQLError);
      assert.equal(e.errorType, 'execution');
      assert.equal(
        e.message,
        'query processing would load too many samples into memory in query execution',
      );
      return true;
    },
  );
  // The same query fits under a larger limit.
  const ok = await engine({ maxSamples: 1_000_000 })
    .newInstantQuery(db, 'req_total[1h]', 3_600_000)
    .exec();
  assert.equal(ok.value.type, 'matrix');
});

test('--query.timeout ends a long query with a timeout error', async () => {
  const q = engine({ timeout: 1 }).newRangeQuery(
    db,
    'sum by (instance) (rate(req_total[5m])) * on(instance) group_left count by (instance) (req_total)',
    0,
    3_600_000,
    1_000,
  );
  await assert.rejects(
    q.exec(),
    (e: unknown) =>
      e instanceof PromQLError &&
      e.errorType === 'timeout' &&
      e.message === 'query timed out in expression evaluation',
  );
});

test("a per-query timeout (the API's timeout parameter) ends a long evaluation over a single series", async () => {
  // One series and a fine subquery: the evaluation never yields between series, so only a
  // deadline it checks itself can stop it (a timer's abort would land after it finished).
  const q = engine().newInstantQuery(db, 'count_over_time(gauge[1h:1ms])', 3_600_000, {
    timeout: 1,
  });
  await assert.rejects(
    q.exec(),
    (e: unknown) =>
      e instanceof PromQLError &&
      e.errorType === 'timeout' &&
      e.message === 'query timed out in expression evaluation',
  );
  const ok = await engine()
    .newInstantQuery(db, 'count_over_time(gauge[1h:1m])', 3_600_000, { timeout: 60_000 })
    .exec();
  assert.equal(ok.value.type, 'vector');
});

test('a cancelled query ends with canceled', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(
    engine().newInstantQuery(db, 'req_total', 1000).exec(ac.signal),
    (e: unknown) => e instanceof PromQLError && e.errorType === 'canceled',
  );
});

test('queries past --query.max-concurrency wait instead of failing', async () => {
  const e = engine({ maxConcurrency: 1 });
  const results = await Promise.all(
    Array.from({ length: 5 }, () => e.newInstantQuery(db, 'count(req_total)', 1_000_000).exec()),
  );
  for (const r of results) assert.equal(r.value.type === 'vector' && r.value.samples[0]!.f, 50);
});

test('many-to-many matching is an execution error worded as Prometheus', async () => {
  await assert.rejects(
    engine().newInstantQuery(db, 'req_total + on(job) req_total', 1_000_000).exec(),
    (e: unknown) => {
      assert.ok(e instanceof PromQLError && e.errorType === 'execution');
      assert.match(
        e.message,
        /^found duplicate series for the match group \{job="(odd|even)"\} on the right hand-side of the operation: \[.*\];many-to-many matching not allowed: matching labels must be unique on one side$/,
      );
      return true;
    },
  );
});

test('engine metrics are registered', async () => {
  const registry = newRegistry();
  const e = engine({ registry });
  await e.newInstantQuery(db, 'up', 0).exec();
  const text = await registry.metrics();
  assert.match(
    text,
    /prometheus_engine_query_duration_seconds\{quantile="0.5",slice="inner_eval"\}/,
  );
  assert.match(text, /prometheus_engine_queries_concurrent_max 20/);
});

test('query stats count the samples loaded', async () => {
  const q = engine().newInstantQuery(db, 'gauge[1m]', 600_000);
  await q.exec();
  assert.equal(q.stats().samples.totalQueryableSamples, 5);
});

test("rate's extrapolation rounds as Prometheus's: one factor, then one multiplication", async () => {
  // i2 grows 3 per 15 s; at a time off the sample grid the real Prometheus answers
  // 0.19999999999999998 (multiplying and then dividing the increase in turn gave 0.2).
  const r = await engine()
    .newInstantQuery(db, 'rate(req_total{instance="i2"}[5m])', 647_059)
    .exec();
  assert.equal(r.value.type, 'vector');
  if (r.value.type !== 'vector') return;
  assert.equal(r.value.samples[0]!.f, 0.19999999999999998);
});

test("errors and warnings print floats as Go's %v does (1e+20, not 100000000000000000000)", async () => {
  await assert.rejects(
    engine().newInstantQuery(db, 'topk(1e20, req_total)', 1_000_000).exec(),
    (e: unknown) => e instanceof PromQLError && e.message === 'Scalar value 1e+20 overflows int64',
  );
});
