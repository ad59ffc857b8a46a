// Rule evaluation and notification throughput, in process: a TSDB head with 2,000 counter series
// over the last hour at 15 s; a recording group (per-series rate + sum by job, 2,010 outputs), an
// alerting group (2,000 active alerts with templated annotations, so ALERTS/ALERTS_FOR_STATE and
// notifications for each) evaluated at successive 15 s steps; then 20,000 alerts through the
// notifier to a loopback HTTP server that accepts everything. Figures are medians of the runs.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels/index.ts';
import { parseRules } from '../src/model/rulefmt/index.ts';
import { openDB } from '../src/tsdb/index.ts';
import { Engine } from '../src/promql/index.ts';
import { RuleGroup, RuleMetrics } from '../src/rules/index.ts';
import { NotifierManager, type Alert } from '../src/notifier/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { nopLogger } from '../src/util/log.ts';
import { newRegistry } from '../src/util/metrics.ts';

const SERIES = 2000;
const STEP = 15_000;
const RUNS = 8;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rules-bench-'));
  const db = await openDB(join(dir, 'data'), { retentionDuration: 0 }, {});
  try {
    const end = 3_600_000 + RUNS * STEP;
    const series = Array.from({ length: SERIES }, (_, i) =>
      Labels.fromObject({ __name__: 'x_total', job: `job${i % 10}`, instance: `host${i}` }),
    );
    for (let t = 0; t <= end; t += STEP) {
      const app = db.appender();
      for (let i = 0; i < SERIES; i++) app.append(0, series[i]!, t, (t / STEP) * ((i % 7) + 1));
      await app.commit();
    }
    const engine = new Engine({ timeout: 120_000, maxSamples: 50_000_000, lookbackDelta: 300_000 });
    let notified = 0;
    const mk = (yaml: string) => {
      const def = parseRules(yaml, 'bench.yml').groups[0]!;
      return new RuleGroup({
        file: 'bench.yml',
        def,
        interval: STEP,
        queryable: db,
        appendable: db,
        engine,
        notify: (a) => (notified += a.length),
        externalLabels: Labels.EMPTY,
        externalURL: 'http://localhost:9090',
        logger: nopLogger,
        metrics: new RuleMetrics(),
        outageTolerance: 3_600_000,
        forGracePeriod: 600_000,
        resendDelay: 60_000,
      });
    };
    const rec = mk(
      'groups:\n- name: rec\n  rules:\n  - record: instance:x:rate5m\n    expr: rate(x_total[5m])\n  - record: job:x:rate5m\n    expr: sum by (job) (instance:x:rate5m)\n',
    );
    const alerting = mk(
      'groups:\n- name: alert\n  rules:\n  - alert: Busy\n    expr: rate(x_total[5m]) > 0\n    labels: { severity: warning }\n    annotations:\n      summary: "{{ $labels.instance }} busy"\n      description: "rate {{ $value | humanize }} on {{ $labels.job }}"\n',
    );
    for (const [name, g, outputs] of [
      ['recording group (2,000 rate + 10 sum outputs)', rec, SERIES + 10],
      [
        'alerting group (2,000 alerts, 2 templated annotations, ALERTS + ALERTS_FOR_STATE)',
        alerting,
        SERIES * 2,
      ],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await g.evalAt(3_600_000 + i * STEP);
        times.push(performance.now() - t0);
      }
      const ms = median(times);
      console.log(
        `${name}: ${ms.toFixed(1)} ms per evaluation (median of ${RUNS}), ${Math.round((outputs / ms) * 1000)} output samples/s`,
      );
    }
    console.log(`alerts handed to the notifier by the alerting group: ${notified}`);

    // Notifier throughput.
    let received = 0;
    const srv = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        received += (JSON.parse(b) as unknown[]).length;
        res.end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const addr = `127.0.0.1:${(srv.address() as { port: number }).port}`;
    const n = new NotifierManager({ registry: newRegistry(), queueCapacity: 100_000 });
    n.applyConfig(
      loadConfig(
        `global:\n  external_labels: { site: bench }\nalerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['${addr}']\n`,
        'bench.yml',
      ),
    );
    n.sync(
      new Map([['config-0', [{ targets: [{ __address__: addr }], labels: {}, source: '0' }]]]),
    );
    const N = 20_000;
    const alerts: Alert[] = Array.from({ length: N }, (_, i) => ({
      labels: Labels.fromObject({ alertname: 'Busy', instance: `host${i}`, severity: 'warning' }),
      annotations: Labels.fromObject({ summary: `host${i} busy` }),
      startsAt: new Date(),
      endsAt: new Date(Date.now() + 240_000),
      generatorURL: 'http://localhost:9090/graph?g0.expr=x&g0.tab=1',
    }));
    const t0 = performance.now();
    n.send(alerts);
    while (received < N) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - t0;
    console.log(
      `notifier: ${N} alerts posted in batches of 64 to a loopback server in ${ms.toFixed(0)} ms = ${Math.round((N / ms) * 1000)} alerts/s (one run)`,
    );
    await n.stop();
    srv.close();
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
