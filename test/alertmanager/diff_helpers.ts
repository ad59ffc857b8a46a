// A differential run: the real Alertmanager 0.25 with one receiver's integrations pointed at a
// recording sink, fed the given alerts (firing, then optionally all resolved), against the same
// entries driven through our integrations; the requests are compared by method, path, headers
// of interest and exact body.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { IntegrationType } from '../../src/alertmanager/notify/integration.js';
import {
  build,
  notifyAlerts,
  notifyContext,
  postAlerts,
  startRealAlertmanager,
  startSink,
  type Recorded,
  type TestAlert,
} from './am_helpers.js';

export interface DiffEntry {
  type: IntegrationType<unknown>;
  /** The config entry, given the sink's base URL. */
  raw: (sink: string) => Record<string, unknown>;
}

const key = (r: Recorded) => `${r.method} ${r.url}`;

export async function diffWithReal(
  t: TestContext,
  entries: DiffEntry[],
  alerts: TestAlert[],
  opts: {
    resolve?: boolean;
    headers?: string[];
    globalYaml?: string;
    expect: number;
    expectResolved?: number;
    reply?: string;
    compareHeaders?: boolean;
  },
): Promise<{ real: Recorded[]; ours: Recorded[] } | null> {
  const sink = await startSink(t, () => 200, opts.reply);
  const byKey = new Map<string, Record<string, unknown>[]>();
  for (const e of entries)
    byKey.set(e.type.configKey, [...(byKey.get(e.type.configKey) ?? []), e.raw(sink.url)]);
  const yaml = `
global:
  resolve_timeout: 5m
${opts.globalYaml ?? ''}
route:
  receiver: 'team-x'
  group_by: ['alertname']
  group_wait: 1s
  group_interval: 1s
receivers:
  - name: 'team-x'
${[...byKey].map(([k, list]) => `    ${k}:\n${list.map((c) => '      - ' + JSON.stringify(c)).join('\n')}`).join('\n')}
`;
  const am = await startRealAlertmanager(t, yaml);
  if (!am) return null;
  await postAlerts(am.url, alerts);
  await sink.waitFor(opts.expect);
  const resolvedAlerts = alerts.map((a) => ({ ...a, endsAt: new Date().toISOString() }));
  if (opts.resolve) {
    await postAlerts(am.url, resolvedAlerts);
    await sink.waitFor(opts.expect + (opts.expectResolved ?? opts.expect));
  }
  const real = sink.requests;

  const ours = await startSink(t, () => 200, opts.reply);
  const groupKey = `{}:{alertname="${alerts[0]!.labels['alertname']}"}`;
  const steps = opts.resolve ? [alerts, resolvedAlerts] : [alerts];
  // One integration per entry across the steps, as the dispatcher keeps them (WeChat caches its token).
  const integrations = await Promise.all(entries.map((e) => build(e.type, e.raw(ours.url))));
  for (const step of steps) {
    for (const i of integrations)
      await i.notify(
        notifyContext('team-x', { alertname: alerts[0]!.labels['alertname']! }, groupKey),
        notifyAlerts(step),
      );
  }
  const sortByKey = (rs: Recorded[]) =>
    [...rs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const a = sortByKey(real);
  const b = sortByKey(ours.requests);
  assert.deepEqual(b.map(key), a.map(key));
  for (let i = 0; i < a.length; i++) {
    if (process.env.DUMP) console.log(key(b[i]!), b[i]!.body);
    assert.equal(b[i]!.body, a[i]!.body, `body of ${key(a[i]!)}`);
    if (opts.compareHeaders === false) continue;
    for (const h of ['user-agent', 'content-type', ...(opts.headers ?? [])])
      assert.equal(b[i]!.headers[h], a[i]!.headers[h], `${h} of ${key(a[i]!)}`);
  }
  return { real: a, ours: b };
}
