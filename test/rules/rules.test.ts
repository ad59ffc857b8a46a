// Rule evaluation driven in time on a real TSDB and engine: recording rules (chained within a
// group, rule labels, stale markers, limit), alerting rules (pending → firing, keep_firing_for,
// resolution and resending, ALERTS/ALERTS_FOR_STATE, limit), the group's aligned timestamps,
// reload carrying state over, a failed reload keeping the old rules, and for-state restore.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Labels } from '../../src/model/labels/index.ts';
import { STALE_NAN } from '../../src/model/value/index.ts';
import { parseRules } from '../../src/model/rulefmt/index.ts';
import { openDB, type DB } from '../../src/tsdb/index.ts';
import { Engine } from '../../src/promql/index.ts';
import { RuleGroup, RuleManager, RuleMetrics, AlertingRule } from '../../src/rules/index.ts';
import type { Alert } from '../../src/notifier/index.ts';
import { nopLogger } from '../../src/util/log.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import { tempDir } from '../support/peers.ts';

const M = 60_000;

async function env(t: {
  after: (f: () => unknown) => void;
}): Promise<{ db: DB; engine: Engine; dir: string }> {
  const { dir, cleanup } = tempDir();
  const db = await openDB(join(dir, 'data'), { retentionDuration: 0 }, {});
  t.after(async () => {
    await db.close();
    cleanup();
  });
  return {
    db,
    engine: new Engine({ timeout: 60_000, maxSamples: 50_000_000, lookbackDelta: 300_000 }),
    dir,
  };
}

// 'stale' stands for the marker: V8 canonicalizes NaNs kept in number arrays, losing its bits.
async function put(
  db: DB,
  series: Record<string, string>,
  points: [number, number | 'stale'][],
): Promise<void> {
  const app = db.appender();
  const ls = Labels.fromObject(series);
  for (const [t, v] of points) app.append(0, ls, t, v === 'stale' ? STALE_NAN : v);
  await app.commit();
}

async function instant(
  e: { db: DB; engine: Engine },
  q: string,
  t: number,
): Promise<Record<string, number>> {
  const { value } = await e.engine.newInstantQuery(e.db, q, t).exec();
  assert.equal(value.type, 'vector');
  const out: Record<string, number> = {};
  if (value.type === 'vector') for (const s of value.samples) out[s.metric.toString()] = s.f;
  return out;
}

function group(
  e: { db: DB; engine: Engine },
  yaml: string,
  notify: (a: Alert[]) => void = () => {},
  interval = M,
): RuleGroup {
  const { groups, errors } = parseRules(yaml, 'rules.yml');
  assert.deepEqual(errors, []);
  return new RuleGroup({
    file: 'rules.yml',
    def: groups[0]!,
    interval,
    queryable: e.db,
    appendable: e.db,
    engine: e.engine,
    notify,
    externalLabels: Labels.fromObject({ site: 'casa' }),
    externalURL: 'http://prom.example:9090',
    logger: nopLogger,
    metrics: new RuleMetrics(),
    outageTolerance: 3_600_000,
    forGracePeriod: 600_000,
    resendDelay: 60_000,
  });
}

test('recording rules: a later rule sees an earlier one of the same evaluation, rule labels set and removed', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'x', job: 'a', drop_me: 'y' }, [[0, 2]]);
  await put(e.db, { __name__: 'x', job: 'b', drop_me: 'y' }, [[0, 3]]);
  const g = group(
    e,
    `groups:
- name: g
  rules:
  - record: job:x:double
    expr: x * 2
    labels: { drop_me: "", kind: doubled }
  - record: total:x
    expr: sum(job:x:double)
`,
  );
  await g.evalAt(0);
  assert.deepEqual(await instant(e, 'job:x:double', 0), {
    '{__name__="job:x:double", job="a", kind="doubled"}': 4,
    '{__name__="job:x:double", job="b", kind="doubled"}': 6,
  });
  assert.deepEqual(await instant(e, 'total:x', 0), { '{__name__="total:x"}': 10 });
  assert.equal(g.rules[0]!.health, 'ok');
  assert.ok(g.lastEvaluation && g.lastEvaluation.getTime() === 0);
});

test('recording rules: a series no longer produced is ended by a stale marker', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [0, 1],
    [M, 1],
  ]);
  await put(e.db, { __name__: 'up', job: 'b' }, [
    [0, 1],
    [M - 1000, 'stale'],
  ]);
  const g = group(e, 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: up\n');
  await g.evalAt(0);
  await g.evalAt(M);
  // Without the marker job="b" would still show for the 5m lookback.
  assert.deepEqual(Object.keys(await instant(e, 'r', M + 1000)), ['{__name__="r", job="a"}']);
  assert.deepEqual(Object.keys(await instant(e, 'r', 0)).length, 2);
});

