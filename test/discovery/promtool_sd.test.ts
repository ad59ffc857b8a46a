// promtool-ts check service-discovery against the real promtool (Debian's 2.42, whose command
// and output are those of 2.48) for static and file jobs; the seed's Consul job against the
// stand-in catalog, checked for promtool's documented format (Debian's promtool has no Consul SD).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { peer, tempDir } from '../support/peers.ts';
import { runCommand, runPromtoolTs } from '../support/server.ts';
import { SEED } from '../support/paths.ts';
import { FakeConsul } from './consul_server.ts';

const CONFIG = `scrape_configs:
  - job_name: static
    static_configs:
      - targets: ['a:9100', 'b', 'b']
        labels: {env: prod}
      - targets: ['c/x']
    relabel_configs:
      - source_labels: [__address__]
        regex: 'b.*'
        action: drop
  - job_name: file
    scrape_interval: 30s
    file_sd_configs:
      - files: ['targets/*.json']
    relabel_configs:
      - source_labels: [__meta_filepath]
        target_label: from
`;

function setup(t: { after: (fn: () => void) => void }): string {
  const { dir, cleanup } = tempDir('promtool-sd-');
  t.after(cleanup);
  writeFileSync(join(dir, 'prometheus.yml'), CONFIG);
  mkdirSync(join(dir, 'targets'));
  writeFileSync(
    join(dir, 'targets', 'a.json'),
    JSON.stringify([{ targets: ['x:1', 'y'], labels: { zone: 'z1', __address__: 'ignored' } }]),
  );
  return dir;
}

/** The entries as a sorted list: promtool walks its target groups in Go map order. */
function bySource(out: string): string[] {
  return (JSON.parse(out) as unknown[]).map((e) => JSON.stringify(e)).sort();
}

for (const job of ['static', 'file']) {
  test(`check service-discovery of a ${job} job prints what promtool prints`, async (t) => {
    const promtool = peer('promtool', t);
    if (!promtool) return;
    const dir = setup(t);
    const args = ['check', 'service-discovery', '--timeout=1s', 'prometheus.yml', job];
    const real = await runCommand(promtool, args, { cwd: dir });
    const ours = await runPromtoolTs(args, { cwd: dir });
    assert.equal(real.code, 0, real.stderr);
    assert.equal(ours.code, 0, ours.stderr);
    assert.deepEqual(bySource(ours.stdout), bySource(real.stdout));
    // promtool's layout: json.MarshalIndent with two spaces, no newline at the end.
    assert.equal(ours.stdout, JSON.stringify(JSON.parse(ours.stdout), null, 2));
  });
}

test("check service-discovery: file SD paths are taken from the config file's directory, as promtool takes them", async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const dir = setup(t);
  const args = [
    'check',
    'service-discovery',
    '--timeout=1s',
    join(basename(dir), 'prometheus.yml'),
    'file',
  ];
  const real = await runCommand(promtool, args, { cwd: dirname(dir) });
  const ours = await runPromtoolTs(args, { cwd: dirname(dir) });
  assert.match(real.stdout, new RegExp(`"__meta_filepath": "${basename(dir)}/targets/a.json"`));
  assert.deepEqual(bySource(ours.stdout), bySource(real.stdout));
});

test('check service-discovery: an unknown job, a missing argument, a missing file — as promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const dir = setup(t);
  for (const args of [
    ['check', 'service-discovery', '--timeout=1s', 'prometheus.yml', 'nope'],
    ['check', 'service-discovery', 'prometheus.yml'],
    ['check', 'service-discovery', 'missing.yml', 'static'],
  ]) {
    const real = await runCommand(promtool, args, { cwd: dir });
    const ours = await runPromtoolTs(args, { cwd: dir });
    assert.equal(ours.code, real.code, args.join(' '));
    assert.equal(ours.stdout, real.stdout, args.join(' '));
    assert.equal(ours.stderr, real.stderr, args.join(' '));
  }
});

test("check service-discovery of the seed's Consul job: discovered and relabeled labels of each service", async (t) => {
  const consul = new FakeConsul();
  await consul.start();
  t.after(() => consul.stop());
  consul.set([
    {
      id: 'stt-1',
      name: 'stt',
      address: '10.0.0.5',
      port: 8080,
      tags: ['voice'],
      meta: { metrics_port: '9100' },
    },
    { id: 'tts-1', name: 'tts', address: '10.0.0.6', port: 8081 },
  ]);
  const { dir, cleanup } = tempDir('promtool-sd-');
  t.after(cleanup);
  const seed = readFileSync(join(SEED, 'prometheus.yml'), 'utf8').replace(
    "server: 'consul-server-1:8500'",
    `server: '127.0.0.1:${consul.port}'`,
  );
  writeFileSync(join(dir, 'prometheus.yml'), seed);
  const ours = await runPromtoolTs([
    'check',
    'service-discovery',
    '--timeout=2s',
    join(dir, 'prometheus.yml'),
    'mordomo-services',
  ]);
  assert.equal(ours.code, 0, ours.stderr);
  // promtool's format: json.MarshalIndent with two spaces, no trailing newline, keys sorted.
  assert.ok(ours.stdout.startsWith('[\n  {\n    "discoveredLabels": {\n'), ours.stdout);
  assert.ok(!ours.stdout.endsWith('\n'));
  const res = JSON.parse(ours.stdout) as {
    discoveredLabels: Record<string, string>;
    labels: Record<string, string>;
    error?: object;
  }[];
  const byService = new Map(res.map((r) => [r.discoveredLabels['__meta_consul_service'], r]));
  const stt = byService.get('stt')!;
  assert.equal(stt.discoveredLabels['__address__'], '10.0.0.5:8080');
  assert.equal(stt.discoveredLabels['job'], 'mordomo-services');
  assert.deepEqual(Object.keys(stt.discoveredLabels), Object.keys(stt.discoveredLabels).sort());
  // The seed's `${1}:${2}` with a one-group regex leaves "9100:" (as Prometheus does).
  assert.equal(stt.labels['__address__'], '9100:');
  assert.equal(stt.labels['service'], 'stt');
  assert.equal(stt.labels['tags'], ',voice,');
  assert.equal(stt.labels['__meta_consul_service'], undefined);
  assert.equal(stt.error, undefined);
  assert.equal(byService.get('tts')!.labels['service'], 'tts');
});
