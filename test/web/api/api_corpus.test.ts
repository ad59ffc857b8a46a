// The HTTP API on the wire, request by request, against the real Prometheus: both servers scrape
// the same exporter, which serves deterministic samples with explicit timestamps, so both hold
// the same data; then every request of the corpus must give the same HTTP status, errorType,
// error text and data (floats compared to 1e-9 relative; order-insensitive where Prometheus's
// order is unspecified).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { startOurServer, type OurServer } from '../../support/server.ts';
import { PEERS, peer, startRealPrometheus } from '../../support/peers.ts';

const STEP = 5_000;
let exporter: Server;
let ours: OurServer | null = null;
let real: { url: string; stop: () => Promise<void> } | null = null;
let T = 0; // a time both servers surely have data up to (seconds)
// peer() prints why the tests skip, and throws (fails the file) under CI=true.
const available = peer('prometheus') !== null;

function value(series: number, t: number): number {
  return (
    Math.round((Math.sin(t / 60_000 + series) + 2) * 1000) / 10 + (t / 1000) * (series + 1) * 0.01
  );
}

/** Samples of the last minute, one per 5 s bucket, with explicit timestamps: the same for every scraper. */
function body(): string {
  const now = Math.floor(Date.now() / STEP) * STEP;
  const lines: string[] = [
    '# HELP demo_requests_total Requests served.',
    '# TYPE demo_requests_total counter',
  ];
  for (let i = 0; i < 6; i++) {
    const job = i % 2 ? 'api' : 'db';
    for (let k = 12; k >= 1; k--) {
      const t = now - k * STEP;
      lines.push(
        `demo_requests_total{code="${i % 3 === 0 ? 500 : 200}",svc="${job}",inst="i${i}"} ${(t / 1000) * (i + 1)} ${t}`,
      );
    }
  }
  lines.push('# HELP demo_temp_celsius Temperature.', '# TYPE demo_temp_celsius gauge');
  for (let i = 0; i < 4; i++)
    for (let k = 12; k >= 1; k--)
      lines.push(`demo_temp_celsius{room="r${i}"} ${value(i, now - k * STEP)} ${now - k * STEP}`);
  lines.push('# HELP demo_latency_seconds Latency.', '# TYPE demo_latency_seconds histogram');
  for (const le of ['0.1', '0.5', '1', '+Inf']) {
    for (let k = 12; k >= 1; k--) {
      const t = now - k * STEP;
      lines.push(
        `demo_latency_seconds_bucket{le="${le}"} ${(t / 1000) * { '0.1': 1, '0.5': 3, '1': 4, '+Inf': 5 }[le]!} ${t}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

before(async () => {
  if (!available) return;
  exporter = createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(body()),
  );
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
  const port = (exporter.address() as { port: number }).port;
  const cfg = `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n  - job_name: demo\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`;
  [ours, real] = await Promise.all([startOurServer(cfg), startRealPrometheus(cfg)]);
  // Wait until both have scraped (Prometheus hands discovered targets to scraping every 5 s), then
  // two more scrapes: the last full minute is then the same in both.
  for (const base of [real!.url, ours!.url]) {
    for (let i = 0; i < 150; i++) {
      const r = (await (
        await fetch(`${base}/api/v1/query?query=count(demo_temp_celsius)`)
      ).json()) as { data: { result: unknown[] } };
      if (r.data.result.length > 0) break;
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  await new Promise((r) => setTimeout(r, 2500));
  T = Math.floor((Date.now() - 2 * STEP) / 1000);
});

after(async () => {
  await ours?.stop();
  await real?.stop();
  exporter?.close();
});

interface Answer {
  status: number;
  body:
    | { status?: string; errorType?: string; error?: string; data?: unknown; warnings?: string[] }
    | string;
}

async function ask(base: string, path: string, method = 'GET', form?: string): Promise<Answer> {
  const res = await fetch(
    base + path,
    method === 'GET'
      ? {}
      : {
          method,
          body: form ?? '',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
  );
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as Answer['body'] };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Values compared as numbers (to 1e-9) when both are numeric strings; arrays of objects sorted. */
function same(a: unknown, b: unknown, path: string, unordered: boolean): string | null {
  if (typeof a === 'string' && typeof b === 'string') {
    if (a === b) return null;
    const x = Number(a);
    const y = Number(b);
    if (
      a !== '' &&
      b !== '' &&
      !Number.isNaN(x) &&
      !Number.isNaN(y) &&
      Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y))
    )
      return null;
    return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length)
      return `${path}: length ${a.length} != ${b.length} (${JSON.stringify(a).slice(0, 200)} vs ${JSON.stringify(b).slice(0, 200)})`;
    const key = (x: unknown) =>
      JSON.stringify(x, (_k, v: unknown) =>
        typeof v === 'string' && /^-?\d+\.\d+$/.test(v) ? Number(v).toPrecision(9) : v,
      );
    const as = unordered ? [...a].sort((p, q) => (key(p) < key(q) ? -1 : 1)) : a;
    const bs = unordered ? [...b].sort((p, q) => (key(p) < key(q) ? -1 : 1)) : b;
    for (let i = 0; i < as.length; i++) {
      const d = same(as[i], bs[i], `${path}[${i}]`, unordered);
      if (d) return d;
    }
    return null;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join() !== kb.join()) return `${path}: keys ${ka.join(',')} != ${kb.join(',')}`;
    for (const k of ka) {
      const d = same(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
        unordered,
      );
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
}

type Case = {
  path: string;
  method?: string;
  form?: string;
  ordered?: boolean;
  dataOnlyShape?: boolean;
};

/** Known differences between the Debian Prometheus (2.42) and 2.48, which this project follows. */
const VERSION_DIFFERENCES: { match: (path: string) => boolean; reason: string }[] = [
  {
    match: (p) => p.startsWith('/api/v1/format_query'),
    reason: 'format_query exists since 2.45; 2.42 answers 404',
  },
  {
    match: (p) => p.includes('histogram_quantile(2'),
    reason:
      '2.48 adds the "quantile value should be between 0 and 1" warning; 2.42 has no annotations',
  },
  {
    match: (p) => p.includes(' atan2 '),
    reason: '2.48 drops the metric name for atan2 with a scalar (2.42 kept it)',
  },
  {
    match: (p) => p.includes('lookback_delta='),
    reason: 'the lookback_delta parameter is new since 2.42',
  },
  {
    match: (p) => p.startsWith('/api/v1/query?time='),
    reason: '2.48 words a parse error of an empty query "unknown position: …" (2.42: "1:1: …")',
  },
  {
    match: (p) =>
      p.startsWith('/api/v1/query_range?query=demo_temp_celsius[1m]') ||
      p.startsWith('/api/v1/query_range?query="str"'),
    reason: '2.48 prefixes the range-query type error with invalid parameter "query"',
  },
  {
    match: (p) => p.startsWith('/api/v1/targets?state=dropped'),
    reason: 'droppedTargetCounts is new in 2.48',
  },
  {
    match: (p) => p.startsWith('/api/v1/status/tsdb?limit'),
    reason: 'the limit parameter of status/tsdb is new in 2.48',
  },
];

function corpus(): Case[] {
  const q = (expr: string, extra = '') =>
    `/api/v1/query?query=${encodeURIComponent(expr)}&time=T${extra}`;
  const qr = (expr: string, extra = '&start=S&end=T&step=5') =>
    `/api/v1/query_range?query=${encodeURIComponent(expr)}${extra}`;
  const exprs = [
    'demo_requests_total',
    'demo_temp_celsius',
    'demo_temp_celsius{room="r1"}',
    'demo_temp_celsius{room=~"r[12]"}',
    'demo_temp_celsius{room!="r1"}',
    'demo_temp_celsius{room!~"r.*"}',
    'rate(demo_requests_total[30s])',
    'irate(demo_requests_total[30s])',
    'increase(demo_requests_total[30s])',
    'sum(rate(demo_requests_total[30s]))',
    'sum by (svc) (rate(demo_requests_total[30s]))',
    'sum without (inst) (rate(demo_requests_total[30s]))',
    'avg(demo_temp_celsius)',
    'max(demo_temp_celsius)',
    'min(demo_temp_celsius)',
    'count(demo_temp_celsius)',
    'stddev(demo_temp_celsius)',
    'topk(2, demo_temp_celsius)',
    'bottomk(1, demo_temp_celsius)',
    'quantile(0.9, demo_temp_celsius)',
    'count_values("v", demo_requests_total{inst="i0"} > 0)',
    'histogram_quantile(0.9, rate(demo_latency_seconds_bucket[30s]))',
    'histogram_quantile(2,rate(demo_latency_seconds_bucket[30s]))',
    'avg_over_time(demo_temp_celsius[30s])',
    'max_over_time(demo_temp_celsius[30s])',
    'min_over_time(demo_temp_celsius[30s])',
    'sum_over_time(demo_temp_celsius[30s])',
    'count_over_time(demo_temp_celsius[30s])',
    'quantile_over_time(0.5, demo_temp_celsius[30s])',
    'stddev_over_time(demo_temp_celsius[30s])',
    'last_over_time(demo_temp_celsius[30s])',
    'changes(demo_temp_celsius[30s])',
    'resets(demo_requests_total[30s])',
    'deriv(demo_temp_celsius[30s])',
    'predict_linear(demo_temp_celsius[30s], 60)',
    'delta(demo_temp_celsius[30s])',
    'idelta(demo_temp_celsius[30s])',
    'abs(demo_temp_celsius - 200)',
    'round(demo_temp_celsius, 5)',
    'clamp(demo_temp_celsius, 150, 200)',
    'demo_temp_celsius > 180',
    'demo_temp_celsius > bool 180',
    'demo_temp_celsius atan2 1',
    'demo_temp_celsius * 2 + 1',
    '-demo_temp_celsius',
    'sum by (svc) (demo_requests_total) / on(svc) group_left count by (svc) (demo_requests_total)',
    'demo_requests_total / ignoring(code) group_left sum without (code) (demo_requests_total)',
    'demo_temp_celsius and demo_temp_celsius{room="r1"}',
    'demo_temp_celsius or vector(1)',
    'demo_temp_celsius unless demo_temp_celsius{room="r2"}',
    'label_replace(demo_temp_celsius, "r", "$1", "room", "r(.*)")',
    'label_join(demo_temp_celsius, "x", "-", "room", "job")',
    'absent(nothing_here{a="b"})',
    'absent(demo_temp_celsius)',
    'vector(3)',
    'scalar(sum(demo_temp_celsius))',
    '1 + 2',
    '"a string"',
    'time()',
    'timestamp(demo_temp_celsius)',
    'max_over_time(rate(demo_requests_total[10s])[30s:5s])',
    'demo_temp_celsius offset 10s',
    'sort(demo_temp_celsius)',
    'sort_desc(demo_temp_celsius)',
    'sum(demo_temp_celsius) by (room) > on() group_left vector(0)',
  ];
  const cases: Case[] = [];
  for (const e of exprs) cases.push({ path: q(e), ordered: /^sort|topk|bottomk/.test(e) });
  for (const e of exprs.slice(0, 32)) cases.push({ path: qr(e) });
  cases.push(
    // Bad queries and parameters.
    { path: q('sum(') },
    { path: q('rate(demo_temp_celsius)') },
    { path: q('1 > 2') },
    { path: q('foo{') },
    { path: q('demo_temp_celsius + on(job) demo_temp_celsius') },
    { path: q('label_replace(demo_temp_celsius, "1x", "", "room", "")') },
    { path: '/api/v1/query?query=up&time=notatime' },
    { path: '/api/v1/query?time=T' },
    { path: '/api/v1/query?query=up&timeout=xyz' },
    { path: '/api/v1/query?query=up&time=2023-11-14T22:13:20.123Z' },
    { path: '/api/v1/query?query=demo_temp_celsius&time=T&lookback_delta=1s' },
    { path: qr('up', '&start=S&end=T&step=0') },
    { path: qr('up', '&start=S&end=T&step=-1') },
    { path: qr('up', '&start=T&end=S&step=5') },
    { path: qr('up', '&start=S&end=T&step=0.001') },
    { path: qr('up', '&start=S&end=T&step=abc') },
    { path: qr('up', '&start=xyz&end=T&step=5') },
    { path: qr('up', '&end=T&step=5') },
    { path: qr('demo_temp_celsius[1m]') },
    { path: qr('"str"') },
    { path: qr('demo_temp_celsius', '&start=S&end=T&step=1m') },
    { path: qr('demo_temp_celsius', '&start=S&end=T&step=2.5') },
    // Series, labels, label values.
    { path: '/api/v1/series?match[]=demo_temp_celsius' },
    { path: '/api/v1/series?match[]=demo_temp_celsius&match[]=demo_latency_seconds_bucket' },
    { path: '/api/v1/series?match[]={room="r1"}&start=S&end=T' },
    { path: '/api/v1/series' },
    { path: '/api/v1/series?match[]={}' },
    { path: '/api/v1/series?match[]={room=~".*"}' },
    { path: '/api/v1/series?match[]=foo{' },
    { path: '/api/v1/series?match[]=demo_temp_celsius&start=abc' },
    { path: '/api/v1/series', method: 'POST', form: 'match[]=demo_temp_celsius' },
    { path: '/api/v1/labels?match[]=demo_temp_celsius' },
    { path: '/api/v1/labels?match[]={job="demo"}' },
    { path: '/api/v1/labels?match[]=foo{' },
    { path: '/api/v1/label/room/values' },
    { path: '/api/v1/label/room/values?match[]=demo_temp_celsius{room!="r0"}' },
    { path: '/api/v1/label/nonexistent/values' },
    { path: '/api/v1/label/1bad/values' },
    { path: '/api/v1/label/__name__/values?match[]={job="demo"}' },
    { path: '/api/v1/labels', method: 'POST', form: 'match[]=demo_temp_celsius' },
    { path: '/api/v1/query', method: 'POST', form: 'query=sum(demo_temp_celsius)&time=T' },
    {
      path: '/api/v1/query_range',
      method: 'POST',
      form: 'query=sum(demo_temp_celsius)&start=S&end=T&step=10',
    },
    // Metadata, rules, alerts, admin, unknown endpoints.
    { path: '/api/v1/metadata' },
    { path: '/api/v1/metadata?metric=demo_temp_celsius' },
    { path: '/api/v1/metadata?limit=5' }, // which metrics a smaller limit keeps is Go-map order in Prometheus
    { path: '/api/v1/metadata?limit=x' },
    { path: '/api/v1/targets/metadata?metric=demo_temp_celsius' },
    { path: '/api/v1/targets/metadata?match_target={job="demo"}&metric=demo_latency_seconds' },
    { path: '/api/v1/targets/metadata?limit=abc' },
    { path: '/api/v1/rules' },
    { path: '/api/v1/rules?type=alert' },
    { path: '/api/v1/rules?type=bogus' },
    { path: '/api/v1/alerts' },
    { path: '/api/v1/alertmanagers' },
    { path: '/api/v1/scrape_pools' },
    { path: '/api/v1/targets?state=dropped' },
    { path: '/api/v1/admin/tsdb/snapshot', method: 'POST' },
    { path: '/api/v1/admin/tsdb/delete_series', method: 'POST', form: 'match[]=up' },
    { path: '/api/v1/admin/tsdb/clean_tombstones', method: 'POST' },
    { path: '/api/v1/nonexistent' },
    { path: '/api/v1/query_exemplars?query=demo_temp_celsius&start=S&end=T' },
    { path: '/api/v1/query_exemplars?query=foo{' },
    { path: '/api/v1/status/tsdb?limit=0' },
    { path: '/api/v1/format_query?query=sum(rate(x[5m]))' },
  );
  return cases;
}

test(
  'the request corpus gives the same answers from this server and from the real Prometheus',
  { skip: !available && 'the real Prometheus is not installed (scripts/install-peers.sh)' },
  async () => {
    const cases = corpus();
    assert.ok(cases.length >= 150, `corpus has ${cases.length} requests`);
    const problems: string[] = [];
    let compared = 0;
    for (const c of cases) {
      const S = T - 20;
      const path = c.path.replaceAll('=T', `=${T}`).replaceAll('=S', `=${S}`);
      const form = c.form?.replaceAll('=T', `=${T}`).replaceAll('=S', `=${S}`);
      const [a, b] = await Promise.all([
        ask(ours!.url, path, c.method, form),
        ask(real!.url, path, c.method, form),
      ]);
      if (VERSION_DIFFERENCES.some((v) => v.match(decodeURIComponent(c.path)))) continue;
      compared++;
      if (a.status !== b.status) {
        problems.push(
          `${c.method ?? 'GET'} ${c.path}: status ${a.status} != ${b.status} (${JSON.stringify(a.body).slice(0, 150)} | ${JSON.stringify(b.body).slice(0, 150)})`,
        );
        continue;
      }
      if (typeof a.body === 'string' || typeof b.body === 'string') {
        if (a.body !== b.body)
          problems.push(`${c.path}: body ${JSON.stringify(a.body)} != ${JSON.stringify(b.body)}`);
        continue;
      }
      if (
        a.body.status !== b.body.status ||
        a.body.errorType !== b.body.errorType ||
        a.body.error !== b.body.error
      ) {
        problems.push(
          `${c.path}: ${a.body.errorType}: ${a.body.error} != ${b.body.errorType}: ${b.body.error}`,
        );
        continue;
      }
      const d = same(a.body.data, b.body.data, 'data', !c.ordered);
      if (d) problems.push(`${c.path}: ${d}`);
      const wa = a.body.warnings ?? [];
      const wb = b.body.warnings ?? [];
      if (JSON.stringify(wa) !== JSON.stringify(wb))
        problems.push(`${c.path}: warnings ${JSON.stringify(wa)} != ${JSON.stringify(wb)}`);
    }
    assert.ok(compared >= 150, `compared ${compared}`);
    assert.deepEqual(problems, []);
  },
);

test(
  "buildinfo, flags, runtimeinfo, config, targets and tsdb status have Prometheus's shape",
  { skip: !available && 'the real Prometheus is not installed' },
  async () => {
    for (const p of [
      '/api/v1/status/buildinfo',
      '/api/v1/status/runtimeinfo',
      '/api/v1/status/tsdb',
      '/api/v1/targets',
      '/api/v1/status/walreplay',
    ]) {
      const [a, b] = await Promise.all([ask(ours!.url, p), ask(real!.url, p)]);
      assert.equal(a.status, b.status, p);
      const shape = (x: unknown): unknown =>
        Array.isArray(x)
          ? x.length
            ? [shape(x[0])]
            : []
          : x && typeof x === 'object'
            ? Object.fromEntries(
                Object.keys(x)
                  .sort()
                  .map((k) => [k, shape((x as Record<string, unknown>)[k])]),
              )
            : typeof x;
      const sa = shape((a.body as { data: unknown }).data) as Record<string, unknown>;
      const sb = shape((b.body as { data: unknown }).data) as Record<string, unknown>;
      if (p.endsWith('/tsdb')) {
        // Our demo data differs from Prometheus's own in which label names exist; compare the top level.
        assert.deepEqual(Object.keys(sa), Object.keys(sb), p);
      } else if (p.endsWith('/runtimeinfo')) {
        // GOMEMLIMIT is new in 2.48's runtimeinfo (the Debian 2.42 lacks it).
        assert.deepEqual(
          Object.keys(sa).filter((k) => k !== 'GOMEMLIMIT'),
          Object.keys(sb),
          p,
        );
      } else if (p.endsWith('/targets')) {
        // droppedTargetCounts is new in 2.48.
        const { droppedTargetCounts, ...rest } = sa;
        assert.ok(droppedTargetCounts);
        assert.deepEqual(rest, sb, p);
      } else {
        assert.deepEqual(sa, sb, p);
      }
    }
    const flagsA = (await ask(ours!.url, '/api/v1/status/flags')).body as {
      data: Record<string, string>;
    };
    const flagsB = (await ask(real!.url, '/api/v1/status/flags')).body as {
      data: Record<string, string>;
    };
    for (const k of [
      'config.file',
      'storage.tsdb.retention.time',
      'web.listen-address',
      'query.lookback-delta',
      'query.max-samples',
    ])
      assert.ok(k in flagsA.data && k in flagsB.data, k);
    // Every flag both have shows the same value (parsed and printed back: 0s, 0B, 1d12h, 50000000,
    // the derived route prefix), but for the paths and ports of each run and Debian's own defaults.
    const perRun = new Set([
      'config.file',
      'storage.tsdb.path',
      'web.listen-address',
      'web.console.libraries',
      'web.console.templates',
    ]);
    for (const k of Object.keys(flagsA.data)) {
      if (k in flagsB.data && !perRun.has(k)) assert.equal(flagsA.data[k], flagsB.data[k], k);
    }
  },
);

test(
  'the real promtool query prints the same for this server as for the real Prometheus, and so does promtool-ts query',
  { skip: !available && 'the real Prometheus is not installed' },
  async () => {
    const { runCommand, runPromtoolTs } = await import('../../support/server.ts');
    const S = T - 20;
    const cmds = [
      ['query', 'instant', `--time=${T}`, '{u}', 'demo_temp_celsius'],
      ['query', 'instant', `--time=${T}`, '{u}', 'sum by (svc) (rate(demo_requests_total[30s]))'],
      ['query', 'instant', `--time=${T}`, '-o', 'json', '{u}', 'demo_temp_celsius{room="r1"}'],
      [
        'query',
        'range',
        `--start=${S}`,
        `--end=${T}`,
        '--step=5s',
        '{u}',
        'demo_temp_celsius{room="r2"}',
      ],
      ['query', 'series', '--match=demo_temp_celsius', '{u}'],
      ['query', 'labels', '{u}', 'room'],
      ['query', 'instant', '{u}', 'sum('],
    ];
    for (const c of cmds) {
      const a = await runCommand(
        PEERS.promtool,
        c.map((x) => x.replace('{u}', ours!.url)),
      );
      const b = await runCommand(
        PEERS.promtool,
        c.map((x) => x.replace('{u}', real!.url)),
      );
      assert.equal(a.code, b.code, c.join(' '));
      assert.equal(
        a.stdout.replaceAll(/instance="127\.0\.0\.1:\d+"/g, ''),
        b.stdout.replaceAll(/instance="127\.0\.0\.1:\d+"/g, ''),
        c.join(' '),
      );
      assert.equal(a.stderr, b.stderr, c.join(' '));
      // promtool-ts query prints what promtool prints, against either server.
      const ts = await runPromtoolTs(c.map((x) => x.replace('{u}', real!.url)));
      assert.equal(ts.code, b.code, `promtool-ts ${c.join(' ')}`);
      assert.equal(ts.stdout, b.stdout, `promtool-ts ${c.join(' ')}`);
      assert.equal(ts.stderr, b.stderr, `promtool-ts ${c.join(' ')}`);
    }
  },
);

test(
  'the npm client prometheus-query runs instant, range, series and labels calls',
  { skip: !available && 'the real Prometheus is not installed' },
  async () => {
    const { PrometheusDriver } = await import('prometheus-query');
    const prom = new PrometheusDriver({ endpoint: ours!.url, baseURL: '/api/v1' });
    const inst = await prom.instantQuery('demo_temp_celsius', new Date(T * 1000));
    assert.equal(inst.resultType, 'vector');
    assert.equal(inst.result.length, 4);
    const range = await prom.rangeQuery(
      'sum(demo_temp_celsius)',
      new Date((T - 20) * 1000),
      new Date(T * 1000),
      5,
    );
    assert.equal(range.resultType, 'matrix');
    assert.equal(range.result[0].values.length, 5);
    const series = await prom.series(
      'demo_temp_celsius',
      new Date((T - 20) * 1000),
      new Date(T * 1000),
    );
    assert.equal(series.length, 4);
    const names = await prom.labelNames();
    assert.ok(names.includes('room'));
    const values = await prom.labelValues('room');
    assert.deepEqual(values, ['r0', 'r1', 'r2', 'r3']);
  },
);

test(
  "Grafana's Prometheus data source calls all succeed as on the real Prometheus",
  { skip: !available && 'the real Prometheus is not installed' },
  async () => {
    const S = T - 20;
    const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
    // What Grafana 10's data source sends: health check, the metrics browser, variables, panels.
    const calls: [string, string, string?][] = [
      ['GET', '/api/v1/status/buildinfo'],
      ['GET', `/api/v1/query?query=1%2B1&time=${T}`],
      ['GET', `/api/v1/labels?start=${S}&end=${T}`],
      ['GET', `/api/v1/labels?match[]=demo_temp_celsius&start=${S}&end=${T}`],
      ['GET', `/api/v1/label/__name__/values?start=${S}&end=${T}`],
      ['GET', `/api/v1/label/room/values?match[]=demo_temp_celsius&start=${S}&end=${T}`],
      ['GET', `/api/v1/series?match[]=demo_temp_celsius&start=${S}&end=${T}`],
      ['GET', '/api/v1/metadata'],
      ['GET', '/api/v1/metadata?metric=demo_temp_celsius'],
      [
        'POST',
        '/api/v1/query',
        form({ query: 'sum(rate(demo_requests_total[30s]))', time: String(T) }),
      ],
      [
        'POST',
        '/api/v1/query_range',
        form({
          query: 'sum by (svc) (rate(demo_requests_total[30s]))',
          start: String(S),
          end: String(T),
          step: '5',
        }),
      ],
      [
        'POST',
        '/api/v1/query_exemplars',
        form({ query: 'demo_requests_total', start: String(S), end: String(T) }),
      ],
      ['GET', '/api/v1/rules'],
      ['GET', '/api/v1/alerts'],
    ];
    for (const [method, path, body] of calls) {
      const [a, b] = await Promise.all([
        ask(ours!.url, path, method, body),
        ask(real!.url, path, method, body),
      ]);
      assert.equal(a.status, 200, `${method} ${path}: ${JSON.stringify(a.body).slice(0, 200)}`);
      assert.equal(a.status, b.status, path);
    }
  },
);