test('recording rules: limit exceeded fails the rule, and a failed evaluation writes no stale markers', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [0, 1],
    [M, 1],
  ]);
  await put(e.db, { __name__: 'up', job: 'b' }, [
    [0, 1],
    [M, 1],
  ]);
  const g = group(
    e,
    'groups:\n- name: g\n  limit: 2\n  rules:\n  - record: r\n    expr: up\n  - record: r2\n    expr: up * 2\n    labels: { x: "1" }\n',
  );
  await g.evalAt(0);
  assert.equal(g.rules[0]!.health, 'ok');
  await put(e.db, { __name__: 'up', job: 'c' }, [[M, 1]]);
  await g.evalAt(M);
  assert.equal(g.rules[0]!.health, 'err');
  assert.equal(g.rules[0]!.lastError, 'exceeded limit of 2 with 3 series');
  // The series of the last good evaluation stay visible (no stale marker was written).
  assert.equal(Object.keys(await instant(e, 'r', M + 1000)).length, 2);
});

test('alerting: pending, firing after for, resent, resolved with endsAt, ALERTS and ALERTS_FOR_STATE', async (t) => {
  const e = await env(t);
  const sent: Alert[][] = [];
  await put(
    e.db,
    { __name__: 'up', job: 'node', instance: 'h:9100' },
    [0, 1, 2, 3, 4, 5, 6].map((i) => [i * M, i < 5 ? 0 : 1] as [number, number]),
  );
  const g = group(
    e,
    `groups:
- name: g
  rules:
  - alert: ContainerDown
    expr: up == 0
    for: 2m
    labels: { severity: critical }
    annotations:
      summary: "{{ $labels.instance }} down"
      description: "value {{ $value }}"
`,
    (a) => sent.push(a),
  );
  const rule = g.rules[0] as AlertingRule;
  await g.evalAt(0);
  assert.equal(rule.state(), 'pending');
  assert.equal(sent.length, 0);
  assert.deepEqual(await instant(e, 'ALERTS', 0), {
    '{__name__="ALERTS", alertname="ContainerDown", alertstate="pending", instance="h:9100", job="node", severity="critical"}': 1,
  });
  assert.deepEqual(Object.values(await instant(e, 'ALERTS_FOR_STATE', 0)), [0]);
  await g.evalAt(M);
  assert.equal(rule.state(), 'pending');
  await g.evalAt(2 * M);
  assert.equal(rule.state(), 'firing');
  assert.equal(sent.length, 1);
  const a = sent[0]![0]!;
  assert.equal(
    a.labels.toString(),
    '{alertname="ContainerDown", instance="h:9100", job="node", severity="critical"}',
  );
  assert.equal(a.annotations.get('summary'), 'h:9100 down');
  assert.equal(a.annotations.get('description'), 'value 0');
  assert.equal(a.startsAt.getTime(), 2 * M);
  assert.equal(a.endsAt?.getTime(), 2 * M + 4 * M);
  assert.equal(a.generatorURL, 'http://prom.example:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
  assert.deepEqual(Object.keys(await instant(e, 'ALERTS', 2 * M)), [
    '{__name__="ALERTS", alertname="ContainerDown", alertstate="firing", instance="h:9100", job="node", severity="critical"}',
  ]);
  // Within the resend delay nothing is resent; after it, it is.
  await g.evalAt(2 * M + 30_000);
  assert.equal(sent.length, 1);
  await g.evalAt(3 * M + 30_000);
  assert.equal(sent.length, 2);
  // up is back at 5m: resolved, sent at once with endsAt = resolution time.
  await g.evalAt(5 * M);
  assert.equal(rule.state(), 'inactive');
  assert.equal(sent.length, 3);
  assert.equal(sent[2]![0]!.endsAt?.getTime(), 5 * M);
  assert.deepEqual(await instant(e, 'ALERTS', 5 * M + 1000), {});
  assert.deepEqual(rule.info().alerts, []);
  // Resolved alerts are resent every resend delay while retained.
  await g.evalAt(6 * M + 1000);
  assert.equal(sent.length, 4);
  assert.equal(sent[3]![0]!.endsAt?.getTime(), 5 * M);
});

test('alerting: keep_firing_for keeps a firing alert after its condition is gone', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [0, 0],
    [M, 1],
    [2 * M, 1],
    [3 * M, 1],
  ]);
  const g = group(
    e,
    'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    keep_firing_for: 2m\n',
  );
  const rule = g.rules[0] as AlertingRule;
  await g.evalAt(0);
  assert.equal(rule.state(), 'firing');
  await g.evalAt(M);
  assert.equal(rule.state(), 'firing');
  assert.equal(rule.info().alerts[0]!.keepFiringSince?.getTime(), M);
  await g.evalAt(2 * M);
  assert.equal(rule.state(), 'firing');
  await g.evalAt(3 * M);
  assert.equal(rule.state(), 'inactive');
});

