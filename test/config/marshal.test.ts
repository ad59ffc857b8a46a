// /api/v1/status/config shows the loaded config as Prometheus marshals it (field order, omitted
// zero fields, secrets, durations, list layout): the same text as the real Prometheus for one rich
// config, but for what 2.48 added over Debian's 2.42.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, loadConfigFile, marshalConfig } from '../../src/config/index.ts';
import {
  peer,
  tempDir,
  freePort,
  startProcess,
  waitReady,
  startRealPrometheus,
} from '../support/peers.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'status-config.yml');

/** What 2.48 prints that 2.42 does not (each line of ours that is dropped before comparing). */
const ONLY_248 = [
  /^ {2}track_timestamps_staleness: false$/, // new scrape option in 2.48, printed without omitempty
  /^ {6}type: Bearer$/, // 2.48's HTTP SD validates its client config, which names the default type
];

test('status/config marshals the config as the real Prometheus does', async (t) => {
  const bin = peer('prometheus', t);
  if (!bin) return;
  const { dir, cleanup } = tempDir('marshal-');
  t.after(cleanup);
  cpSync(FIXTURE, join(dir, 'prometheus.yml'));
  mkdirSync(join(dir, 'rules'));
  const port = await freePort();
  // Started from the config's directory with a relative path, as rule_files then print relative.
  const real = startProcess(
    bin,
    [
      '--config.file=prometheus.yml',
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { cwd: dir },
  );
  t.after(() => real.stop());
  await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, real);
  const theirs = (
    (await (await fetch(`http://127.0.0.1:${port}/api/v1/status/config`)).json()) as {
      data: { yaml: string };
    }
  ).data.yaml;
  const cwd = process.cwd();
  process.chdir(dir);
  let ours: string;
  try {
    ours = marshalConfig(loadConfigFile('prometheus.yml'));
  } finally {
    process.chdir(cwd);
  }
  const normalise = (s: string) =>
    s
      .split('\n')
      .filter((l) => !ONLY_248.some((re) => re.test(l)))
      // 2.48's default queue and metadata batches are 2000 samples (2.42: 500).
      .map((l) => l.replace(/^( {4}max_samples_per_send:) 500$/, '$1 2000'))
      .join('\n')
      .trimEnd();
  assert.equal(normalise(ours), normalise(theirs));
  assert.match(ours, /password: <secret>/);
  assert.match(ours, /source_labels: \[__meta_x, __meta_y\]/);
});

const CONFIG = `global:
  scrape_interval: 15s
  external_labels:
    cluster: c1
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['am:9093']
      path_prefix: /am
    - static_configs:
        - targets: ['am2:9093']
  alert_relabel_configs:
    - source_labels: [a]
      regex: x
      action: drop
rule_files: ['/nonexistent/*.yml']
scrape_configs:
  - job_name: j1
    honor_labels: true
    params:
      format: ['prometheus']
    basic_auth:
      username: u
      password: p
    tls_config:
      insecure_skip_verify: true
    sample_limit: 100
    relabel_configs:
      - source_labels: [__address__, job]
        target_label: x
      - action: hashmod
        source_labels: [__address__]
        modulus: 4
        target_label: __tmp
    metric_relabel_configs:
      - action: labeldrop
        regex: foo
    static_configs:
      - targets: ['a:1', 'b:2']
        labels:
          env: prod
    file_sd_configs:
      - files: ['/nonexistent/x.json']
  - job_name: j2
    scrape_interval: 5s
    metrics_path: /m
    scheme: https
    authorization:
      credentials: secret
    static_configs:
      - targets: ['c:3']
remote_write:
  - url: http://rw:1/api/v1/write
    queue_config:
      capacity: 100
      max_shards: 2
      max_samples_per_send: 10
    metadata_config:
      max_samples_per_send: 10
    write_relabel_configs:
      - action: keep
        source_labels: [__name__]
        regex: up
remote_read:
  - url: http://rr:1/api/v1/read
`;

test('status/config is written as the real Prometheus writes it (a second config: several alertmanagers, hashmod, https, rule_files absolute)', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus(CONFIG);
  t.after(() => real.stop());
  const theirs = (
    (await (await fetch(`${real.url}/api/v1/status/config`)).json()) as { data: { yaml: string } }
  ).data.yaml;
  const ours = marshalConfig(loadConfig(CONFIG, 'prometheus.yml'))
    .split('\n')
    .filter((l) => !ONLY_248.some((re) => re.test(l)))
    .join('\n');
  assert.equal(ours, theirs);
});
