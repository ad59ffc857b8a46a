// The same rule file in the real Prometheus and in ours, both sending to one recording
// Alertmanager stand-in: recorded series, ALERTS/ALERTS_FOR_STATE label sets, rule states and
// health in /api/v1/rules, and the alerts each posts (labels, annotations with $value and
// $externalLabels, generatorURL path) must agree. Values that depend on the clock are left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, startRealPrometheus, tempDir } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';
import { startAlertSink } from '../support/alert_sink.ts';

const RULES = `groups:
- name: diff
  interval: 1s
  rules:
  - record: job:one
    expr: vector(1)
    labels: { team: a }
  - record: lbl
    expr: label_replace(job:one * 2, "x", "y", "", "")
  - alert: AlwaysFiring
    expr: lbl > 0
    labels: { severity: page, instance: "{{ $labels.team }}-inst" }
    annotations:
      summary: "v={{ $value }} ext={{ $externalLabels.site }} x={{ $labels.x }}"
      humanized: "{{ 1234567 | humanize }}"
  - alert: StillPending
    expr: vector(3)
    for: 1h
  - alert: NeverFires
    expr: vector(0) > 1
  - record: scalar_rec
    expr: scalar(job:one) * 3
  - alert: Query
    expr: vector(2)
    for: 1s
    keep_firing_for: 1m
    annotations:
      q: '{{ with query "job:one * 42" }}{{ . | first | value }}{{ end }}'
      d: '{{ 3661 | humanizeDuration }} {{ 0.000123 | humanize }} {{ $value | printf "%.2f" }}'
- name: errors
  interval: 1s
  limit: 1
  rules:
  - record: too_many
    expr: label_replace(vector(1), "a", "1", "", "") or label_replace(vector(1), "a", "2", "", "")
  - record: dup
    expr: label_replace(vector(1), "a", "1", "", "") or label_replace(vector(1), "a", "2", "", "")
    labels: { a: same }
  - record: unset
    expr: label_replace(vector(5), "gone", "v", "", "")
    labels: { gone: "" }
  - alert: BadTemplate
    expr: vector(1)
    labels: { gone: "", empty: '{{ $labels.nope }}' }
    annotations:
      x: '{{ humanize "one" }}'
      y: '{{ $labels.nope }}|{{ .Value }}'
`;

interface Posted {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
}

test('a rule file evaluates the same in the real Prometheus and ours', async (t) => {
  if (!peer('prometheus', t)) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'rules.yml'), RULES);
  const { addr: amAddr, posted } = await startAlertSink<Posted>(t);
  const yaml = (who: string) => `global:
  evaluation_interval: 1s
  external_labels: { site: casa }
rule_files: ['${join(dir, 'rules.yml')}']
alerting:
  alertmanagers:
  - path_prefix: /${who}/
    static_configs:
    - targets: ['${amAddr}']
`;
  // A short resend delay: the real one may fire before it has discovered its Alertmanager, and
  // would otherwise wait a minute to resend.
  const real = await startRealPrometheus(yaml('real'), [
    '--web.external-url=http://prom.example:9090/',
    '--rules.alert.resend-delay=1s',
  ]);
  t.after(() => real.stop());
  const ours = await startOurServer(yaml('ours'), [
    '--web.external-url=http://prom.example:9090/',
    '--rules.alert.resend-delay=1s',
  ]);
  t.after(() => ours.stop());

  const get = async (url: string, path: string): Promise<unknown> =>
    ((await (await fetch(url + path)).json()) as { data: unknown }).data;
  const end = Date.now() + 30_000;
  const names = (who: string) => new Set((posted.get(who) ?? []).map((p) => p.labels['alertname']));
  while ((names('real').size < 3 || names('ours').size < 3) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 200));

  assert.ok(posted.get('real')?.length, 'the real Prometheus sent its alert');
  assert.ok(posted.get('ours')?.length, 'ours sent its alert');
  const strip = (p: Posted) => ({
    labels: p.labels,
    annotations: p.annotations,
    generatorURL: p.generatorURL,
  });
  const firstOf = (who: string) => {
    const m = new Map<string, ReturnType<typeof strip>>();
    for (const p of posted.get(who)!)
      if (!m.has(p.labels['alertname']!)) m.set(p.labels['alertname']!, strip(p));
    return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  };
  assert.deepEqual(firstOf('ours'), firstOf('real'));

  for (const q of [
    'job:one',
    'scalar_rec',
    'lbl',
    'too_many',
    'dup',
    'unset',
    'ALERTS',
    'ALERTS_FOR_STATE',
    'count by (alertstate) (ALERTS)',
  ]) {
    const labelsOf = async (url: string) =>
      (
        (await get(url, `/api/v1/query?query=${encodeURIComponent(q)}`)) as {
          result: { metric: Record<string, string>; value: [number, string] }[];
        }
      ).result
        .map((r) => JSON.stringify(r.metric) + (q.startsWith('ALERTS_FOR') ? '' : r.value[1]))
        .sort();
    assert.deepEqual(await labelsOf(ours.url), await labelsOf(real.url), q);
  }
  // The same evaluation instants: the group's offset is Prometheus's (hash of file and name), so
  // the recorded samples of both sit at the same millisecond within the 1 s interval.
  const phases = async (url: string) => {
    const r = (await get(url, `/api/v1/query?query=${encodeURIComponent('job:one[10s]')}`)) as {
      result: { values: [number, string][] }[];
    };
    return [
      ...new Set(r.result.flatMap((s) => s.values.map(([ts]) => Math.round(ts * 1000) % 1000))),
    ];
  };
  const [ourPhases, realPhases] = [await phases(ours.url), await phases(real.url)];
  assert.equal(realPhases.length, 1);
  assert.deepEqual(ourPhases, realPhases, 'evaluated at the same instants as the real Prometheus');
  // The same rule and notifier metric families, with the same label names.
  const families = async (url: string) =>
    [
      ...new Set(
        (await (await fetch(`${url}/metrics`)).text())
          .split('\n')
          .filter((l) => /^prometheus_(rule|notifications)_/.test(l))
          .map((l) =>
            l
              .replace(
                /\{.*\}/,
                (m) =>
                  '{' +
                  [...m.matchAll(/([a-zA-Z_]+)="/g)]
                    .map((x) => x[1])
                    .sort()
                    .join(',') +
                  '}',
              )
              .replace(/ .*$/, ''),
          ),
      ),
    ].sort();
  assert.deepEqual(await families(ours.url), await families(real.url));
  type Rules = {
    groups: {
      name: string;
      interval: number;
      rules: {
        name: string;
        type: string;
        query: string;
        state?: string;
        health: string;
        lastError?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        alerts?: {
          labels: Record<string, string>;
          annotations: Record<string, string>;
          state: string;
        }[];
      }[];
    }[];
  };
  const view = (d: Rules) =>
    d.groups.map((g) => ({
      name: g.name,
      interval: g.interval,
      rules: g.rules.map((r) => ({
        name: r.name,
        type: r.type,
        query: r.query,
        state: r.state,
        health: r.health,
        lastError: r.lastError,
        labels: r.labels,
        annotations: r.annotations,
        alerts: r.alerts?.map((a) => ({
          labels: a.labels,
          annotations: a.annotations,
          state: a.state,
        })),
      })),
    }));
  assert.deepEqual(
    view((await get(ours.url, '/api/v1/rules')) as Rules),
    view((await get(real.url, '/api/v1/rules')) as Rules),
  );
});
