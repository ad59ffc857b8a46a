// alertmanager-ts beside the real Alertmanager 0.25 on the seed's alertmanager.yml (receivers
// pointed at a local sink; timings scaled down so the test takes seconds; an inhibit rule
// added): the same scripted alert stream — firing, re-firing, resolving, many groups, an
// inhibited and a silenced alert — must produce the same notifications: same receiver, group
// key, alert set and status, at the same moments within 1s, bodies equal as JSON apart from times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer } from '../support/peers.js';
import {
  postJSON,
  sleep,
  startAlertmanagerTs,
  startRealAlertmanager,
  startWebhookSink,
  type Notification,
  type RunningAM,
} from './am_peers.js';
import { SEED as SEED_DIR } from '../support/paths.js';

const SEED = readFileSync(join(SEED_DIR, 'alertmanager.yml'), 'utf8');

function configFor(sinkURL: string, who: string): string {
  return (
    SEED.replaceAll('http://mordomo-core-api:8000', `${sinkURL}/${who}`)
      .replace('group_wait: 10s', 'group_wait: 2s')
      .replace('group_interval: 10s', 'group_interval: 3s') +
    `
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: ['instance']
`
  );
}

interface Posted {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Strips times (and the host-specific parts) so two notifications compare as JSON. */
function comparable(n: Notification): unknown {
  const b = structuredClone(n.body) as { alerts: Record<string, unknown>[] } & Record<
    string,
    unknown
  >;
  for (const a of b.alerts) {
    delete a.startsAt;
    delete a.endsAt;
  }
  b.alerts.sort((x, y) => (String(x.fingerprint) < String(y.fingerprint) ? -1 : 1));
  return { path: n.path.split('/').slice(2).join('/'), ...b };
}

test(
  'differential: the seed alertmanager.yml, one alert stream, the same notifications as Alertmanager 0.25',
  { timeout: 90_000 },
  async (t) => {
    if (peer('alertmanager', t) === null) return;
    const sink = await startWebhookSink(t);
    const ext = ['--web.external-url=http://alertmanager.example:9093'];
    const real = (await startRealAlertmanager(t, configFor(sink.url, 'real'), { args: ext }))!;
    t.after(() => real.stop());
    const ours = await startAlertmanagerTs(configFor(sink.url, 'ours'), { args: ext });
    t.after(() => ours.stop());
    const both: RunningAM[] = [real, ours];
    const post = async (alerts: Posted[]) => {
      const rs = await Promise.all(both.map((am) => postJSON(`${am.url}/api/v2/alerts`, alerts)));
      for (const r of rs) assert.equal(r.status, 200, r.text);
    };
    const iso = (ms: number) => new Date(ms).toISOString();
    const t0 = Date.now();
    const startsAt = iso(t0 - 60_000);
    // A silence, created the same on both.
    for (const am of both) {
      const r = await postJSON(`${am.url}/api/v2/silences`, {
        matchers: [{ name: 'alertname', value: 'Silenced', isRegex: false }],
        startsAt: iso(t0),
        endsAt: iso(t0 + 3600_000),
        createdBy: 'test',
        comment: 'differential',
      });
      assert.equal(r.status, 200, r.text);
    }
    const since = new Map<Record<string, string>, string>();
    const startOf = (labels: Record<string, string>) => since.get(labels) ?? startsAt;
    const firing = (labels: Record<string, string>): Posted => ({
      labels,
      annotations: { summary: `${labels.alertname} on ${labels.instance ?? '-'}` },
      startsAt: startOf(labels),
      endsAt: iso(Date.now() + 180_000),
      generatorURL: 'http://prometheus.example:9090/graph',
    });
    const resolvedAlert = (labels: Record<string, string>): Posted => ({
      labels,
      annotations: { summary: `${labels.alertname} on ${labels.instance ?? '-'}` },
      startsAt: startOf(labels),
      endsAt: iso(Date.now()),
      generatorURL: 'http://prometheus.example:9090/graph',
    });
    const crit1 = { alertname: 'ContainerDown', job: 'api', instance: 'i1', severity: 'critical' };
    const crit2 = { alertname: 'ContainerDown', job: 'db', instance: 'i2', severity: 'critical' };
    const warnInhibited = {
      alertname: 'HighCPU',
      instance: 'i1',
      severity: 'warning',
      service: 'api',
    };
    const warn = { alertname: 'HighCPU', instance: 'i9', severity: 'warning', service: 'web' };
    const silenced = { alertname: 'Silenced', instance: 'i3', severity: 'warning' };
    const many = Array.from({ length: 12 }, (_, i) => ({
      alertname: 'Many',
      service: `s${i}`,
      instance: `m${i}`,
    }));
    // Alerts older than group_wait are flushed at once; crit2 joins crit1's group later (a new
    // alert in a group already notified), since which of two alerts of one batch makes the first
    // flush is a race inside Alertmanager itself.
    let active: Record<string, string>[] = [crit1, warnInhibited, warn, silenced, ...many];
    const resolvedSet: Record<string, string>[] = [];
    // Re-firing every second, as Prometheus re-sends; resolutions at fixed points of the script.
    for (let step = 0; step <= 13; step++) {
      if (step === 2) {
        since.set(crit2, iso(Date.now()));
        active.push(crit2);
      }
      if (step === 5) {
        active = active.filter((a) => a !== crit2);
        resolvedSet.push(crit2);
      }
      if (step === 8) {
        const gone = many.slice(0, 6);
        active = active.filter((a) => !gone.includes(a as (typeof many)[number]));
        resolvedSet.push(...gone);
      }
      await post([...active.map(firing), ...resolvedSet.map(resolvedAlert)]);
      await sleep(Math.max(0, t0 + (step + 1) * 1000 - Date.now()));
    }
    await sleep(1500);
    const of = (who: string) => sink.received.filter((n) => n.path.startsWith(`/${who}/`));
    const realN = of('real');
    const oursN = of('ours');
    assert.ok(realN.length > 0, 'the real Alertmanager sent nothing');
    const key = (n: Notification) =>
      `${n.path.split('/').slice(2).join('/')} ${String(n.body.groupKey)}`;
    const byKey = (ns: Notification[]) => {
      const m = new Map<string, Notification[]>();
      for (const n of ns) m.set(key(n), [...(m.get(key(n)) ?? []), n]);
      return m;
    };
    const rk = byKey(realN);
    const ok = byKey(oursN);
    for (const [k, rs] of rk)
      t.diagnostic(
        `${k}: ${rs.map((r) => `+${r.at - t0}ms ${String(r.body.status)}/${(r.body.alerts as unknown[]).length}`).join(' ')} | ours ${(ok.get(k) ?? []).map((r) => `+${r.at - t0}ms`).join(' ')}`,
      );
    assert.deepEqual(
      [...ok.keys()].sort(),
      [...rk.keys()].sort(),
      'the same receivers and groups were notified',
    );
    for (const [k, rs] of rk) {
      const os = ok.get(k)!;
      assert.equal(os.length, rs.length, `notifications for ${k}`);
      rs.forEach((r, i) => {
        assert.deepEqual(comparable(os[i]!), comparable(r), `notification ${i} for ${k}`);
        assert.ok(
          Math.abs(os[i]!.at - t0 - (r.at - t0)) <= 1000,
          `notification ${i} for ${k}: at +${os[i]!.at - t0}ms, Alertmanager at +${r.at - t0}ms`,
        );
      });
    }
    // The seed's routing: ContainerDown (severity critical) reaches the critical webhook — and, in
    // Alertmanager 0.25 as here, not the default one: `continue: true` lets later siblings match,
    // the parent's receiver only gets what no child took.
    assert.ok(
      realN.some(
        (n) =>
          n.path === '/real/webhooks/alerts/critical' &&
          String(n.body.groupKey).includes('ContainerDown'),
      ),
    );
    assert.ok(
      !realN.some(
        (n) =>
          n.path === '/real/webhooks/alerts' && String(n.body.groupKey).includes('ContainerDown'),
      ),
    );
    // Inhibited and silenced alerts were never sent by either.
    for (const n of [...realN, ...oursN]) {
      const names = (n.body.alerts as { labels: Record<string, string> }[]).map(
        (a) => `${a.labels.alertname}/${a.labels.instance}`,
      );
      assert.ok(
        !names.includes('HighCPU/i1') && !names.includes('Silenced/i3'),
        `suppressed alert sent: ${names.join(',')}`,
      );
    }
  },
);
