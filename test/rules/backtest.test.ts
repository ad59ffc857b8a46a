// Alert backtesting agrees with the live rule manager: the same rules run live on a server while
// samples arrive, then are backtested over the same period — from the server's URL (remote
// read) and from its data directory after it stopped — and every evaluation's alert states and
// every alert's activeAt are the ones the live run stored in ALERTS / ALERTS_FOR_STATE.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compress } from 'snappyjs';
import { Labels } from '../../src/model/labels/index.ts';
import { encodeWriteRequest } from '../../src/storage/remote/index.ts';
import { tempDir } from '../support/peers.js';
import { runPromtoolTs, startOurServer } from '../support/server.js';

const RULES = `groups:
  - name: demo
    interval: 1s
    rules:
      - alert: Down
        expr: demo_up == 0
        for: 2s
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.instance }} down"
      - record: job:demo_up:min
        expr: min(demo_up)
      - alert: AllDown
        expr: job:demo_up:min == 0
        for: 1s
        keep_firing_for: 2s
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function push(url: string, t: number, values: Record<string, number>): Promise<void> {
  const series = Object.entries(values).map(([instance, v]) => ({
    labels: Labels.fromObject({ __name__: 'demo_up', instance, job: 'demo' }),
    samples: [{ value: v, timestamp: t }],
  }));
  const r = await fetch(`${url}/api/v1/write`, {
    method: 'POST',
    body: new Uint8Array(compress(encodeWriteRequest(series))),
    headers: {
      'Content-Type': 'application/x-protobuf',
      'Content-Encoding': 'snappy',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
  });
  assert.equal(r.status, 204, await r.text());
}

type States = Map<string, string>; // `${alertLabels} @ ${ts}` → state

interface Live {
  states: States;
  activeAt: Map<string, Set<number>>; // alert labels → activeAt seconds
}

function alertKey(metric: Record<string, string>): string {
  const m = { ...metric };
  delete m.__name__;
  delete m.alertstate;
  return Labels.fromObject(m).toString();
}

async function liveAlerts(url: string, at: number, from: number): Promise<Live> {
  const q = new URLSearchParams({
    query: `{__name__=~"ALERTS|ALERTS_FOR_STATE"}[${Math.ceil((at - from) / 1000) + 5}s]`,
    time: String(at / 1000),
  });
  const body = (await (await fetch(`${url}/api/v1/query?${q}`)).json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  const live: Live = { states: new Map(), activeAt: new Map() };
  for (const s of body.data.result) {
    const k = alertKey(s.metric);
    for (const [t, v] of s.values) {
      const ms = Math.round(t * 1000);
      if (ms < from || v === 'NaN') continue;
      if (s.metric.__name__ === 'ALERTS') live.states.set(`${k} @ ${ms}`, s.metric.alertstate!);
      else live.activeAt.set(k, (live.activeAt.get(k) ?? new Set()).add(Number(v)));
    }
  }
  return live;
}

interface BacktestJSON {
  alerts: {
    labels: Record<string, string>;
    activeAt: string[];
    periods: { state: string; from: string; to: string; open: boolean }[];
  }[];
  errors: string[];
}

function backtestStates(r: BacktestJSON, interval: number, from: number, to: number): Live {
  const out: Live = { states: new Map(), activeAt: new Map() };
  for (const a of r.alerts) {
    const k = Labels.fromObject(a.labels).toString();
    out.activeAt.set(k, new Set(a.activeAt.map((t) => Math.floor(Date.parse(t) / 1000))));
    for (const p of a.periods) {
      const end = Date.parse(p.to);
      for (let t = Date.parse(p.from); p.open ? t <= end : t < end; t += interval)
        if (t >= from && t <= to) out.states.set(`${k} @ ${t}`, p.state);
    }
  }
  return out;
}

function sorted(m: Map<string, unknown>): [string, unknown][] {
  return [...m.entries()]
    .map(([k, v]): [string, unknown] => [k, v instanceof Set ? [...v].sort() : v])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

test(
  'backtest rules over stored history gives the alerts the live rule manager gave, from the URL and from the data directory',
  { timeout: 120_000 },
  async (t) => {
    const { dir, cleanup } = tempDir('backtest-');
    t.after(cleanup);
    const rulesFile = join(dir, 'rules.yml');
    writeFileSync(rulesFile, RULES);
    const server = await startOurServer(
      `global:\n  evaluation_interval: 1s\nrule_files: ['${rulesFile}']\n`,
      ['--web.enable-remote-write-receiver'],
      { dir },
    );
    let stopped = false;
    t.after(async () => {
      if (!stopped) await server.proc.stop();
    });
    // Pushing starts once the group evaluates, so the live run sees every sample the backtest sees.
    for (let i = 0; i < 100; i++) {
      const rules = (await (await fetch(`${server.url}/api/v1/rules`)).json()) as {
        data: { groups: { lastEvaluation: string }[] };
      };
      if (rules.data.groups[0] && !rules.data.groups[0].lastEvaluation.startsWith('0001')) break;
      await sleep(100);
    }
    // Samples carry a timestamp 200 ms ahead of their arrival: an evaluation sees a sample only at or
    // after its timestamp, by which time it is stored — so live and backtest see the same data.
    const start = Date.now();
    const pattern = (s: number): Record<string, number> => ({
      a: s < 3 || (s >= 8 && s < 10) ? 1 : 0,
      b: s < 5 ? 1 : 0,
    });
    let end = start;
    for (let s = 0; s < 14; s += 0.25) {
      end = Date.now() + 200;
      await push(server.url, end, pattern(s));
      await sleep(250);
    }
    await sleep(1500);
    const live = await liveAlerts(server.url, end, start);
    assert.ok(live.states.size > 20, `the live run fired alerts: ${live.states.size} states`);
    assert.ok(
      [...live.states.values()].includes('firing') && [...live.states.values()].includes('pending'),
    );

    const args = [
      'backtest',
      'rules',
      `--start=${start / 1000}`,
      `--end=${end / 1000}`,
      '--eval-interval=1s',
      '-o',
      'json',
    ];
    const fromURL = await runPromtoolTs([...args, server.url, rulesFile]);
    assert.equal(fromURL.code, 0, fromURL.stderr);
    const viaURL = backtestStates(JSON.parse(fromURL.stdout) as BacktestJSON, 1000, start, end);
    assert.deepEqual(sorted(viaURL.states), sorted(live.states));
    assert.deepEqual(sorted(viaURL.activeAt), sorted(live.activeAt));

    // The same from the server's own storage, through the API (ours) the rules page uses.
    const api = (await (
      await fetch(`${server.url}/api/v1/backtest?start=${start / 1000}&end=${end / 1000}`)
    ).json()) as { status: string; data: BacktestJSON };
    assert.equal(api.status, 'success', JSON.stringify(api));
    const viaAPI = backtestStates(api.data, 1000, start, end);
    assert.deepEqual(sorted(viaAPI.states), sorted(live.states));
    assert.deepEqual(sorted(viaAPI.activeAt), sorted(live.activeAt));

    await server.proc.stop();
    stopped = true;
    const fromDir = await runPromtoolTs([...args, join(dir, 'data'), rulesFile]);
    assert.equal(fromDir.code, 0, fromDir.stderr);
    const viaDir = backtestStates(JSON.parse(fromDir.stdout) as BacktestJSON, 1000, start, end);
    assert.deepEqual(sorted(viaDir.states), sorted(live.states));
    assert.deepEqual(sorted(viaDir.activeAt), sorted(live.activeAt));

    const text = await runPromtoolTs([
      'backtest',
      'rules',
      `--start=${start / 1000}`,
      `--end=${end / 1000}`,
      '--eval-interval=1s',
      join(dir, 'data'),
      rulesFile,
    ]);
    assert.match(
      text.stdout,
      /Group "demo" \(.*rules\.yml\)\n {2}\{alertname="AllDown"\}\n {4}pending {2}/,
    );
    assert.match(text.stdout, / {4}firing {3}\S+ – \S+ \(\d+s\)/);
  },
);

test('backtest rules refuses what it cannot do, clearly', async () => {
  const r = await runPromtoolTs(['backtest', 'rules', '--start=0', 'no-such-rules.yml']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /give exactly one source: a data directory or a server URL/);
  const e = await runPromtoolTs(['backtest', 'rules', 'http://127.0.0.1:1', 'x.yml']);
  assert.match(e.stderr, /required flag --start/);
});
