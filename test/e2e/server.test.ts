// The server process end to end, started as a user starts it: readiness, self-scrape, status
// endpoints, reloads (good, bad, gated), signals, the data directory lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { startOurServer, type OurServer } from '../support/server.ts';
import { freePort, tempDir, startProcess } from '../support/peers.ts';
import { SERVER_ENTRY } from '../support/server.ts';
import { SEED, ROOT } from '../support/paths.ts';

const selfScrape = (port: number, interval = '1s') => `global:
  scrape_interval: ${interval}
  evaluation_interval: ${interval}
  external_labels:
    cluster: test
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:${port}']
`;

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  return (await r.json()) as T;
}

async function metricValue(base: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

async function until<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts our server with a config that scrapes itself (the port is chosen before start). */
async function startSelfScraping(extraArgs: string[] = [], interval = '1s'): Promise<OurServer> {
  const port = await freePort();
  return startOurServer(selfScrape(port, interval), extraArgs, { port });
}

test('ready within 10 s; scrapes itself; /metrics and status endpoints answer', async (t) => {
  const started = Date.now();
  const s = await startSelfScraping(['--web.enable-lifecycle']);
  t.after(() => s.stop());
  assert.ok(Date.now() - started < 10_000, `ready after ${Date.now() - started} ms`);
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  for (const name of [
    'prometheus_build_info',
    'prometheus_config_last_reload_successful',
    'prometheus_ready',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'process_start_time_seconds',
    'prometheus_http_requests_total',
  ]) {
    assert.match(metrics, new RegExp(`^${name}`, 'm'), name);
  }
  const cfg = await json<{ status: string; data: { yaml: string } }>(
    `${s.url}/api/v1/status/config`,
  );
  assert.equal(cfg.status, 'success');
  assert.match(cfg.data.yaml, /job_name: prometheus/);
  const flags = await json<{ data: Record<string, string> }>(`${s.url}/api/v1/status/flags`);
  assert.equal(flags.data['web.enable-lifecycle'], 'true');
  assert.equal(flags.data['query.lookback-delta'], '5m');
  const build = await json<{ data: { version: string } }>(`${s.url}/api/v1/status/buildinfo`);
  assert.match(build.data.version, /^2\.48\./);
  const up = await until(async () => {
    const r = await json<{
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    }>(`${s.url}/api/v1/query?query=up`);
    return r.data.result.length > 0 ? r.data.result : undefined;
  });
  assert.equal(up[0]!.metric.job, 'prometheus');
  assert.equal(up[0]!.value[1], '1');
});

test('reload: a good config applies, a bad one is rejected whole and the old keeps running', async (t) => {
  const s = await startSelfScraping(['--web.enable-lifecycle']);
  t.after(() => s.stop());
  const cfgPath = join(s.dir, 'prometheus.yml');
  const good = readFileSync(cfgPath, 'utf8');
  writeFileSync(cfgPath, good.replace('cluster: test', 'cluster: reloaded'));
  let r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 200);
  let cfg = await json<{ data: { yaml: string } }>(`${s.url}/api/v1/status/config`);
  assert.match(cfg.data.yaml, /reloaded/);
  assert.equal(await metricValue(s.url, 'prometheus_config_last_reload_successful'), 1);
  type RuntimeInfo = { data: { reloadConfigSuccess: boolean; lastConfigTime: string } };
  const goodInfo = await json<RuntimeInfo>(`${s.url}/api/v1/status/runtimeinfo`);
  assert.equal(goodInfo.data.reloadConfigSuccess, true);
  // The time of the last good load, in whole seconds as Prometheus reads it from its gauge.
  assert.match(goodInfo.data.lastConfigTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(
    Date.parse(goodInfo.data.lastConfigTime) / 1000,
    await metricValue(s.url, 'prometheus_config_last_reload_success_timestamp_seconds'),
  );

  writeFileSync(
    cfgPath,
    good.replace(
      'scrape_configs:',
      'scrape_configs:\n  - job_name: prometheus\n    unknown_field: 1',
    ),
  );
  r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 500);
  assert.equal(
    await r.text(),
    `failed to reload config: couldn't load configuration (--config.file="${cfgPath}"): parsing YAML file ${cfgPath}: yaml: unmarshal errors:\n  line 8: field unknown_field not found in type config.ScrapeConfig\n`,
    'worded as Prometheus',
  );
  assert.equal(await metricValue(s.url, 'prometheus_config_last_reload_successful'), 0);
  const badInfo = await json<RuntimeInfo>(`${s.url}/api/v1/status/runtimeinfo`);
  assert.equal(badInfo.data.reloadConfigSuccess, false);
  assert.equal(
    badInfo.data.lastConfigTime,
    goodInfo.data.lastConfigTime,
    'a failed reload keeps the last good time',
  );
  cfg = await json<{ data: { yaml: string } }>(`${s.url}/api/v1/status/config`);
  assert.match(cfg.data.yaml, /reloaded/, 'old config still served');
  assert.equal((await fetch(`${s.url}/-/healthy`)).status, 200);

  // A bad rule file is a failed reload too, and the old rules stay.
  const rules = join(s.dir, 'rules.yml');
  writeFileSync(
    rules,
    'groups:\n  - name: g\n    rules:\n      - record: ok_rule\n        expr: vector(1)\n',
  );
  writeFileSync(cfgPath, good + `rule_files: ['${rules}']\n`);
  assert.equal((await fetch(`${s.url}/-/reload`, { method: 'POST' })).status, 200);
  writeFileSync(
    rules,
    'groups:\n  - name: g\n    rules:\n      - record: ok_rule\n        expr: sum(\n',
  );
  r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 500);
  assert.equal(
    await r.text(),
    `failed to reload config: one or more errors occurred while applying the new configuration (--config.file="${cfgPath}")\n`,
  );
  const groups = await json<{ data: { groups: { rules: { name: string }[] }[] } }>(
    `${s.url}/api/v1/rules`,
  );
  assert.equal(groups.data.groups[0]!.rules[0]!.name, 'ok_rule');
});

