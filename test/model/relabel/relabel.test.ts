// Relabeling: each action, Go's expansion rules, and a differential test — the real Prometheus's
// own discoveredLabels run through our relabel() must give the labels it shows (or drop the target
// it dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Labels } from '../../../src/model/labels/index.ts';
import { relabel, expand } from '../../../src/model/relabel/index.ts';
import { loadConfig } from '../../../src/config/index.ts';
import type { RelabelConfig } from '../../../src/config/types.ts';
import { peer, startRealPrometheus } from '../../support/peers.ts';

function rules(yaml: string): RelabelConfig[] {
  const cfg = loadConfig(
    `scrape_configs:\n  - job_name: j\n    relabel_configs:\n${yaml.replace(/^/gm, '      ')}\n`,
    't.yml',
  );
  return cfg.scrape_configs[0]!.relabel_configs;
}

const L = (o: Record<string, string>) => Labels.fromObject(o);

test('expansion follows Go regexp.Expand', () => {
  const m = { groups: ['abc:1', 'abc', '1'], named: { host: 'abc' } };
  assert.equal(expand('$1', m), 'abc');
  assert.equal(expand('${1}:${2}', m), 'abc:1');
  assert.equal(expand('$1x', m), '', '$1x names group "1x"');
  assert.equal(expand('${1}x', m), 'abcx');
  assert.equal(expand('$3', m), '', 'missing group is empty');
  assert.equal(expand('$$1', m), '$1');
  assert.equal(expand('${host}-$host', m), 'abc-abc');
  assert.equal(expand('a$', m), 'a$');
  assert.equal(expand('${', m), '${');
});

test('replace: default regex, target expansion, empty result deletes', () => {
  const r = rules(
    '- source_labels: [a]\n  target_label: b\n- source_labels: [c]\n  regex: "(x)(y)?"\n  target_label: d\n  replacement: "$2"\n- source_labels: [a]\n  regex: "(.*)"\n  target_label: "t_${1}"',
  );
  const out = relabel(L({ a: 'v', c: 'x', d: 'old' }), r)!;
  assert.deepEqual(out.toObject(), { a: 'v', b: 'v', c: 'x', t_v: 'v' });
});

test('the seed mordomo-services rules: ${2} of a one-group regex expands to empty', () => {
  const cfg = loadConfig(
    `scrape_configs:
  - job_name: mordomo-services
    relabel_configs:
      - source_labels: [__meta_consul_service]
        target_label: service
      - source_labels: [__meta_consul_service_address]
        target_label: __address__
        replacement: '\${1}:\${2}'
        action: replace
        regex: '([^:]+)'
      - source_labels: [__meta_consul_service_metadata_metrics_port]
        target_label: __address__
        replacement: '\${1}:\${2}'
        action: replace
`,
    'seed.yml',
  );
  const out = relabel(
    L({
      __address__: '10.0.0.5:8000',
      __meta_consul_service: 'brain',
      __meta_consul_service_address: '10.0.0.5',
      __meta_consul_service_metadata_metrics_port: '9100',
    }),
    cfg.scrape_configs[0]!.relabel_configs,
  )!;
  assert.equal(out.get('service'), 'brain');
  assert.equal(out.get('__address__'), '9100:', 'exactly what Prometheus does with these rules');
});

test('keep, drop, keepequal, dropequal', () => {
  assert.equal(
    relabel(L({ a: 'x' }), rules('- source_labels: [a]\n  regex: "y|z"\n  action: keep')),
    null,
  );
  assert.ok(relabel(L({ a: 'y' }), rules('- source_labels: [a]\n  regex: "y|z"\n  action: keep')));
  assert.equal(
    relabel(L({ a: 'y' }), rules('- source_labels: [a]\n  regex: "y.*"\n  action: drop')),
    null,
  );
  assert.ok(
    relabel(
      L({ a: 'x', b: 'x' }),
      rules('- source_labels: [a]\n  target_label: b\n  action: keepequal'),
    ),
  );
  assert.equal(
    relabel(
      L({ a: 'x', b: 'y' }),
      rules('- source_labels: [a]\n  target_label: b\n  action: keepequal'),
    ),
    null,
  );
  assert.equal(
    relabel(
      L({ a: 'x', b: 'x' }),
      rules('- source_labels: [a]\n  target_label: b\n  action: dropequal'),
    ),
    null,
  );
  // An anchored regex: "y" does not match "xy".
  assert.equal(
    relabel(L({ a: 'xy' }), rules('- source_labels: [a]\n  regex: y\n  action: keep')),
    null,
  );
});

test('joined sources with separator; absent label is empty', () => {
  const out = relabel(
    L({ a: '1', c: '3' }),
    rules('- source_labels: [a, b, c]\n  separator: "-"\n  target_label: j'),
  )!;
  assert.equal(out.get('j'), '1--3');
});

