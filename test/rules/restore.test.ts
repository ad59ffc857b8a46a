// A restart of our server keeps a pending alert's `for` progress: ALERTS_FOR_STATE written
// before the stop is read back on the first evaluation after the start (grace period shortened).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOurServer } from '../support/server.ts';
import { tempDir } from '../support/peers.ts';

interface RulesData {
  groups: {
    rules: {
      name: string;
      lastEvaluation: string;
      alerts?: { activeAt: string; state: string }[];
    }[];
  }[];
}

test('after a restart a pending alert keeps the time it has already waited', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(
    join(dir, 'rules.yml'),
    'groups:\n- name: g\n  interval: 1s\n  rules:\n  - alert: Slow\n    expr: vector(1)\n    for: 5m\n',
  );
  const yaml = `global:\n  evaluation_interval: 1s\nrule_files: ['${join(dir, 'rules.yml')}']\n`;
  const args = ['--rules.alert.for-grace-period=1s'];
  const rule = async (url: string) =>
    ((await (await fetch(`${url}/api/v1/rules`)).json()) as { data: RulesData }).data.groups[0]
      ?.rules[0];
  const waitFor = async <T>(f: () => Promise<T | undefined | false>): Promise<T> => {
    const end = Date.now() + 30_000;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const first = await startOurServer(yaml, args, { dir });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await first.stop();
  });
  // Pending for at least 3 s before the stop.
  const activeAt = await waitFor(async () => {
    const r = await rule(first.url);
    const a = r?.alerts?.[0];
    return (
      a && Date.parse(r.lastEvaluation) - Date.parse(a.activeAt) >= 3000 && Date.parse(a.activeAt)
    );
  });
  assert.equal((await rule(first.url))!.alerts![0]!.state, 'pending');
  await first.proc.stop();
  stopped = true;

  const second = await startOurServer(yaml, args, { dir });
  t.after(() => second.stop());
  const after = await waitFor(async () => {
    const r = await rule(second.url);
    return r?.alerts?.[0] && Date.parse(r.lastEvaluation) > 0 && r;
  });
  const restored = Date.parse(after.alerts![0]!.activeAt);
  const firstEval = Date.parse(after.lastEvaluation);
  // Without restore activeAt would be the first evaluation after the start; restored, it is
  // shifted by the downtime only, so the ≥3 s already spent pending still count.
  assert.ok(
    firstEval - restored >= 3000 - 1000,
    `activeAt ${new Date(restored).toISOString()} vs first evaluation ${after.lastEvaluation}`,
  );
  assert.ok(restored > activeAt, 'shifted forward by the downtime');
  assert.equal(after.alerts![0]!.state, 'pending');
});
