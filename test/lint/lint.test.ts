// Lints of configs and rules that load but certainly do not do what they say (src/lint), and
// promtool-ts check config's lint flags beside the real promtool's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintConfig, lintRuleFile, templateRefs, formatFinding } from '../../src/lint/index.ts';
import { peer, tempDir } from '../support/peers.js';
import { SEED } from '../support/paths.js';
import { runCommand, runPromtoolTs } from '../support/server.js';

const seedPath = (): string => join(SEED, 'prometheus.yml');

test('Go regexp.Expand references are read as Go reads them', () => {
  assert.deepEqual(
    templateRefs('${1}:$2 $$3 $name ${x} $1_suffix ${bad-name} $').map((r) => r.name),
    ['1', '2', 'name', 'x', '1_suffix'],
  );
});

test("the seed's mordomo-services job: both ${2} replacements and the dead first __address__ write, with file:line and a fix", () => {
  const file = seedPath();
  const findings = lintConfig(file, readFileSync(file, 'utf8'));
  const lines = findings.map(formatFinding);
  assert.equal(findings.length, 3, lines.join('\n'));
  const [a, b, c] = findings;
  assert.equal(a!.line, 72);
  assert.match(
    a!.message,
    /replacement "\$\{1\}:\$\{2\}" refers to capture group 2, but regex "\(\[\^:\]\+\)" has only 1 group/,
  );
  assert.match(a!.message, /every __address__ ends in ":"/);
  assert.match(a!.fix, /source_labels: \[__meta_consul_service_address, /);
  assert.equal(b!.line, 77);
  assert.match(b!.message, /regex "\(\.\*\)" \(the default\)/);
  assert.equal(c!.line, 71);
  assert.match(
    c!.message,
    /always overwritten by job "mordomo-services" relabel_configs\[4\] \(line 75\)/,
  );
});

const cfg = (body: string): string => `global:\n  scrape_interval: 15s\n${body}`;

test('relabel lints: named and numbered groups, $1_x, meta labels the job cannot have, meta labels in metric relabeling', () => {
  const text = cfg(`scrape_configs:
  - job_name: a
    static_configs: [{targets: ['x:1']}]
    relabel_configs:
      - source_labels: [__meta_kubernetes_pod_name]
        target_label: pod
      - source_labels: [__address__]
        regex: '(?P<host>[^:]+):(\\d+)'
        replacement: '\${host}-$2-\${port}'
        target_label: hp
      - source_labels: [job]
        replacement: '$1_suffix'
        target_label: j
    metric_relabel_configs:
      - source_labels: [__meta_consul_service]
        target_label: svc
  - job_name: b
    consul_sd_configs: [{server: 'c:8500'}]
    relabel_configs:
      - source_labels: [__meta_consul_service]
        regex: '(.+)'
        replacement: '\${1}'
        target_label: __tmp_svc
      - source_labels: [__tmp_svc, __meta_consul_node]
        target_label: x
      - source_labels: [__meta_kubernetes_node_name]
        target_label: y
`);
  const f = lintConfig('p.yml', text);
  const msgs = f.map((x) => x.message);
  assert.ok(
    msgs.some((m) =>
      /job "a" relabel_configs\[0\]: source label __meta_kubernetes_pod_name can never be set: this job discovers targets with no service discovery/.test(
        m,
      ),
    ),
    msgs.join('\n'),
  );
  assert.ok(msgs.some((m) => /refers to the group named "port"/.test(m)));
  assert.ok(
    !msgs.some((m) => /group named "host"/.test(m)) && !msgs.some((m) => /capture group 2/.test(m)),
  );
  assert.ok(
    msgs.some((m) => /writes \$1_suffix, which Go reads as the group named "1_suffix"/.test(m)),
  );
  assert.ok(f.some((x) => /\$\{1\}_suffix/.test(x.fix)));
  assert.ok(
    msgs.some((m) =>
      /metric_relabel_configs\[0\]: source label __meta_consul_service is never set here/.test(m),
    ),
  );
  assert.ok(
    msgs.some((m) =>
      /job "b" relabel_configs\[2\]: source label __meta_kubernetes_node_name can never be set: this job discovers targets with consul_sd_configs, whose labels start with __meta_consul_/.test(
        m,
      ),
    ),
  );
  assert.equal(f.length, 5, msgs.join('\n'));
});

test('an overwrite is dead only when the later write always happens and nothing read the label between', () => {
  const text = cfg(`scrape_configs:
  - job_name: a
    static_configs: [{targets: ['x:1']}]
    relabel_configs:
      - {source_labels: [job], target_label: t}
      - {source_labels: [t], target_label: u}
      - {source_labels: [job], target_label: t}
      - {source_labels: [job], regex: 'api-(.*)', target_label: t}
      - {source_labels: [__address__], target_label: t, action: replace}
`);
  const f = lintConfig('p.yml', text);
  // Rule 0's write is read by rule 1; rule 2's and rule 3's are never read before rule 4, which
  // always writes t — both are dead, though rule 3 alone (conditional) would not kill rule 2.
  assert.deepEqual(
    f.map((x) =>
      /^job "a" relabel_configs\[(\d)\]: the t this rule writes is always overwritten by job "a" relabel_configs\[(\d)\]/
        .exec(x.message)
        ?.slice(1),
    ),
    [
      ['2', '4'],
      ['3', '4'],
    ],
    f.map(formatFinding).join('\n'),
  );
});

test('scrape_timeout equal to the interval, written or from global; not when Prometheus derives it', () => {
  const f = lintConfig(
    'p.yml',
    `global:\n  scrape_interval: 30s\n  scrape_timeout: 30s\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n  - job_name: b\n    scrape_interval: 10s\n    scrape_timeout: 10s\n    static_configs: [{targets: ['x:1']}]\n  - job_name: c\n    scrape_interval: 5s\n    static_configs: [{targets: ['x:1']}]\n`,
  );
  assert.deepEqual(
    f.map((x) => [x.line, x.message.slice(0, 9)]),
    [
      [3, 'job "a": '],
      [9, 'job "b": '],
    ],
  );
  assert.match(f[1]!.fix, /scrape_timeout: 8s/);
});

test('rule lints: for shorter than the interval; selectors of metrics the server lacks, with a suggestion', () => {
  const text = `groups:
  - name: g
    interval: 30s
    rules:
      - alert: Fast
        expr: up == 0
        for: 10s
      - alert: Fine
        expr: process_cpu_seconds_total > 1
        for: 1m
      - record: r
        expr: rate(http_requests_totl[5m]) + on() group_left {__name__="nope"}
`;
  const f = lintRuleFile('r.yml', text, {
    evaluationInterval: 60_000,
    knownMetrics: new Set(['up', 'process_cpu_seconds_total', 'http_requests_total']),
    knownFrom: 'http://s',
  });
  assert.equal(f.length, 3, f.map(formatFinding).join('\n'));
  assert.equal(f[0]!.line, 7);
  assert.match(f[0]!.message, /for: 10s is shorter than the group's evaluation interval 30s/);
  assert.match(f[1]!.message, /selects http_requests_totl, which no series of http:\/\/s has/);
  assert.match(f[1]!.fix, /did you mean http_requests_total\?/);
  assert.match(f[2]!.message, /selects nope/);
});

test('check config: lint findings print with file:line and exit 0; --lint-fatal exits 3; --lint=none is silent; duplicate rules as promtool', async (t) => {
  const { dir, cleanup } = tempDir('lint-cc-');
  t.after(cleanup);
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'dup.yml'),
    'groups:\n  - name: g\n    rules:\n      - {record: a, expr: up}\n      - {record: a, expr: up}\n',
  );
  writeFileSync(
    join(dir, 'clean.yml'),
    "rule_files: ['rules/*.yml']\nscrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n",
  );
  writeFileSync(
    join(dir, 'bad.yml'),
    "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['x:1']}]\n    relabel_configs:\n      - {source_labels: [job], regex: '(.*)', replacement: '$1:$2', target_label: x}\n",
  );
  const bad = await runPromtoolTs(['check', 'config', join(dir, 'bad.yml')]);
  assert.equal(bad.code, 0, bad.stderr);
  assert.match(
    bad.stderr,
    new RegExp(
      `WARNING: ${join(dir, 'bad.yml').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5:\\d+: job "a" relabel_configs\\[0\\]: replacement "\\$1:\\$2" refers to capture group 2`,
    ),
  );
  assert.equal(
    (await runPromtoolTs(['check', 'config', '--lint-fatal', join(dir, 'bad.yml')])).code,
    3,
  );
  const none = await runPromtoolTs([
    'check',
    'config',
    '--lint=none',
    '--lint-fatal',
    join(dir, 'bad.yml'),
  ]);
  assert.equal(none.code, 0);
  assert.doesNotMatch(none.stderr, /WARNING/);
  assert.equal(
    (await runPromtoolTs(['check', 'config', '--agent', join(dir, 'clean.yml')])).code,
    1,
  );
  assert.notEqual(
    (await runPromtoolTs(['check', 'config', '--no-such-flag', join(dir, 'clean.yml')])).code,
    0,
    'an unknown flag is refused, not ignored',
  );
  const promtool = peer('promtool', t);
  if (!promtool) return;
  for (const extra of [[], ['--lint-fatal'], ['--lint=none', '--lint-fatal']]) {
    const theirs = await runCommand(promtool, ['check', 'config', ...extra, 'clean.yml'], {
      cwd: dir,
    });
    const ours = await runPromtoolTs(['check', 'config', ...extra, 'clean.yml'], { cwd: dir });
    assert.equal(ours.code, theirs.code, `${extra.join(' ')}: ${ours.stderr}`);
    assert.equal(ours.stdout, theirs.stdout);
    assert.equal(ours.stderr, theirs.stderr);
  }
});
