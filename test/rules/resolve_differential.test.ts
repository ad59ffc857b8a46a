// Resolution and reload, side by side with the real Prometheus: both scrape one target we
// control; its `flag` goes 1 → 0. While it is 1 the alert fires; a config reload with the rule
// group changed keeps its activeAt in both; when it goes to 0 both send the alert resolved
// (endsAt set, the same labels) and ALERTS empties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, startRealPrometheus, tempDir } from '../support/peers.ts';
import { startOurServer } from '../support/server.ts';
import { startAlertSink } from '../support/alert_sink.ts';

interface Posted {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
}

const rules = (extra: string) => `groups:
- name: flag
  interval: 1s
  rules:
  - alert: FlagUp
    expr: flag == 1
    labels: { severity: warning }
    annotations: { summary: 'flag on {{ $labels.instance }}' }
${extra}`;

test('resolution and reload carry-over agree with the real Prometheus', async (t) => {
  if (!peer('prometheus', t)) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  let flag = 1;
  const { addr, posted } = await startAlertSink<Posted>(t, (_req, res) => {
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(`# TYPE flag gauge\nflag ${flag}\n`);
  });
  const servers: { who: string; url: string }[] = [];
  for (const who of ['real', 'ours']) {
    const rulesFile = join(dir, `${who}.rules.yml`);
    writeFileSync(rulesFile, rules(''));
    const yaml = `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['${rulesFile}']\nscrape_configs:\n- job_name: flagger\n  static_configs:\n  - targets: ['${addr}']\nalerting:\n  alertmanagers:\n  - path_prefix: /${who}/\n    static_configs:\n    - targets: ['${addr}']\n`;
    const args = ['--web.enable-lifecycle', '--rules.alert.resend-delay=1s'];
    const s =
      who === 'real' ? await startRealPrometheus(yaml, args) : await startOurServer(yaml, args);
    t.after(() => s.stop());
    servers.push({ who, url: s.url });
  }
  type Rule = { name: string; state?: string; alerts?: { activeAt: string; state: string }[] };
  const rulesOf = async (url: string) =>
    (
      (await (await fetch(`${url}/api/v1/rules`)).json()) as {
        data: { groups: { rules: Rule[] }[] };
      }
    ).data.groups.flatMap((g) => g.rules);
  const until = async (f: () => Promise<boolean> | boolean, what: string) => {
    const end = Date.now() + 30_000;
    while (!(await f())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await until(async () => {
    for (const s of servers) if ((await rulesOf(s.url))[0]?.state !== 'firing') return false;
    return true;
  }, 'both firing');
  const activeBefore = new Map<string, string>();
  for (const s of servers) activeBefore.set(s.who, (await rulesOf(s.url))[0]!.alerts![0]!.activeAt);

  // Reload with the group changed (a rule added): the alert keeps its activeAt.
  for (const s of servers) {
    writeFileSync(
      join(dir, `${s.who}.rules.yml`),
      rules('  - record: flag:copy\n    expr: flag\n'),
    );
    const r = await fetch(`${s.url}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 200, `${s.who} reload`);
  }
  await until(async () => {
    for (const s of servers) if ((await rulesOf(s.url)).length !== 2) return false;
    return true;
  }, 'both reloaded');
  for (const s of servers) {
    const r = (await rulesOf(s.url))[0]!;
    assert.equal(r.state, 'firing', s.who);
    assert.equal(
      r.alerts![0]!.activeAt,
      activeBefore.get(s.who),
      `${s.who}: activeAt carried over the reload`,
    );
  }

  flag = 0;
  const resolved = (who: string) =>
    (posted.get(who) ?? []).find(
      (p) => p.endsAt !== undefined && Date.parse(p.endsAt) <= Date.now(),
    );
  await until(() => servers.every((s) => resolved(s.who) !== undefined), 'both resolved');
  const view = (p: Posted) => ({
    labels: p.labels,
    annotations: p.annotations,
    endsAfterStart: Date.parse(p.endsAt!) >= Date.parse(p.startsAt),
  });
  assert.deepEqual(view(resolved('ours')!), view(resolved('real')!));
  for (const s of servers) {
    const q = (await (await fetch(`${s.url}/api/v1/query?query=ALERTS`)).json()) as {
      data: { result: unknown[] };
    };
    assert.deepEqual(q.data.result, [], `${s.who}: ALERTS ended`);
    const r = (await rulesOf(s.url))[0]!;
    assert.equal(r.state, 'inactive', s.who);
    assert.deepEqual(r.alerts, [], s.who);
  }
});
