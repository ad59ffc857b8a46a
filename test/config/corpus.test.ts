// The config corpus (test/config/corpus/*.yml: valid configs and invalid ones with one kind of
// mistake each) through the real promtool (Debian) and promtool-ts: both must accept or both
// reject every file. Debian's promtool is built without Consul SD, so for consul-*.yml only our
// verdict is checked (against the file's name: consul-ok-* must load, consul-bad-* must not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer } from '../support/peers.ts';
import { runCommand, runPromtoolTs } from '../support/server.ts';
import { loadConfig, ConfigError } from '../../src/config/index.ts';
import { SEED } from '../support/paths.ts';

const DIR = join(import.meta.dirname, 'corpus');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();

test('the corpus holds at least 40 configs, valid and invalid', () => {
  assert.ok(files.length >= 40, String(files.length));
  assert.ok(files.filter((f) => f.includes('ok-')).length >= 15);
  assert.ok(files.filter((f) => f.includes('bad-')).length >= 20);
});

test('promtool check config and promtool-ts check config agree on every corpus file', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const disagreements: string[] = [];
  for (const f of files) {
    const path = join(DIR, f);
    const ours = await runPromtoolTs(['check', 'config', '--syntax-only', path]);
    if (f.startsWith('consul-')) {
      const want = f.startsWith('consul-ok') ? 0 : 1;
      if (ours.code !== want)
        disagreements.push(`${f}: ours ${ours.code}, expected ${want} (${ours.stderr.trim()})`);
      continue;
    }
    const real = await runCommand(promtool, ['check', 'config', '--syntax-only', path]);
    if (real.code !== ours.code)
      disagreements.push(
        `${f}: real ${real.code} (${real.stderr.trim()}), ours ${ours.code} (${ours.stderr.trim()})`,
      );
    if (f.startsWith('ok-') && ours.code !== 0) disagreements.push(`${f} should load`);
    if (f.startsWith('bad-') && ours.code === 0) disagreements.push(`${f} should be rejected`);
  }
  assert.deepEqual(disagreements, []);
});

test('errors name the file and the line', () => {
  const cases: [string, RegExp][] = [
    ['bad-unknown-field.yml', /line 3: field foo not found in type config\.ScrapeConfig/],
    ['bad-duration.yml', /line 2.*not a valid duration string: "15x"/],
    ['bad-duplicate-job.yml', /found multiple scrape configs with job name "a"/],
    [
      'bad-timeout-gt-interval.yml',
      /line 2: scrape timeout greater than scrape interval for scrape config with job name "a"/,
    ],
    ['bad-type.yml', /line 2: cannot unmarshal !!seq into string/],
    ['bad-external-label-name.yml', /line 2: "1bad" is not a valid label name$/],
    ['bad-static-label.yml', /line 4: "0x" is not a valid label name$/],
    ['bad-target-label.yml', /line 4: "bad label" is invalid 'target_label'/],
    ['bad-regex.yml', /line 4: error parsing regexp: missing closing \)/],
  ];
  for (const [f, re] of cases) {
    // Every one names the file, then the line.
    assert.throws(
      () => loadConfig(readFileSync(join(DIR, f), 'utf8'), f),
      (e: unknown) =>
        e instanceof ConfigError &&
        new RegExp(`^parsing YAML file ${f}: (yaml: unmarshal errors:\\n  )?line \\d+: `).test(
          e.message,
        ) &&
        re.test(e.message),
      f,
    );
  }
});

test("the seed's prometheus.yml loads with Prometheus's defaults", () => {
  const cfg = loadConfig(readFileSync(join(SEED, 'prometheus.yml'), 'utf8'), 'prometheus.yml');
  assert.equal(cfg.global.scrape_interval, 15_000);
  const consul = cfg.scrape_configs.find((s) => s.job_name === 'mordomo-services')!;
  assert.equal(consul.scrape_timeout, 10_000);
  assert.equal(consul.metrics_path, '/metrics');
  assert.equal(consul.scheme, 'http');
  assert.equal(consul.honor_timestamps, true);
  assert.equal(consul.consul_sd_configs[0]!.refresh_interval, 30_000);
  assert.equal(consul.consul_sd_configs[0]!.tag_separator, ',');
  assert.equal(consul.consul_sd_configs[0]!.allow_stale, true);
  assert.equal(consul.relabel_configs[0]!.separator, ';');
  assert.equal(consul.relabel_configs[0]!.action, 'replace');
});
