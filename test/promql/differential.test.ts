// Differential PromQL test against the real Prometheus: the same OpenMetrics data imported by the
// real promtool into one data directory, which the real Prometheus serves and this project's TSDB
// opens (a copy); a few hundred generated queries (every function and aggregation, binary
// operators with and without matching, offsets, @, subqueries) evaluated instant and range by
// both must agree (floats within 1e-9 relative, NaN = NaN, same label sets).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDB, type DB } from '../../src/tsdb/index.ts';
import { Engine, type Value } from '../../src/promql/index.ts';
import { formatFloat } from '../../src/model/value/index.ts';
import {
  PEERS,
  peer,
  tempDir,
  freePort,
  startProcess,
  waitReady,
  type RunningProcess,
} from '../support/peers.ts';
import { runCommand } from '../support/server.ts';

const T0 = 1700000000;
// peer() prints why the tests skip, and throws (fails the file) under CI=true.
const available = peer('prometheus') !== null && peer('promtool') !== null;
let db: DB | null = null;
let real: RunningProcess | null = null;
let realURL = '';
let cleanup: () => void = () => {};

/** Deterministic data: counters with resets, gauges with a gap, histogram buckets. */
function data(): string {
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: string[] = [];
  const series: [string, Record<string, string>, string][] = [];
  for (const job of ['api', 'db']) {
    for (let inst = 0; inst < 3; inst++) {
      series.push(['http_requests_total', { job, instance: `h${inst}`, code: '200' }, 'counter']);
      series.push(['http_requests_total', { job, instance: `h${inst}`, code: '500' }, 'counter']);
      series.push(['temp_celsius', { job, instance: `h${inst}` }, 'gauge']);
      for (const le of ['0.1', '0.5', '1', '5', '+Inf'])
        series.push(['req_dur_seconds_bucket', { job, instance: `h${inst}`, le }, 'hist']);
    }
  }
  const families = new Map<string, [Record<string, string>, string][]>();
  for (const [n, l, k] of series) families.set(n, [...(families.get(n) ?? []), [l, k]]);
  for (const [name, list] of families) {
    out.push(
      name.endsWith('_total') ? `# TYPE ${name.slice(0, -6)} counter` : `# TYPE ${name} gauge`,
    );
    for (const [labels, kind] of list) {
      const ls = Object.keys(labels)
        .sort()
        .map((k) => `${k}="${labels[k]}"`)
        .join(',');
      let v = 0;
      for (let i = 0; i <= 240; i++) {
        if (kind === 'counter') {
          v += Math.floor(rnd() * 21);
          if (rnd() < 0.01) v = 0;
        } else if (kind === 'gauge') {
          v = Math.round((20 + 10 * Math.sin(i / 10) + rnd()) * 1000) / 1000;
          if (i >= 100 && i <= 110 && labels['instance'] === 'h1') continue;
        } else {
          v +=
            ({ '0.1': 1, '0.5': 3, '1': 5, '5': 7, '+Inf': 8 } as Record<string, number>)[
              labels['le']!
            ]! * Math.floor(rnd() * 4);
        }
        out.push(`${name}{${ls}} ${v} ${T0 + i * 15}`);
      }
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

before(async () => {
  if (!available) return;
  const t = tempDir('promql-diff-');
  cleanup = t.cleanup;
  writeFileSync(join(t.dir, 'data.om'), data());
  const imp = await runCommand(PEERS.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    join(t.dir, 'data.om'),
    join(t.dir, 'real'),
  ]);
  assert.equal(imp.code, 0, imp.stderr);
  cpSync(join(t.dir, 'real'), join(t.dir, 'ours'), { recursive: true });
  writeFileSync(join(t.dir, 'p.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  real = startProcess(PEERS.prometheus, [
    `--config.file=${join(t.dir, 'p.yml')}`,
    `--storage.tsdb.path=${join(t.dir, 'real')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
  ]);
  realURL = `http://127.0.0.1:${port}`;
  await waitReady(`${realURL}/-/ready`, 30_000, real);
  db = await openDB(join(t.dir, 'ours'), { retentionDuration: 100 * 365 * 86_400_000 }, {});
});

after(async () => {
  await real?.stop();
  await db?.close();
  cleanup();
});

function queries(): string[] {
  const sel = [
    'http_requests_total',
    'temp_celsius',
    'req_dur_seconds_bucket',
    'http_requests_total{code="500"}',
    'temp_celsius{instance="h1"}',
  ];
  const counters = [
    'http_requests_total',
    'http_requests_total{job="api"}',
    'req_dur_seconds_bucket',
  ];
  const rngs = ['1m', '5m', '90s', '10m'];
  const qs: string[] = [];
  for (const c of counters)
    for (const r of rngs)
      for (const f of [
        'rate',
        'increase',
        'irate',
        'delta',
        'idelta',
        'resets',
        'changes',
        'deriv',
      ])
        qs.push(`${f}(${c}[${r}])`);
  for (const g of ['temp_celsius', 'temp_celsius{instance="h1"}'])
    for (const r of rngs)
      for (const f of [
        'avg_over_time',
        'min_over_time',
        'max_over_time',
        'sum_over_time',
        'count_over_time',
        'stddev_over_time',
        'stdvar_over_time',
        'last_over_time',
        'present_over_time',
        'absent_over_time',
      ])
        qs.push(`${f}(${g}[${r}])`);
  for (const s of sel)
    for (const a of ['sum', 'avg', 'min', 'max', 'count', 'stddev', 'stdvar', 'group']) {
      qs.push(`${a}(${s})`);
      qs.push(`${a} by (job) (${s})`);
      qs.push(`${a} without (instance) (${s})`);
    }
  for (const s of sel) {
    qs.push(
      `topk(2, ${s})`,
      `bottomk(2, ${s})`,
      `quantile(0.3, ${s})`,
      `count_values("v", ${s})`,
      `topk by (job) (1, ${s})`,
    );
  }
  for (const f of [
    'abs',
    'ceil',
    'floor',
    'exp',
    'sqrt',
    'ln',
    'log2',
    'log10',
    'sgn',
    'round',
    'timestamp',
    'sin',
    'cos',
    'deg',
    'rad',
    'hour',
    'minute',
    'day_of_week',
    'month',
    'year',
    'days_in_month',
    'day_of_month',
    'day_of_year',
  ])
    qs.push(`${f}(temp_celsius)`);
  qs.push(
    'clamp(temp_celsius, 20, 25)',
    'clamp_min(temp_celsius, 22)',
    'clamp_max(temp_celsius, 22)',
    'round(temp_celsius, 0.5)',
    'predict_linear(temp_celsius[10m], 600)',
    'holt_winters(temp_celsius[10m], 0.5, 0.5)',
    'quantile_over_time(0.9, temp_celsius[5m])',
    'histogram_quantile(0.9, rate(req_dur_seconds_bucket[5m]))',
    'histogram_quantile(0.5, sum by (le, job) (rate(req_dur_seconds_bucket[5m])))',
    'histogram_quantile(0.99, sum by (le) (rate(req_dur_seconds_bucket[1m])))',
  );
  qs.push(
    'label_replace(temp_celsius, "foo", "$1", "instance", "h(.*)")',
    'label_join(temp_celsius, "foo", ",", "job", "instance")',
    'absent(nonexistent{job="x"})',
    'absent(temp_celsius)',
    'vector(1)',
    'scalar(sum(temp_celsius))',
    'time()',
    'sort(temp_celsius)',
    'sort_desc(temp_celsius)',
  );
  for (const op of ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'atan2']) {
    qs.push(
      `temp_celsius ${op} 22`,
      `22 ${op} temp_celsius`,
      `temp_celsius ${op} on(job, instance) temp_celsius`,
    );
    if (['==', '!=', '>', '<', '>=', '<='].includes(op))
      qs.push(
        `temp_celsius ${op} bool 22`,
        `temp_celsius ${op} bool on(instance, job) (temp_celsius offset 1m)`,
      );
  }
  qs.push(
    'rate(http_requests_total[5m]) / ignoring(code) group_left sum without (code) (rate(http_requests_total[5m]))',
    'sum by (job, instance) (rate(http_requests_total[5m])) * on(job, instance) group_right temp_celsius',
    'temp_celsius and on(instance) http_requests_total{code="500"}',
    'temp_celsius or http_requests_total',
    'temp_celsius unless on(instance) temp_celsius{instance="h2"}',
    'http_requests_total + on(job) group_left temp_celsius',
  );
  qs.push(
    'max_over_time(rate(http_requests_total[1m])[10m:1m])',
    'avg_over_time(temp_celsius[10m:30s])',
    'rate(http_requests_total[5m] offset 5m)',
    'temp_celsius offset -1m',
    'temp_celsius @ 1700001000',
    'rate(http_requests_total[5m] @ 1700002000)',
    'sum_over_time(temp_celsius[5m:1m] offset 2m)',
    'min_over_time(sum by (job) (temp_celsius)[15m:])',
    '-temp_celsius',
    '+temp_celsius',
    '1 + 2 * 3 ^ 2',
    'count(temp_celsius) > bool 5',
    'temp_celsius @ start()',
    'temp_celsius @ end()',
    'deriv(temp_celsius[5m:30s])',
    'increase(http_requests_total[5m:15s])',
  );
  return qs;
}

/** 2.42 vs 2.48 differences (we follow 2.48), by query. */
const VERSION_DIFFERENCES: { match: RegExp; reason: string }[] = [
  { match: / atan2 /, reason: '2.48 drops the metric name for atan2 (2.42 kept it)' },
  {
    match: /^(topk|bottomk)(\(| by)/,
    reason:
      'ties: 2.48 selects with a k-heap (replace on strictly greater), 2.42 popped and pushed',
  },
];

function norm(v: { resultType: string; result: unknown }): Map<string, string> {
  const m = new Map<string, string>();
  if (v.resultType === 'scalar' || v.resultType === 'string') {
    m.set('', String((v.result as [number, string])[1]));
    return m;
  }
  for (const r of v.result as {
    metric: Record<string, string>;
    value?: [number, string];
    values?: [number, string][];
  }[]) {
    m.set(
      JSON.stringify(Object.entries(r.metric).sort()),
      r.value ? r.value[1] : r.values!.map((x) => `${x[0]}:${x[1]}`).join(' '),
    );
  }
  return m;
}

function encode(val: Value): { resultType: string; result: unknown } {
  switch (val.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [val.t / 1000, formatFloat(val.v)] };
    case 'string':
      return { resultType: 'string', result: [val.t / 1000, val.v] };
    case 'vector':
      return {
        resultType: 'vector',
        result: val.samples.map((s) => ({
          metric: s.metric.toObject(),
          value: [s.t / 1000, formatFloat(s.f)],
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: val.series.map((s) => ({
          metric: s.metric.toObject(),
          values: s.ts.map((t, i) => [t / 1000, formatFloat(s.fs[i]!)]),
        })),
      };
  }
}

function close(a: string, b: string): boolean {
  if (a === b) return true;
  const as = a.split(' ');
  const bs = b.split(' ');
  if (as.length !== bs.length) return false;
  return as.every((x, i) => {
    const [ta, va] = x.includes(':') ? x.split(':') : ['', x];
    const [tb, vb] = bs[i]!.includes(':') ? bs[i]!.split(':') : ['', bs[i]!];
    if (ta !== tb) return false;
    const fa = Number(va);
    const fb = Number(vb);
    return va === vb || Math.abs(fa - fb) <= 1e-9 * Math.max(Math.abs(fa), Math.abs(fb));
  });
}

test(
  'a few hundred generated queries agree with the real Prometheus, instant and range',
  { skip: !available && 'the real Prometheus is not installed' },
  async () => {
    const engine = new Engine({ timeout: 100_000, maxSamples: 50_000_000, lookbackDelta: 300_000 });
    const qs = queries();
    assert.ok(qs.length >= 300, String(qs.length));
    const times = [T0, T0 + 100, T0 + 1660, T0 + 3000, T0 + 3650];
    const problems: string[] = [];
    let checks = 0;
    for (const q of qs) {
      if (VERSION_DIFFERENCES.some((d) => d.match.test(q))) continue;
      const cases: [string, () => Promise<{ value: Value }>][] = times.map((t) => [
        `/api/v1/query?query=${encodeURIComponent(q)}&time=${t}`,
        () => engine.newInstantQuery(db!, q, t * 1000).exec(),
      ]);
      cases.push([
        `/api/v1/query_range?query=${encodeURIComponent(q)}&start=${T0 - 100}&end=${T0 + 3700}&step=60`,
        () => engine.newRangeQuery(db!, q, (T0 - 100) * 1000, (T0 + 3700) * 1000, 60_000).exec(),
      ]);
      for (const [path, ours] of cases) {
        checks++;
        const pr = (await (await fetch(realURL + path)).json()) as {
          status: string;
          error?: string;
          data: { resultType: string; result: unknown };
        };
        let got: { resultType: string; result: unknown } | null = null;
        let err = '';
        try {
          got = encode((await ours()).value);
        } catch (e) {
          err = (e as Error).message;
        }
        if (pr.status !== 'success' || err) {
          if ((pr.status === 'success') !== (err === ''))
            problems.push(
              `${decodeURIComponent(path)}: prometheus ${pr.error ?? 'ok'} | ours ${err || 'ok'}`,
            );
          continue;
        }
        const a = norm(pr.data);
        const b = norm(got!);
        let ok = a.size === b.size && pr.data.resultType === got!.resultType;
        if (ok) for (const [k, v] of a) if (!b.has(k) || !close(v, b.get(k)!)) ok = false;
        if (!ok)
          problems.push(
            `${decodeURIComponent(path)}: prometheus ${JSON.stringify([...a]).slice(0, 300)} | ours ${JSON.stringify([...b]).slice(0, 300)}`,
          );
      }
    }
    assert.ok(checks > 1500, String(checks));
    assert.deepEqual(problems, []);
  },
);