test('SIGHUP reloads; without --web.enable-lifecycle /-/reload is 403', async (t) => {
  const s = await startSelfScraping();
  t.after(() => s.stop());
  const r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 403);
  const cfgPath = join(s.dir, 'prometheus.yml');
  writeFileSync(cfgPath, readFileSync(cfgPath, 'utf8').replace('cluster: test', 'cluster: hup'));
  s.proc.proc.kill('SIGHUP');
  await until(async () =>
    /hup/.test((await json<{ data: { yaml: string } }>(`${s.url}/api/v1/status/config`)).data.yaml),
  );
});

test('SIGTERM shuts down cleanly (exit 0) and the data survives a restart', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const port = await freePort();
  let s = await startOurServer(selfScrape(port), [], { dir, port });
  const first = await until(async () => {
    const r = await json<{ data: { result: unknown[] } }>(
      `${s.url}/api/v1/query?query=count_over_time(up[1h])`,
    );
    return r.data.result.length > 0 ? r.data.result : undefined;
  });
  assert.ok(first);
  assert.equal(await s.stop('SIGTERM'), 0);
  s = await startOurServer(selfScrape(port), [], { dir, port });
  t.after(() => s.stop());
  const r = await json<{ data: { result: { value: [number, string] }[] } }>(
    `${s.url}/api/v1/query?query=count_over_time(up[1h])`,
  );
  assert.ok(Number(r.data.result[0]!.value[1]) >= 1, 'samples from before the restart are there');
});