test('hashmod uses md5 (last 8 bytes, big-endian) as Prometheus', () => {
  const out = relabel(
    L({ __address__: 'node-exporter:9100' }),
    rules('- source_labels: [__address__]\n  modulus: 8\n  target_label: shard\n  action: hashmod'),
  )!;
  assert.match(out.get('shard'), /^[0-7]$/);
});

test('labelmap, labeldrop, labelkeep, lowercase, uppercase', () => {
  const base = L({ __meta_x_a: '1', __meta_x_b: '2', keep_me: 'k', Mixed: 'AbC' });
  assert.deepEqual(
    relabel(base, rules('- regex: "__meta_x_(.+)"\n  action: labelmap'))!.toObject(),
    { Mixed: 'AbC', __meta_x_a: '1', __meta_x_b: '2', a: '1', b: '2', keep_me: 'k' },
  );
  assert.deepEqual(relabel(base, rules('- regex: "__meta_.*"\n  action: labeldrop'))!.toObject(), {
    Mixed: 'AbC',
    keep_me: 'k',
  });
  assert.deepEqual(relabel(base, rules('- regex: "keep_.*"\n  action: labelkeep'))!.toObject(), {
    keep_me: 'k',
  });
  assert.equal(
    relabel(
      base,
      rules('- source_labels: [Mixed]\n  target_label: lower\n  action: lowercase'),
    )!.get('lower'),
    'abc',
  );
  assert.equal(
    relabel(
      base,
      rules('- source_labels: [Mixed]\n  target_label: upper\n  action: uppercase'),
    )!.get('upper'),
    'ABC',
  );
});

test('differential: the real Prometheus relabels targets as we do', async (t) => {
  if (!peer('prometheus', t)) return;
  const relabelYaml = `
      - source_labels: [__address__]
        regex: '([^:]+):(\\d+)'
        target_label: host
        replacement: 'h-$1'
      - source_labels: [__address__]
        regex: '.*:9999'
        action: drop
      - source_labels: [env, __address__]
        separator: '@'
        target_label: combo
      - source_labels: [__address__]
        modulus: 5
        target_label: shard
        action: hashmod
      - regex: 'team_(.*)'
        replacement: 'owner_$1'
        action: labelmap
      - regex: 'team_.*'
        action: labeldrop
      - source_labels: [env]
        target_label: ENV_UP
        action: uppercase
      - source_labels: [__address__]
        regex: '(.*):(.*)'
        target_label: __param_port
        replacement: '$2'
      - source_labels: [host]
        regex: 'h-skip.*'
        action: drop
      - source_labels: [__address__]
        target_label: __address__
        regex: '(.*):(\\d+)'
        replacement: '\${1}.local:\${2}'`;
  const yaml = `global:\n  scrape_interval: 1h\nscrape_configs:\n  - job_name: rl\n    static_configs:\n      - targets: ['alpha:9100', 'beta:9200', 'gamma:9999', 'skipme:1']\n        labels: {env: prod, team_a: x}\n      - targets: ['delta:80']\n        labels: {env: dev}\n    relabel_configs:${relabelYaml}\n`;
  const real = await startRealPrometheus(yaml);
  t.after(() => real.stop());
  const ours = loadConfig(yaml, 'rl.yml').scrape_configs[0]!.relabel_configs;
  let body:
    | {
        data: {
          activeTargets: {
            discoveredLabels: Record<string, string>;
            labels: Record<string, string>;
          }[];
          droppedTargets: { discoveredLabels: Record<string, string> }[];
        };
      }
    | undefined;
  for (let i = 0; i < 50; i++) {
    body = (await (await fetch(`${real.url}/api/v1/targets`)).json()) as typeof body;
    if (body!.data.activeTargets.length + body!.data.droppedTargets.length >= 5) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(body!.data.activeTargets.length, 3);
  assert.equal(body!.data.droppedTargets.length, 2);
  for (const tgt of body!.data.activeTargets) {
    const out = relabel(Labels.fromObject(tgt.discoveredLabels), ours);
    assert.ok(out, 'not dropped');
    // Prometheus then sets instance from __address__ and removes the __-prefixed labels.
    const b = out.builder();
    if (!out.has('instance')) b.set('instance', out.get('__address__'));
    out.forEach((n) => {
      if (n.startsWith('__')) b.del(n);
    });
    assert.deepEqual(b.labels().toObject(), Labels.fromObject(tgt.labels).toObject());
  }
  for (const tgt of body!.data.droppedTargets)
    assert.equal(relabel(Labels.fromObject(tgt.discoveredLabels), ours), null);
});
