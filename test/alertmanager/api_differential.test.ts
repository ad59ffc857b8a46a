// The API v2 answers of alertmanager-ts beside Alertmanager 0.25's for the same alerts and
// silences: alerts (with each filter), alert groups, receivers, silences — equal as JSON apart
// from times, silence ids and version strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { peer } from '../support/peers.js';
import {
  postJSON,
  startAlertmanagerTs,
  startRealAlertmanager,
  startWebhookSink,
} from './am_peers.js';

const CONFIG = (sink: string) => `route:
  receiver: default
  group_by: [alertname]
  group_wait: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: critical
      continue: true
    - matchers: ['team=~"db|infra"']
      receiver: db
receivers:
  - name: default
    webhook_configs: [{ url: '${sink}/d' }]
  - name: critical
    webhook_configs: [{ url: '${sink}/c' }]
  - name: db
    webhook_configs: [{ url: '${sink}/db' }]
inhibit_rules:
  - source_matchers: [severity=critical]
    target_matchers: [severity=warning]
    equal: [instance]
`;

/** Drops times and maps each silence id to its place in the script, so two runs compare. */
function normalize(v: unknown, ids: Map<string, string>): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, ids));
  if (v === null || typeof v !== 'object')
    return typeof v === 'string' && ids.has(v) ? ids.get(v) : v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (['startsAt', 'endsAt', 'updatedAt'].includes(k)) continue;
    out[k] = normalize(x, ids);
  }
  return out;
}

test(
  'API v2: the same answers as Alertmanager 0.25 for the same alerts and silences',
  { timeout: 60_000 },
  async (t) => {
    if (peer('alertmanager', t) === null) return;
    const sink = await startWebhookSink(t);
    const real = (await startRealAlertmanager(t, CONFIG(sink.url)))!;
    t.after(() => real.stop());
    const ours = await startAlertmanagerTs(CONFIG(sink.url));
    t.after(() => ours.stop());
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const alerts = [
      {
        labels: { alertname: 'Down', severity: 'critical', instance: 'a' },
        annotations: { summary: 'down' },
        startsAt: iso(now - 60_000),
        generatorURL: 'http://p/graph',
      },
      {
        labels: { alertname: 'Slow', severity: 'warning', instance: 'a' },
        startsAt: iso(now - 60_000),
      },
      {
        labels: { alertname: 'Slow', severity: 'warning', instance: 'b', team: 'db' },
        startsAt: iso(now - 60_000),
      },
      {
        labels: { alertname: 'Quiet', instance: 'c', empty: '' },
        startsAt: iso(now - 60_000),
        endsAt: iso(now + 600_000),
      },
      {
        labels: { alertname: 'Gone', instance: 'd' },
        startsAt: iso(now - 60_000),
        endsAt: iso(now - 1000),
      },
    ];
    const ids = [new Map<string, string>(), new Map<string, string>()];
    for (const [i, am] of [real, ours].entries()) {
      assert.equal((await postJSON(`${am.url}/api/v2/alerts`, alerts)).status, 200);
      for (const [n, s] of [
        {
          matchers: [{ name: 'alertname', value: 'Quiet', isRegex: false }],
          startsAt: iso(now),
          endsAt: iso(now + 3600_000),
          createdBy: 'a',
          comment: 'one',
        },
        {
          matchers: [{ name: 'instance', value: 'z.*', isRegex: true, isEqual: true }],
          startsAt: iso(now + 3600_000),
          endsAt: iso(now + 7200_000),
          createdBy: 'b',
          comment: 'pending',
        },
        {
          matchers: [
            { name: 'alertname', value: 'Old', isRegex: false, isEqual: false },
            { name: 'team', value: 'x', isRegex: false },
          ],
          startsAt: iso(now),
          endsAt: iso(now + 60_000),
          createdBy: 'c',
          comment: 'to expire',
        },
      ].entries()) {
        const r = await postJSON(`${am.url}/api/v2/silences`, s);
        assert.equal(r.status, 200, r.text);
        ids[i]!.set((JSON.parse(r.text) as { silenceID: string }).silenceID, `silence-${n}`);
      }
      const expireId = [...ids[i]!.entries()].find(([, v]) => v === 'silence-2')![0];
      assert.equal(
        (await fetch(`${am.url}/api/v2/silence/${expireId}`, { method: 'DELETE' })).status,
        200,
      );
    }
    const queries = [
      '/api/v2/alerts',
      '/api/v2/alerts?silenced=false',
      '/api/v2/alerts?inhibited=false&active=true',
      '/api/v2/alerts?active=false',
      '/api/v2/alerts?filter=severity%3D%22warning%22',
      '/api/v2/alerts?filter=team%3D~db&filter=instance!%3Da',
      '/api/v2/alerts?receiver=crit.*',
      '/api/v2/alerts/groups',
      '/api/v2/alerts/groups?silenced=false&inhibited=false',
      '/api/v2/alerts/groups?receiver=db',
      '/api/v2/receivers',
      '/api/v2/silences',
      '/api/v2/silences?filter=alertname%3DQuiet',
      '/api/v2/alerts?filter=bad',
      '/api/v2/silence/00000000-0000-0000-0000-000000000000',
    ];
    for (const q of queries) {
      const [a, b] = await Promise.all(
        [real, ours].map(async (am) => {
          const r = await fetch(am.url + q);
          const text = await r.text();
          return { status: r.status, body: text === '' ? '' : (JSON.parse(text) as unknown) };
        }),
      );
      if (process.env.AM_API_DEBUG)
        console.log(
          q,
          JSON.stringify(normalize(a!.body, ids[0]!)),
          '\nOURS',
          JSON.stringify(normalize(b!.body, ids[1]!)),
        );
      assert.equal(b!.status, a!.status, q);
      assert.deepEqual(normalize(b!.body, ids[1]!), normalize(a!.body, ids[0]!), q);
    }
  },
);