test('alerting: limit exceeded clears the alerts and fails the rule', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [[0, 0]]);
  await put(e.db, { __name__: 'up', job: 'b' }, [[0, 0]]);
  const g = group(
    e,
    'groups:\n- name: g\n  limit: 1\n  rules:\n  - alert: Down\n    expr: up == 0\n',
  );
  await g.evalAt(0);
  assert.equal(g.rules[0]!.lastError, 'exceeded limit of 1 with 2 alerts');
  assert.equal((g.rules[0] as AlertingRule).state(), 'inactive');
});

test('group timestamps are aligned to the interval, shifted by a per-group offset', async (t) => {
  const e = await env(t);
  const g = group(e, 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: vector(1)\n');
  const base = g.evalTimestamp(1_700_000_000_000);
  assert.ok(base <= 1_700_000_000_000 && base > 1_700_000_000_000 - M);
  for (const dt of [0, 1, 59_999, 60_000, 123_456]) {
    const ts = g.evalTimestamp(base + dt);
    assert.equal((ts - base) % M, 0);
    assert.ok(ts <= base + dt && ts > base + dt - M);
  }
});

test('RuleManager: reload keeps active alerts of a changed group, a bad file keeps the old rules, metrics registered', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [0, 0],
    [M, 0],
  ]);
  const registry = newRegistry();
  const mgr = new RuleManager({
    queryable: e.db,
    appendable: e.db,
    engine: e.engine,
    notify: () => {},
    externalLabels: Labels.EMPTY,
    externalURL: 'http://x',
    logger: nopLogger,
    registry,
  });
  t.after(() => mgr.stop());
  const file = join(e.dir, 'r.yml');
  writeFileSync(
    file,
    'groups:\n- name: g\n  interval: 1h\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 10m\n',
  );
  await mgr.update(M, [file], Labels.EMPTY, 'http://x');
  await mgr.groupList()[0]!.evalAt(0);
  const before = mgr.ruleGroups()[0]!.rules[0]!;
  assert.equal(before.type === 'alerting' && before.alerts[0]!.activeAt?.getTime(), 0);
  // Same group with an added rule: the alert keeps its activeAt.
  writeFileSync(
    file,
    'groups:\n- name: g\n  interval: 1h\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 10m\n  - record: r\n    expr: up\n',
  );
  await mgr.update(M, [file], Labels.EMPTY, 'http://x');
  const g2 = mgr.groupList()[0]!;
  assert.equal(g2.rules.length, 2);
  await g2.evalAt(M);
  const after = mgr.ruleGroups()[0]!.rules[0]!;
  assert.equal(after.type === 'alerting' && after.alerts[0]!.activeAt?.getTime(), 0);
  // A broken file: the update throws and the running rules stay.
  writeFileSync(file, 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up ==\n');
  await assert.rejects(
    mgr.update(M, [file], Labels.EMPTY, 'http://x'),
    /error loading rules|parse error/,
  );
  assert.equal(mgr.groupList()[0], g2);
  const text = await registry.metrics();
  assert.match(text, /prometheus_rule_group_rules\{rule_group=".*r\.yml;g"\} 2/);
  assert.match(text, /prometheus_rule_group_interval_seconds\{rule_group=".*r\.yml;g"\} 3600/);
  assert.match(text, /prometheus_rule_evaluations_total\{rule_group=".*r\.yml;g"\} 3/);
});

test('after a restart the for state is restored from ALERTS_FOR_STATE', async (t) => {
  const e = await env(t);
  const T0 = 1_700_000_000_000;
  const alertLabels = { alertname: 'Down', job: 'a' };
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [T0, 0],
    [T0 + 10 * M, 0],
    [T0 + 20 * M, 0],
    [T0 + 45 * M, 0],
  ]);
  // Before the restart: pending since T0, last written at T0+10m.
  await put(e.db, { __name__: 'ALERTS_FOR_STATE', ...alertLabels }, [
    [T0, T0 / 1000],
    [T0 + 10 * M, T0 / 1000],
  ]);
  const file = join(e.dir, 'r.yml');
  writeFileSync(
    file,
    'groups:\n- name: g\n  interval: 1h\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 30m\n',
  );
  const mgr = new RuleManager({
    queryable: e.db,
    appendable: e.db,
    engine: e.engine,
    notify: () => {},
    externalLabels: Labels.EMPTY,
    externalURL: '',
    logger: nopLogger,
    registry: newRegistry(),
  });
  t.after(() => mgr.stop());
  await mgr.update(M, [file], Labels.EMPTY, '');
  const g = mgr.groupList()[0]!;
  // 10m already spent pending; 20m remain (≥ grace period): shifted by the 10m outage.
  await g.evalAt(T0 + 20 * M);
  const rule = g.rules[0] as AlertingRule;
  assert.equal(rule.info().alerts[0]!.activeAt?.getTime(), T0 + 10 * M);
  assert.equal(rule.state(), 'pending');
  // Fires when its 30m have passed counting the restored time (T0+40m), not 30m after the restart.
  await g.evalAt(T0 + 45 * M);
  assert.equal(rule.state(), 'firing');
});

