// The scrape side end to end: real exporters (Debian's node_exporter, an in-process prom-client
// exporter and a hand-written one) scraped by the ScrapeManager into the TSDB, and the same
// targets in the real Prometheus giving the same target labels and series.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { openDB } from '../../src/tsdb/index.ts';
import { populateLabels } from '../../src/scrape/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { Matcher, MatchType, Labels } from '../../src/model/labels/index.ts';
import { client } from '../../src/util/metrics.ts';
import {
  freePort,
  peer,
  startProcess,
  tempDir,
  waitReady,
  startRealPrometheus,
} from '../support/peers.ts';
import { read, until, harness, serve, scrapeOneTarget } from './harness.ts';

const eq = (n: string, v: string) => new Matcher(MatchType.Equal, n, v);

test('node_exporter: every exposed series is stored with target labels; up and the report series', async (t) => {
  const bin = peer('node_exporter', t);
  if (!bin) return;
  const port = await freePort();
  const ne = startProcess(bin, [`--web.listen-address=127.0.0.1:${port}`]);
  t.after(() => ne.stop());
  await waitReady(`http://127.0.0.1:${port}/metrics`, 15_000, ne);
  const h = await harness(
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  t.after(() => h.stop());
  await until(() =>
    read(h.db, eq('__name__', 'up'), eq('job', 'node')).some((s) => s.vs.length >= 2),
  );
  const up = read(h.db, eq('__name__', 'up'))[0]!;
  assert.equal(up.labels.toString(), `{__name__="up", instance="127.0.0.1:${port}", job="node"}`);
  assert.equal(up.vs.at(-1), 1);
  // Every metric family node_exporter exposes is stored under its name with job/instance added.
  const exposed = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const names = new Set(
    exposed
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]!),
  );
  const stored = new Set(read(h.db, eq('job', 'node')).map((s) => s.labels.get('__name__')));
  for (const n of names) assert.ok(stored.has(n), `missing ${n}`);
  for (const r of [
    'scrape_duration_seconds',
    'scrape_samples_scraped',
    'scrape_samples_post_metric_relabeling',
    'scrape_series_added',
  ])
    assert.ok(stored.has(r), r);
  const scraped = read(h.db, eq('__name__', 'scrape_samples_scraped'))[0]!;
  assert.ok(scraped.vs.at(-1)! > 100);
  // Metadata from # HELP / # TYPE is kept per target.
  const target = h.sm.targetsActive().get('node')![0]!;
  const md = target
    .metadata()
    .find((m) => m.metric === 'node_cpu_seconds_total' || m.metric === 'node_cpu_seconds');
  assert.ok(md && md.type === 'counter' && md.help.length > 0);
  assert.equal(target.health, 'up');
});

