// Self-monitoring: every metric name the real Prometheus exposes about itself is exposed here too,
// but Go's runtime and conntrack metrics, the concepts this server does not have (each listed with
// why), and the ones still to be built (listed, so the gap is written down and can only shrink).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, startRealPrometheus, tempDir } from '../support/peers.js';
import { startOurServer } from '../support/server.js';

/** Concepts that do not exist in this server (yet), by metric name. */
const ABSENT: Record<string, string> = {
  prometheus_tsdb_exemplar_exemplars_appended_total: 'no exemplar storage (issue #12)',
  prometheus_tsdb_exemplar_exemplars_in_storage: 'no exemplar storage (issue #12)',
  prometheus_tsdb_exemplar_last_exemplars_timestamp_seconds: 'no exemplar storage (issue #12)',
  prometheus_tsdb_exemplar_max_exemplars: 'no exemplar storage (issue #12)',
  prometheus_tsdb_exemplar_out_of_order_exemplars_total: 'no exemplar storage (issue #12)',
  prometheus_tsdb_exemplar_series_with_exemplars_in_storage: 'no exemplar storage (issue #12)',
  prometheus_target_scrapes_exemplar_out_of_order_total: 'no exemplar storage (issue #12)',
  prometheus_remote_storage_exemplars_in_total: 'no exemplar storage (issue #12)',
  prometheus_tsdb_head_out_of_order_samples_appended_total: 'no out-of-order head (issue #12)',
  prometheus_tsdb_too_old_samples_total: 'no out-of-order window (issue #12)',
  prometheus_tsdb_isolation_high_watermark: 'no append isolation (issue #15)',
  prometheus_tsdb_isolation_low_watermark: 'no append isolation (issue #15)',
  prometheus_tsdb_snapshot_replay_error_total: 'no memory-snapshot-on-shutdown',
  prometheus_sd_azure_failures_total: 'no Azure discovery (issue #14)',
  prometheus_treecache_watcher_goroutines: 'no ZooKeeper discovery, serverset/nerve (issue #14)',
  prometheus_treecache_zookeeper_failures_total:
    'no ZooKeeper discovery, serverset/nerve (issue #14)',
  prometheus_remote_storage_string_interner_zero_reference_releases_total:
    "remote write has no string interner (Go's memory device)",
};

/** Concepts that exist here and whose metrics are still to be written (issue #16). */
const NOT_YET = new Set([
  'prometheus_remote_storage_histograms_in_total',
  'prometheus_tsdb_checkpoint_deletions_failed_total',
  'prometheus_tsdb_clean_start',
  'prometheus_tsdb_compaction_chunk_range_seconds',
  'prometheus_tsdb_compaction_chunk_samples',
  'prometheus_tsdb_compaction_chunk_size_bytes',
  'prometheus_tsdb_compactions_skipped_total',
  'prometheus_tsdb_head_series_not_found_total',
  'prometheus_tsdb_mmap_chunk_corruptions_total',
  'prometheus_tsdb_vertical_compactions_total',
]);

async function names(url: string): Promise<Set<string>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    out.add(line.replace(/[{ ].*/, '').replace(/_(bucket|sum|count)$/, ''));
  }
  return out;
}

test('every prometheus_* and process_* metric of the real Prometheus, but the listed absent concepts', async (t) => {
  if (!peer('prometheus', t)) return;
  const { dir, cleanup } = tempDir('self-metrics-');
  t.after(cleanup);
  writeFileSync(
    join(dir, 'r.yml'),
    'groups:\n- name: g\n  rules:\n  - {alert: A, expr: up == 1}\n  - {record: r, expr: up}\n',
  );
  const cfg = (self: string) =>
    `global: {scrape_interval: 1s, evaluation_interval: 1s}\nrule_files: [${JSON.stringify(join(dir, 'r.yml'))}]\nalerting:\n  alertmanagers: [{static_configs: [{targets: ['127.0.0.1:1']}]}]\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['${self}']}]\n`;
  const real = await startRealPrometheus(cfg('127.0.0.1:9'));
  t.after(() => real.stop());
  const ours = await startOurServer(cfg('127.0.0.1:9'));
  t.after(() => ours.stop());
  await new Promise((r) => setTimeout(r, 3000));
  const theirs = await names(real.url);
  const mine = await names(ours.url);
  const missing = [...theirs].filter(
    (n) => !/^(go_|net_conntrack_)/.test(n) && !mine.has(n) && !(n in ABSENT) && !NOT_YET.has(n),
  );
  assert.deepEqual(
    missing,
    [],
    `metrics Prometheus has and this server lacks: ${missing.join(', ')}`,
  );
  // The lists only shrink: a name on them that this server now has must come off.
  const stale = [...Object.keys(ABSENT), ...NOT_YET].filter((n) => mine.has(n));
  assert.deepEqual(stale, [], `listed as absent but exposed: ${stale.join(', ')}`);
});
