// scrape_config_files (Prometheus's GetScrapeConfigs) and the relative paths of a config loaded
// by a relative path: everything is joined to the config file's directory, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getScrapeConfigs, loadConfigFile } from '../../src/config/index.ts';
import { expandRuleFiles } from '../../src/cmd/rule_files.ts';
import { tempDir } from '../support/peers.ts';
import { runPromtoolTs, startOurServer } from '../support/server.ts';

function layout(root: string): void {
  mkdirSync(join(root, 'conf', 'jobs'), { recursive: true });
  mkdirSync(join(root, 'conf', 'rules'), { recursive: true });
  writeFileSync(
    join(root, 'conf', 'prometheus.yml'),
    "global:\n  scrape_interval: 30s\nrule_files: ['rules/*.yml']\nscrape_config_files: ['jobs/*.yml']\nscrape_configs:\n  - job_name: main\n    static_configs: [{ targets: ['a:1'] }]\n",
  );
  writeFileSync(
    join(root, 'conf', 'rules', 'r.yml'),
    'groups:\n  - name: g\n    rules:\n      - record: x\n        expr: vector(1)\n',
  );
  writeFileSync(
    join(root, 'conf', 'jobs', 'one.yml'),
    "scrape_configs:\n  - job_name: from-file\n    scrape_timeout: 5s\n    file_sd_configs: [{ files: ['targets/*.json'] }]\n",
  );
}

test('scrape_config_files: jobs of every matching file, global defaults, paths from their own file, duplicates named', () => {
  const { dir, cleanup } = tempDir('scf-');
  try {
    layout(dir);
    const cfg = loadConfigFile(join(dir, 'conf', 'prometheus.yml'));
    assert.deepEqual(
      cfg.scrape_configs.map((s) => s.job_name),
      ['main'],
      'the main file keeps its own jobs only (as status/config shows them)',
    );
    const all = getScrapeConfigs(cfg);
    assert.deepEqual(
      all.map((s) => s.job_name),
      ['main', 'from-file'],
    );
    const f = all[1]!;
    assert.equal(f.scrape_interval, 30_000, 'the global interval applies');
    assert.equal(f.scrape_timeout, 5000);
    assert.deepEqual(
      f.file_sd_configs[0]!.files,
      [join(dir, 'conf', 'jobs', 'targets/*.json')],
      "file SD paths from the included file's directory",
    );
    writeFileSync(join(dir, 'conf', 'jobs', 'two.yml'), 'scrape_configs:\n  - job_name: main\n');
    assert.throws(
      () => getScrapeConfigs(cfg),
      new RegExp(
        `^Error: "${join(dir, 'conf', 'jobs', 'two.yml')}": found multiple scrape configs with job name "main", first found in main config file$`,
      ),
    );
    writeFileSync(
      join(dir, 'conf', 'jobs', 'two.yml'),
      'scrape_configs:\n  - job_name: other\n    bogus: 1\n',
    );
    assert.throws(
      () => getScrapeConfigs(cfg),
      /two\.yml": yaml: unmarshal errors:\n {2}line 3: field bogus not found in type config\.ScrapeConfig/,
    );
  } finally {
    cleanup();
  }
});

test('a config loaded by a relative path finds its rule files once (not joined twice), and promtool-ts agrees', async () => {
  const { dir, cleanup } = tempDir('scf-rel-');
  const cwd = process.cwd();
  try {
    layout(dir);
    process.chdir(dir);
    const cfg = loadConfigFile('conf/prometheus.yml');
    assert.deepEqual(cfg.rule_files, ['conf/rules/*.yml']);
    assert.deepEqual(await expandRuleFiles(cfg), ['conf/rules/r.yml']);
    process.chdir(cwd);
    const r = await runPromtoolTs(['check', 'config', 'conf/prometheus.yml'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SUCCESS: 1 rule files found/);
  } finally {
    process.chdir(cwd);
    cleanup();
  }
});

test('the server scrapes the jobs of scrape_config_files, and a broken one fails the reload', async (t) => {
  const ours = await startOurServer(
    "global:\n  scrape_interval: 1h\nscrape_config_files: ['jobs/*.yml']\n",
    ['--web.enable-lifecycle'],
  );
  t.after(() => ours.stop());
  mkdirSync(join(ours.dir, 'jobs'));
  writeFileSync(
    join(ours.dir, 'jobs', 'a.yml'),
    "scrape_configs:\n  - job_name: included\n    static_configs: [{ targets: ['127.0.0.1:1'] }]\n",
  );
  assert.equal((await fetch(`${ours.url}/-/reload`, { method: 'POST' })).status, 200);
  const pools = async () =>
    (
      (await (await fetch(`${ours.url}/api/v1/scrape_pools`)).json()) as {
        data: { scrapePools: string[] };
      }
    ).data.scrapePools;
  assert.deepEqual(await pools(), ['included']);
  writeFileSync(join(ours.dir, 'jobs', 'b.yml'), 'scrape_configs:\n  - job_name: included\n');
  const bad = await fetch(`${ours.url}/-/reload`, { method: 'POST' });
  assert.equal(bad.status, 500);
  // As Prometheus: the scrape manager's error is logged, the answer says applying failed.
  assert.match(
    await bad.text(),
    /^failed to reload config: one or more errors occurred while applying the new configuration/,
  );
  assert.deepEqual(await pools(), ['included'], 'the running config stays');
});
