// /api/v1/status/config's YAML against the real Prometheus's for the same file: Go's field
// order, omitempty fields left out, SD blocks last, flush sequences, flow source_labels, secrets
// masked. Two lines are 2.48 (and this project) only, so they are taken out of ours before the
// comparison: track_timestamps_staleness (new in 2.48) and enable_compression (kept by this
// project's config model); queue_config is given in full because its defaults changed in 2.43.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, marshalConfig } from '../../src/config/index.ts';
import { peer, startRealPrometheus } from '../util/peers.ts';

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

test('status/config is written as the real Prometheus writes it', async (t) => {
  if (!peer('prometheus', t)) return;
  const real = await startRealPrometheus(CONFIG);
  t.after(() => real.stop());
  const theirs = ((await (await fetch(`${real.url}/api/v1/status/config`)).json()) as { data: { yaml: string } }).data.yaml;
  const ours = marshalConfig(loadConfig(CONFIG, 'prometheus.yml'))
    .split('\n')
    .filter((l) => !/^\s*(track_timestamps_staleness: false|enable_compression: true)$/.test(l))
    .join('\n');
  assert.equal(ours, theirs);
});