test('restore: less than the grace period remaining waits the grace period; a stale last sample restores nothing', async (t) => {
  const e = await env(t);
  const T0 = 1_700_000_000_000;
  await put(e.db, { __name__: 'up', job: 'a' }, [[T0 + 30 * M, 0]]);
  await put(e.db, { __name__: 'up', job: 'b' }, [[T0 + 30 * M, 0]]);
  await put(e.db, { __name__: 'ALERTS_FOR_STATE', alertname: 'Down', job: 'a' }, [
    [T0 + 25 * M, T0 / 1000],
  ]);
  await put(e.db, { __name__: 'ALERTS_FOR_STATE', alertname: 'Down', job: 'b' }, [
    [T0 + 20 * M, T0 / 1000],
    [T0 + 25 * M, 'stale'],
  ]);
  const g = group(
    e,
    'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == 0\n    for: 30m\n',
  );
  g.markForRestore();
  const ts = T0 + 30 * M;
  await g.evalAt(ts);
  const byJob = new Map(
    (g.rules[0] as AlertingRule)
      .info()
      .alerts.map((a) => [a.labels.get('job'), a.activeAt?.getTime()]),
  );
  assert.equal(byJob.get('a'), ts + 10 * M - 30 * M);
  assert.equal(byJob.get('b'), ts);
});

test('reload: a rule removed from a changed group has its series ended at the next evaluation; $labels keeps __name__', async (t) => {
  const e = await env(t);
  await put(e.db, { __name__: 'up', job: 'a' }, [
    [0, 0],
    [M, 0],
  ]);
  const mgr = new RuleManager({
    queryable: e.db,
    appendable: e.db,
    engine: e.engine,
    notify: () => {},
    externalLabels: Labels.EMPTY,
    externalURL: '',
    logger: nopLogger,
    registry: newRegistry(),
  });
  t.after(() => mgr.stop());
  const file = join(e.dir, 'r.yml');
  writeFileSync(
    file,
    'groups:\n- name: g\n  interval: 1h\n  rules:\n  - record: gone\n    expr: up\n  - alert: Down\n    expr: up == 0\n    annotations: { m: "{{ $labels.__name__ }}/{{ $labels.job }}" }\n',
  );
  await mgr.update(M, [file], Labels.EMPTY, '');
  await mgr.groupList()[0]!.evalAt(0);
  assert.equal(
    (mgr.groupList()[0]!.rules[1] as AlertingRule).info().alerts[0]!.annotations.get('m'),
    'up/a',
  );
  writeFileSync(
    file,
    'groups:\n- name: g\n  interval: 1h\n  rules:\n  - alert: Down\n    expr: up == 0\n',
  );
  await mgr.update(M, [file], Labels.EMPTY, '');
  assert.deepEqual(Object.keys(await instant(e, 'gone', 30_000)), ['{__name__="gone", job="a"}']);
  await mgr.groupList()[0]!.evalAt(M);
  assert.deepEqual(await instant(e, 'gone', M + 1000), {});
});

test('RuleManager runs a group on its own aligned schedule and its output lands in storage', async (t) => {
  const e = await env(t);
  const registry = newRegistry();
  const mgr = new RuleManager({
    queryable: e.db,
    appendable: e.db,
    engine: e.engine,
    notify: () => {},
    externalLabels: Labels.EMPTY,
    externalURL: '',
    logger: nopLogger,
    registry,
  });
  t.after(() => mgr.stop());
  const file = join(e.dir, 'r.yml');
  writeFileSync(
    file,
    'groups:\n- name: fast\n  interval: 200ms\n  rules:\n  - record: one\n    expr: vector(1)\n',
  );
  await mgr.update(M, [file], Labels.EMPTY, '');
  const g = mgr.groupList()[0]!;
  const end = Date.now() + 10_000;
  while ((g.lastEvaluation === null || g.lastEvaluation.getTime() === 0) && Date.now() < end)
    await new Promise((r) => setTimeout(r, 50));
  const ts = g.lastEvaluation!.getTime();
  assert.equal(
    g.evalTimestamp(ts),
    ts,
    "evaluation timestamps sit on the group's interval boundaries",
  );
  assert.deepEqual(await instant(e, 'one', ts), { '{__name__="one"}': 1 });
  assert.match(
    await registry.metrics(),
    /prometheus_rule_group_iterations_total\{rule_group=".*r\.yml;fast"\} [1-9]/,
  );
});