test('an exporter that goes away: up 0 with the error, and its series end with a stale marker', async (t) => {
  let alive = true;
  let body = 'a_metric{x="1"} 1\nb_metric 2\n';
  const { port, server } = await serve(() => (alive ? { body } : { status: 503, body: 'down' }));
  t.after(() => server.close());
  const h = await harness(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  t.after(() => h.stop());
  await until(() => (read(h.db, eq('__name__', 'b_metric'))[0]?.vs.length ?? 0) >= 2);
  // A series that disappears from the body gets a stale marker at the next scrape.
  body = 'a_metric{x="1"} 1\n';
  await until(() => read(h.db, eq('__name__', 'b_metric'))[0]!.stale.includes(true));
  alive = false;
  await until(() => read(h.db, eq('__name__', 'up'))[0]!.vs.at(-1) === 0);
  await until(() => read(h.db, eq('__name__', 'a_metric'))[0]!.stale.includes(true));
  const tgt = h.sm.targetsActive().get('app')![0]!;
  assert.equal(tgt.health, 'down');
  assert.equal(tgt.lastError, 'server returned HTTP status 503 Service Unavailable');
});

test('series that change places or names between bodies keep their own values (the cache tries the last position first)', async (t) => {
  const bodies = [
    'm{a="1"} 1\nm{a="2"} 2\nm{a="3"} 3\n',
    'm{a="3"} 30\nm{a="2"} 20\nm{a="1"} 10\n', // reversed
    'm{a="1"} 100\nm{a="4"} 400\nm{a="3"} 300\n', // a="2" replaced, in its place, by a series of the same length
  ];
  let n = 0;
  const { port, server } = await serve(() => ({ body: bodies[Math.min(n++, bodies.length - 1)]! }));
  t.after(() => server.close());
  const h = await harness(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  t.after(() => h.stop());
  const values = (a: string) => read(h.db, eq('__name__', 'm'), eq('a', a))[0]?.vs ?? [];
  await until(() => values('4').length >= 2);
  assert.deepEqual(values('1').slice(0, 3), [1, 10, 100]);
  assert.deepEqual(values('3').slice(0, 3), [3, 30, 300]);
  assert.deepEqual(values('2').slice(0, 2), [2, 20]);
  assert.equal(read(h.db, eq('__name__', 'm'), eq('a', '2'))[0]!.stale[2], true);
  assert.ok(values('4').every((v) => v === 400));
  assert.deepEqual(read(h.db, eq('__name__', 'scrape_series_added'))[0]!.vs.slice(0, 3), [3, 0, 1]);
});

test('a series text the text format accepted is parsed again when the target switches to OpenMetrics', async (t) => {
  let om = false;
  const { port, server } = await serve(() =>
    om
      ? {
          body: '# TYPE m gauge\nm{a="1",} 2\n# EOF\n',
          type: 'application/openmetrics-text; version=1.0.0',
        }
      : { body: 'm{a="1",} 1\n' },
  );
  t.after(() => server.close());
  const h = await harness(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  t.after(() => h.stop());
  await until(() => read(h.db, eq('__name__', 'm')).length > 0);
  om = true; // a trailing comma is not OpenMetrics
  await until(() => read(h.db, eq('__name__', 'up'))[0]!.vs.at(-1) === 0);
  assert.match(h.sm.targetsActive().get('app')![0]!.lastError, /expected label name, got "}"/);
});

test('a scrape that overruns its interval takes the next turn: scrapes of one target never overlap', async (t) => {
  const { port, server } = await serve(() => ({ body: 'm 1\n' }));
  t.after(() => server.close());
  const { dir, cleanup } = tempDir('scrape-');
  const db = await openDB(dir, {}, {});
  let open = 0;
  let most = 0;
  let commits = 0;
  // Commits that take 2.5 intervals, as when the event loop is held up.
  const slow = {
    appender() {
      const inner = db.appender();
      most = Math.max(most, ++open);
      return {
        append: inner.append.bind(inner),
        appendHistogram: inner.appendHistogram.bind(inner),
        rollback: inner.rollback.bind(inner),
        async commit() {
          await new Promise((r) => setTimeout(r, 500));
          open--;
          commits++;
          return inner.commit();
        },
      };
    },
  };
  const sm = scrapeOneTarget(slow, port);
  t.after(async () => {
    await sm.stop();
    await db.close();
    cleanup();
  });
  await until(() => commits >= 3);
  assert.equal(most, 1);
});

test('the scrape request: path and params, Accept, Accept-Encoding, User-Agent, timeout header, basic auth', async (t) => {
  const seen: { url: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end('m 1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  t.after(() => server.close());
  const h = await harness(`global:
  scrape_interval: 200ms
  scrape_timeout: 150ms
scrape_configs:
  - job_name: app
    metrics_path: /custom
    params: {module: [a]}
    basic_auth: {username: u, password: p}
    static_configs:
      - targets: ['127.0.0.1:${port}']
`);
  t.after(() => h.stop());
  await until(() => seen.length >= 2);
  const r = seen[1]!;
  assert.equal(r.url, '/custom?module=a');
  assert.equal(r.headers['authorization'], 'Basic ' + Buffer.from('u:p').toString('base64'));
  assert.match(String(r.headers['accept']), /^application\/openmetrics-text;version=1\.0\.0,/);
  assert.equal(r.headers['accept-encoding'], 'gzip');
  assert.match(String(r.headers['user-agent']), /^Prometheus\//);
  assert.equal(r.headers['x-prometheus-scrape-timeout-seconds'], '0.15');
  assert.equal(r.headers['host'], `127.0.0.1:${port}`);
});

test('a body that does not parse fails the whole scrape and stores nothing of it', async (t) => {
  const { port, server } = await serve(() => ({ body: 'good_metric 1\nbad{ metric 2\n' }));
  t.after(() => server.close());
  const h = await harness(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: app\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
  );
  t.after(() => h.stop());
  await until(() => read(h.db, eq('__name__', 'up')).length > 0);
  assert.equal(read(h.db, eq('__name__', 'up'))[0]!.vs.at(-1), 0);
  assert.equal(read(h.db, eq('__name__', 'good_metric')).length, 0);
  const tgt = h.sm.targetsActive().get('app')![0]!;
  assert.match(
    tgt.lastError,
    /^expected equal, got "2" \("INVALID"\) while parsing: "bad\{ metric 2"$/,
  );
});

test('honor_labels, exported_ renaming, metric_relabel_configs, sample_limit, gzip, OpenMetrics', async (t) => {
  const { port, server } = await serve((path) => {
    if (path.startsWith('/om'))
      return {
        body: '# TYPE m counter\nm_total{job="exported"} 3\n# EOF\n',
        type: 'application/openmetrics-text; version=1.0.0',
      };
    return { body: 'x{job="inner",instance="i"} 1\ndrop_me 5\nkeep_me 6\n', gzip: true };
  });
  t.after(() => server.close());
  const h = await harness(`global:
  scrape_interval: 200ms
  scrape_timeout: 100ms
scrape_configs:
  - job_name: plain
    static_configs: [{targets: ['127.0.0.1:${port}']}]
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: drop_me
        action: drop
  - job_name: honor
    honor_labels: true
    metrics_path: /honor
    static_configs: [{targets: ['127.0.0.1:${port}']}]
  - job_name: limited
    sample_limit: 2
    metrics_path: /limited
    static_configs: [{targets: ['127.0.0.1:${port}']}]
  - job_name: om
    metrics_path: /om
    static_configs: [{targets: ['127.0.0.1:${port}']}]
`);
  t.after(() => h.stop());
  await until(
    () =>
      read(h.db, eq('__name__', 'up')).length === 4 &&
      read(h.db, eq('__name__', 'm_total')).length === 1,
  );
  await until(() => read(h.db, eq('__name__', 'x')).length === 2);
  const xs = read(h.db, eq('__name__', 'x'))
    .map((s) => s.labels.toString())
    .sort();
  assert.deepEqual(xs, [
    `{__name__="x", exported_instance="i", exported_job="inner", instance="127.0.0.1:${port}", job="plain"}`,
    '{__name__="x", instance="i", job="inner"}',
  ]);
  assert.equal(read(h.db, eq('__name__', 'drop_me'), eq('job', 'plain')).length, 0);
  assert.equal(read(h.db, eq('__name__', 'keep_me'), eq('job', 'plain')).length, 1);
  const limited = h.sm.targetsActive().get('limited')![0]!;
  await until(() => limited.lastScrape !== null);
  assert.equal(limited.lastError, 'sample limit exceeded');
  const om = read(h.db, eq('__name__', 'm_total'))[0]!;
  assert.equal(
    om.labels.toString(),
    `{__name__="m_total", exported_job="exported", instance="127.0.0.1:${port}", job="om"}`,
  );
});

test('relabeling drops targets (kept for the API) and the real Prometheus agrees on target labels and series', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { port, server } = await serve(() => ({
    body: 'demo_metric{a="1"} 1\ndemo_metric{a="2"} 2\nother 3\n',
  }));
  t.after(() => server.close());
  const yaml = `global:
  scrape_interval: 1s
  scrape_timeout: 500ms
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ['127.0.0.1:${port}', 'localhost:${port}']
        labels: {team: a}
    relabel_configs:
      - source_labels: [__address__]
        regex: 'localhost:.*'
        action: drop
      - source_labels: [team]
        target_label: owner
        replacement: 'team-$1'
      - regex: team
        action: labeldrop
    metric_relabel_configs:
      - source_labels: [__name__]
        regex: other
        action: drop
`;
  const real = await startRealPrometheus(yaml);
  t.after(() => real.stop());
  const h = await harness(yaml);
  t.after(() => h.stop());
  await until(() => read(h.db, eq('__name__', 'demo_metric')).length === 2);
  const realTargets = async () =>
    (
      (await (await fetch(`${real.url}/api/v1/targets`)).json()) as {
        data: {
          activeTargets: { labels: Record<string, string>; health: string }[];
          droppedTargets: { discoveredLabels: Record<string, string> }[];
        };
      }
    ).data;
  await until(() => true);
  let rt = await realTargets();
  for (let i = 0; i < 50 && rt.activeTargets[0]?.health !== 'up'; i++) {
    await new Promise((r) => setTimeout(r, 200));
    rt = await realTargets();
  }
  const ours = h.sm.targetsActive().get('demo')!;
  assert.deepEqual(
    ours.map((x) => x.labels.toObject()),
    rt.activeTargets.map((x) => x.labels),
  );
  assert.deepEqual(
    h.sm
      .targetsDropped()
      .get('demo')!
      .map((x) => x.discoveredLabels.toObject()),
    rt.droppedTargets.map((x) => x.discoveredLabels),
  );
  const realSeries = (
    (await (await fetch(`${real.url}/api/v1/series?match[]={job="demo"}`)).json()) as {
      data: Record<string, string>[];
    }
  ).data;
  await until(() => read(h.db, eq('job', 'demo')).length >= realSeries.length);
  const ourSeries = read(h.db, eq('job', 'demo')).map((s) => s.labels.toObject());
  const key = (o: Record<string, string>) => JSON.stringify(Object.entries(o).sort());
  assert.deepEqual(new Set(ourSeries.map(key)), new Set(realSeries.map(key)));
});

test('prom-client exporter: counters, gauges, histograms arrive as exposed', async (t) => {
  const reg = new client.Registry();
  const c = new client.Counter({
    name: 'jobs_total',
    help: 'Jobs.',
    labelNames: ['kind'],
    registers: [reg],
  });
  const hist = new client.Histogram({
    name: 'lat_seconds',
    help: 'Latency.',
    buckets: [0.1, 1],
    registers: [reg],
  });
  c.inc({ kind: 'a' }, 3);
  hist.observe(0.5);
  const server = createServer(async (_req, res) => {
    res.writeHead(200, { 'Content-Type': reg.contentType }).end(await reg.metrics());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const h = await harness(
    `global:\n  scrape_interval: 200ms\n  scrape_timeout: 100ms\nscrape_configs:\n  - job_name: pc\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`,
  );
  after(() => h.stop());
  await until(() => read(h.db, eq('__name__', 'lat_seconds_bucket')).length === 3);
  assert.equal(read(h.db, eq('__name__', 'jobs_total'), eq('kind', 'a'))[0]!.vs.at(-1), 3);
  const buckets = read(h.db, eq('__name__', 'lat_seconds_bucket')).map((s) => [
    s.labels.get('le'),
    s.vs.at(-1),
  ]);
  assert.deepEqual(buckets.sort(), [
    ['+Inf', 1],
    ['0.1', 0],
    ['1', 1],
  ]);
});

test('--enable-feature=extra-scrape-metrics adds scrape_timeout_seconds, scrape_sample_limit, scrape_body_size_bytes', async (t) => {
  const body = '# TYPE m gauge\nm 1\nn 2\n';
  const { port, server } = await serve((path) =>
    path === '/big' ? { body: body.repeat(100) } : { body },
  );
  t.after(() => server.close());
  const h = await harness(
    `scrape_configs:
  - job_name: x
    scrape_interval: 200ms
    scrape_timeout: 150ms
    sample_limit: 500
    static_configs: [{targets: ['127.0.0.1:${port}']}]
  - job_name: limited
    scrape_interval: 200ms
    scrape_timeout: 150ms
    body_size_limit: 100B
    metrics_path: /big
    static_configs: [{targets: ['127.0.0.1:${port}']}]
`,
    { extraMetrics: true },
  );
  t.after(() => h.stop());
  const last = (name: string, job: string) =>
    read(h.db, eq('__name__', name), eq('job', job))[0]?.vs.at(-1);
  await until(
    () =>
      last('scrape_body_size_bytes', 'limited') !== undefined &&
      last('scrape_body_size_bytes', 'x') !== undefined,
  );
  assert.equal(last('scrape_timeout_seconds', 'x'), 0.15);
  assert.equal(last('scrape_sample_limit', 'x'), 500);
  assert.equal(last('scrape_body_size_bytes', 'x'), Buffer.byteLength(body));
  assert.equal(last('scrape_body_size_bytes', 'limited'), -1, 'over body_size_limit');
  assert.equal(last('up', 'limited'), 0);
});

test('--enable-feature=no-default-scrape-port leaves a port-less address without a port', () => {
  const cfg = loadConfig('scrape_configs:\n  - job_name: j\n', 'p.yml').scrape_configs[0]!;
  const base = Labels.fromStrings('__address__', 'node.example');
  assert.equal(populateLabels(base, cfg).labels?.get('instance'), 'node.example:80');
  assert.equal(populateLabels(base, cfg, true).labels?.get('instance'), 'node.example');
  assert.equal(
    populateLabels(base, { ...cfg, scheme: 'https' }).labels?.get('instance'),
    'node.example:443',
  );
});