test('a second server on the same data directory exits with a clear error', async (t) => {
  const s = await startSelfScraping();
  t.after(() => s.stop());
  const port = await freePort();
  const second = startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      SERVER_ENTRY,
      `--config.file=${join(s.dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(s.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: ROOT },
  );
  const code = await new Promise<number | null>((r) => second.proc.on('exit', (c) => r(c)));
  assert.notEqual(code, 0);
  assert.match(second.output(), /lock/i);
});

test('a broken config at startup exits non-zero naming the file', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const s = await startOurServer('global:\n  scrape_interval: 15x\n', [], {
    dir,
    waitReady: false,
  });
  const code = await new Promise<number | null>((r) =>
    s.proc.proc.exitCode !== null ? r(s.proc.proc.exitCode) : s.proc.proc.on('exit', (c) => r(c)),
  );
  assert.notEqual(code, 0);
  assert.match(s.proc.output(), /prometheus\.yml/);
  assert.match(s.proc.output(), /15x/);
});

test('a bad flag value or an unknown flag: a one-line error naming the flag; exit 2 and 1 as Prometheus', async () => {
  for (const [arg, exit] of [
    ['--storage.tsdb.retention.time=15x', 2],
    ['--log.level=trace', 2],
    ['--no-such-flag', 1],
  ] as const) {
    const p = startProcess(process.execPath, ['--import', 'tsx', SERVER_ENTRY, arg], { cwd: ROOT });
    const code = await new Promise<number | null>((r) => p.proc.on('exit', (c) => r(c)));
    assert.equal(code, exit, arg);
    assert.equal(p.output().trim().split('\n').length, 1, arg);
    assert.match(p.output(), new RegExp(arg.split('=')[0]!.replace(/\./g, '\\.')), arg);
  }
});

test('the seed prometheus.yml starts the server with the seed Dockerfile flags; unreachable targets are down with their error', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  mkdirSync(join(dir, 'rules'));
  cpSync(join(SEED, 'rules'), join(dir, 'rules'), { recursive: true });
  const seedCfg = readFileSync(join(SEED, 'prometheus.yml'), 'utf8').replace(
    "'/etc/prometheus/rules/*.yml'",
    `'${join(dir, 'rules')}/*.yml'`,
  );
  const s = await startOurServer(
    seedCfg,
    [
      '--storage.tsdb.retention.time=15d',
      '--storage.tsdb.retention.size=10GB',
      '--web.enable-lifecycle',
      '--web.enable-admin-api',
    ],
    { dir },
  );
  t.after(() => s.stop());
  const targets = await until(async () => {
    const r = await json<{
      data: {
        activeTargets: { labels: Record<string, string>; health: string; lastError: string }[];
      };
    }>(`${s.url}/api/v1/targets`);
    const nats = r.data.activeTargets.filter((x) => x.labels.job === 'nats');
    return nats.length === 3 && nats.every((x) => x.health === 'down')
      ? r.data.activeTargets
      : undefined;
  }, 40_000);
  const jobs = new Set(targets.map((x) => x.labels.job));
  for (const j of ['prometheus', 'nats', 'consul', 'qdrant', 'postgres', 'node', 'loki', 'grafana'])
    assert.ok(jobs.has(j), j);
  const nats = targets.find((x) => x.labels.job === 'nats')!;
  assert.notEqual(nats.lastError, '');
  const rules = await json<{ data: { groups: { name: string; rules: { name: string }[] }[] } }>(
    `${s.url}/api/v1/rules`,
  );
  assert.equal(rules.data.groups[0]!.name, 'mordomo');
  assert.equal(rules.data.groups[0]!.rules.length, 7);
  const info = await json<{ data: { storageRetention: string } }>(
    `${s.url}/api/v1/status/runtimeinfo`,
  );
  assert.equal(
    info.data.storageRetention,
    '15d or 10GiB',
    'worded as Prometheus (units.Base2Bytes)',
  );
});

test('global.query_log_file (relative to the config file) gets one JSON line per query, as Prometheus writes it', async (t) => {
  const port = await freePort();
  const s = await startOurServer(
    selfScrape(port).replace('global:\n', 'global:\n  query_log_file: query.log\n'),
    [],
    { port },
  );
  t.after(() => s.stop());
  assert.equal(await metricValue(s.url, 'prometheus_engine_query_log_enabled'), 1);
  await fetch(`${s.url}/api/v1/query?query=${encodeURIComponent('vector(1)')}&time=1700000000`);
  await fetch(`${s.url}/api/v1/query_range`, {
    method: 'POST',
    body: 'query=up&start=1700000000&end=1700000060&step=15',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  const lines = await until(async () => {
    const l = readFileSync(join(s.dir, 'query.log'), 'utf8')
      .split('\n')
      .filter((x) => x.includes('"httpRequest"'));
    return l.length >= 2 ? l : undefined;
  });
  const instant = JSON.parse(lines.find((l) => l.includes('vector(1)'))!) as Record<
    string,
    unknown
  >;
  assert.deepEqual(
    Object.keys(instant),
    ['httpRequest', 'params', 'stats', 'ts'],
    'keys sorted as Go writes them',
  );
  assert.deepEqual(instant['httpRequest'], {
    clientIP: '127.0.0.1',
    method: 'GET',
    path: '/api/v1/query',
  });
  assert.deepEqual(instant['params'], {
    end: '2023-11-14T22:13:20.000Z',
    query: 'vector(1)',
    start: '2023-11-14T22:13:20.000Z',
    step: 0,
  });
  assert.ok(
    (instant['stats'] as { timings: { evalTotalTime: number } }).timings.evalTotalTime >= 0,
  );
  const range = JSON.parse(lines.find((l) => l.includes('"query":"up"'))!) as {
    httpRequest: { method: string; path: string };
    params: { step: number; end: string };
  };
  assert.equal(range.httpRequest.method, 'POST');
  assert.equal(range.httpRequest.path, '/api/v1/query_range');
  assert.equal(range.params.step, 15);
  assert.equal(range.params.end, '2023-11-14T22:14:20.000Z');
});
