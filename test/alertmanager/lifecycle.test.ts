// alertmanager-ts as a process: restart after kill -9, bad input, reload, and the snapshot
// files shared with the real Alertmanager 0.25.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, peer, tempDir } from '../support/peers.js';
import {
  postJSON,
  sleep,
  startAlertmanagerTs,
  startRealAlertmanager,
  startWebhookSink,
  until,
} from './am_peers.js';

const config = (sink: string, extra = '') => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 300ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${sink}/hook
${extra}`;

const iso = (ms: number) => new Date(ms).toISOString();
const alert = (name: string, endsIn = 600_000) => ({
  labels: { alertname: name, instance: 'x' },
  startsAt: iso(Date.now() - 60_000),
  endsAt: iso(Date.now() + endsIn),
});
const silence = (name: string) => ({
  matchers: [{ name: 'alertname', value: name, isRegex: false, isEqual: true }],
  startsAt: iso(Date.now()),
  endsAt: iso(Date.now() + 3600_000),
  createdBy: 'test',
  comment: 'kept across restarts',
});

test(
  'restart: after kill -9, silences are kept and nothing already sent is sent again',
  { timeout: 60_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const tmp = tempDir('am-restart-');
    t.after(tmp.cleanup);
    const port = await freePort();
    let am = await startAlertmanagerTs(config(sink.url), { dir: tmp.dir, port });
    t.after(() => am.stop());
    assert.equal((await postJSON(`${am.url}/api/v2/alerts`, [alert('Down')])).status, 200);
    assert.ok(await until(() => sink.received.length === 1, 10_000), 'first notification');
    const created = await postJSON(`${am.url}/api/v2/silences`, silence('Other'));
    assert.equal(created.status, 200, created.text);
    const { silenceID } = JSON.parse(created.text) as { silenceID: string };
    await sleep(500); // the snapshots are written within 50ms of a change
    await am.stop('SIGKILL');
    am = await startAlertmanagerTs(config(sink.url), { dir: tmp.dir, port });
    const sils = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as {
      id: string;
      status: { state: string };
    }[];
    assert.deepEqual(
      sils.map((s) => [s.id, s.status.state]),
      [[silenceID, 'active']],
    );
    // Prometheus re-sends the firing alert; the group is flushed again, but the notification log
    // says it was already notified within repeat_interval.
    assert.equal((await postJSON(`${am.url}/api/v2/alerts`, [alert('Down')])).status, 200);
    await sleep(2500);
    assert.equal(sink.received.length, 1, 'no notification sent twice');
    // A new alert in the same group is news, and is sent.
    assert.equal(
      (
        await postJSON(`${am.url}/api/v2/alerts`, [
          { ...alert('Down'), labels: { alertname: 'Down', instance: 'y' } },
        ])
      ).status,
      200,
    );
    assert.ok(await until(() => sink.received.length === 2, 5_000), 'a new alert is notified');
  },
);

test(
  'bad input: 400s naming the problem, a bad config on reload keeps the old one running',
  { timeout: 60_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const am = await startAlertmanagerTs(config(sink.url));
    t.after(() => am.stop());
    const malformed = await postJSON(`${am.url}/api/v2/alerts`, '[{"labels": {"a": "b"}');
    assert.equal(malformed.status, 400);
    assert.match(malformed.text, /parsing alerts body from \\"\\" failed/);
    const noLabels = await postJSON(`${am.url}/api/v2/alerts`, [{ labels: {} }]);
    assert.deepEqual([noLabels.status, noLabels.text], [400, '"at least one label pair required"']);
    const missing = await postJSON(`${am.url}/api/v2/alerts`, [{ annotations: {} }]);
    assert.deepEqual(
      [missing.status, JSON.parse(missing.text)],
      [422, { code: 602, message: '0.labels in body is required' }],
    );
    const badLabel = await postJSON(`${am.url}/api/v2/alerts`, [
      { labels: { 'bad-name': 'x' } },
      alert('Good'),
    ]);
    assert.deepEqual(
      [badLabel.status, badLabel.text],
      [400, '"invalid label set: invalid name \\"bad-name\\""'],
    );
    const badRe = await postJSON(`${am.url}/api/v2/silences`, {
      ...silence('x'),
      matchers: [{ name: 'a', value: '(', isRegex: true }],
    });
    assert.equal(badRe.status, 400);
    assert.match(
      badRe.text,
      /silence invalid: invalid label matcher 0: invalid regular expression/,
    );
    const empty = await postJSON(`${am.url}/api/v2/silences`, {
      ...silence('x'),
      matchers: [{ name: 'a', value: '', isRegex: false }],
    });
    assert.deepEqual(
      [empty.status, empty.text],
      [400, '"silence invalid: at least one matcher must not match the empty string"'],
    );
    // The valid alert of the mixed batch was kept.
    const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
    }[];
    assert.deepEqual(
      alerts.map((a) => a.labels.alertname),
      ['Good'],
    );
    // A broken config on /-/reload: 500 with the file:line error, the old config keeps running.
    const before = (
      (await (await fetch(`${am.url}/api/v2/status`)).json()) as { config: { original: string } }
    ).config.original;
    writeFileSync(
      join(am.dir, 'alertmanager.yml'),
      config(sink.url).replace('receiver: hook', 'receiver: missing'),
    );
    const r = await fetch(`${am.url}/-/reload`, { method: 'POST' });
    assert.equal(r.status, 500);
    assert.match(
      await r.text(),
      /failed to reload config: .*alertmanager\.yml:2: undefined receiver "missing" used in route/,
    );
    const after = (
      (await (await fetch(`${am.url}/api/v2/status`)).json()) as { config: { original: string } }
    ).config.original;
    assert.equal(after, before);
    const metrics = await (await fetch(`${am.url}/metrics`)).text();
    assert.match(metrics, /^alertmanager_config_last_reload_successful 0$/m);
    assert.ok(
      await until(
        () => sink.received.some((n) => String(n.body.groupKey) === '{}:{alertname="Good"}'),
        5_000,
      ),
      'the old config still delivers',
    );
    // SIGHUP reloads a good config.
    writeFileSync(
      join(am.dir, 'alertmanager.yml'),
      config(sink.url)
        .replace('receiver: hook', 'receiver: renamed')
        .replace('name: hook', 'name: renamed'),
    );
    am.proc.proc.kill('SIGHUP');
    const receivers = async () =>
      ((await (await fetch(`${am.url}/api/v2/receivers`)).json()) as { name: string }[]).map(
        (r) => r.name,
      );
    let names: string[] = [];
    for (let i = 0; i < 50 && names[0] !== 'renamed'; i++) {
      names = await receivers();
      await sleep(100);
    }
    assert.deepEqual(names, ['renamed'], am.proc.output());
    assert.match(
      await (await fetch(`${am.url}/metrics`)).text(),
      /^alertmanager_config_last_reload_successful 1$/m,
    );
  },
);

test(
  'snapshots: silences written by Alertmanager 0.25 are read by alertmanager-ts, and back',
  { timeout: 60_000 },
  async (t) => {
    if (peer('alertmanager', t) === null) return;
    const sink = await startWebhookSink(t);
    const tmp = tempDir('am-shared-');
    t.after(tmp.cleanup);
    const real = (await startRealAlertmanager(t, config(sink.url), { dir: tmp.dir }))!;
    const a = JSON.parse(
      (await postJSON(`${real.url}/api/v2/silences`, silence('FromReal'))).text,
    ) as { silenceID: string };
    await real.stop(); // Alertmanager writes its snapshots on shutdown
    const ours = await startAlertmanagerTs(config(sink.url), { dir: tmp.dir });
    const seen = (await (await fetch(`${ours.url}/api/v2/silence/${a.silenceID}`)).json()) as {
      matchers: { name: string; value: string }[];
      comment: string;
    };
    assert.deepEqual([seen.matchers[0]!.value, seen.comment], ['FromReal', 'kept across restarts']);
    const b = JSON.parse(
      (await postJSON(`${ours.url}/api/v2/silences`, silence('FromOurs'))).text,
    ) as { silenceID: string };
    await ours.stop();
    const again = (await startRealAlertmanager(t, config(sink.url), { dir: tmp.dir }))!;
    t.after(() => again.stop());
    const ids = ((await (await fetch(`${again.url}/api/v2/silences`)).json()) as { id: string }[])
      .map((s) => s.id)
      .sort();
    assert.deepEqual(ids, [a.silenceID, b.silenceID].sort());
  },
);

test(
  'snapshots: a torn silences file is reported and moved aside, the rest is kept, start goes on',
  { timeout: 60_000 },
  async (t) => {
    const sink = await startWebhookSink(t);
    const tmp = tempDir('am-torn-');
    t.after(tmp.cleanup);
    let am = await startAlertmanagerTs(config(sink.url), { dir: tmp.dir });
    const first = JSON.parse(
      (await postJSON(`${am.url}/api/v2/silences`, silence('One'))).text,
    ) as { silenceID: string };
    await postJSON(`${am.url}/api/v2/silences`, silence('Two'));
    await am.stop();
    const { readFileSync, readdirSync } = await import('node:fs');
    const file = join(tmp.dir, 'data', 'silences');
    const bytes = readFileSync(file);
    // Cut the file in the middle of its second record (each record: varint length, then the record).
    let len = 0;
    let at = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      len |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
    const firstLen = at + len;
    writeFileSync(file, bytes.subarray(0, firstLen + 10));
    am = await startAlertmanagerTs(config(sink.url), { dir: tmp.dir });
    t.after(() => am.stop());
    const ids = ((await (await fetch(`${am.url}/api/v2/silences`)).json()) as { id: string }[]).map(
      (s) => s.id,
    );
    assert.deepEqual(ids, [first.silenceID]);
    assert.match(am.proc.output(), /Snapshot file is damaged/);
    assert.ok(readdirSync(join(tmp.dir, 'data')).some((f) => f.startsWith('silences.damaged-')));
  },
);
