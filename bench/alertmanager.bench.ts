// Alertmanager ingestion and notification, alertmanager-ts beside the real Alertmanager 0.25:
// 10k alerts in 1k groups (10 per group, grouped by `group`) posted as Prometheus posts them
// (batches of 64), re-sent for ROUNDS rounds; then the time until every group's first webhook
// notification has arrived; CPU seconds (utime+stime) over the whole run and RSS after it.
// Each Alertmanager runs alone, on its own empty storage directory; ours as bin/alertmanager-ts.js
// starts it (2 MiB semi-spaces).
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, PEERS, startProcess, waitReady } from '../test/support/peers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const ALERTS = 10_000;
const GROUPS = 1_000;
const BATCH = 64;
const ROUNDS = Number(process.env.AM_BENCH_ROUNDS ?? 5);
const CLK_TCK = 100;

const procKB = (pid: number, field: string): number =>
  Number(
    new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ??
      NaN,
  ) / 1024;
function cpuSecs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

interface Result {
  ingestPerSec: number;
  notifySecs: number;
  cpuSecs: number;
  rssMiB: number;
  peakMiB: number;
}

async function measure(which: 'alertmanager' | 'alertmanager-ts'): Promise<Result> {
  const work = mkdtempSync(join(tmpdir(), 'am-bench-'));
  const groupsSeen = new Set<string>();
  const sink = createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      groupsSeen.add(String((JSON.parse(b) as { groupKey: string }).groupKey));
      res.end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const sinkPort = (sink.address() as { port: number }).port;
  writeFileSync(
    join(work, 'am.yml'),
    `route:\n  receiver: hook\n  group_by: [group]\n  group_wait: 1s\n  group_interval: 1m\n  repeat_interval: 1h\nreceivers:\n  - name: hook\n    webhook_configs:\n      - url: http://127.0.0.1:${sinkPort}/\n`,
  );
  const port = await freePort();
  const args = [
    `--config.file=${join(work, 'am.yml')}`,
    `--storage.path=${join(work, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ];
  const built = join(ROOT, 'dist/cmd/alertmanager.js');
  const p =
    which === 'alertmanager'
      ? startProcess(PEERS.alertmanager, args)
      : existsSync(built)
        ? startProcess(process.execPath, ['--max-semi-space-size=2', built, ...args], { cwd: ROOT })
        : startProcess(
            process.execPath,
            ['--import', 'tsx', join(ROOT, 'src/cmd/alertmanager.ts'), ...args],
            { cwd: ROOT },
          );
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 30_000, p);
    const pid = p.proc.pid!;
    const cpu0 = cpuSecs(pid);
    const startsAt = new Date().toISOString();
    const alerts = Array.from({ length: ALERTS }, (_, i) => ({
      labels: { alertname: 'Bench', group: `g${i % GROUPS}`, instance: `i${i}`, job: 'bench' },
      annotations: { summary: `alert ${i}` },
      startsAt,
      generatorURL: 'http://prometheus:9090/graph',
    }));
    const t0 = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      const endsAt = new Date(Date.now() + 600_000).toISOString();
      for (let i = 0; i < ALERTS; i += BATCH) {
        const r = await fetch(`http://127.0.0.1:${port}/api/v2/alerts`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(alerts.slice(i, i + BATCH).map((a) => ({ ...a, endsAt }))),
        });
        if (r.status !== 200) throw new Error(`${which}: POST ${r.status} ${await r.text()}`);
      }
    }
    const ingestSecs = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 120_000;
    while (groupsSeen.size < GROUPS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    if (groupsSeen.size < GROUPS)
      throw new Error(`${which}: only ${groupsSeen.size} of ${GROUPS} groups notified`);
    const notifySecs = (performance.now() - t0) / 1000;
    return {
      ingestPerSec: (ALERTS * ROUNDS) / ingestSecs,
      notifySecs,
      cpuSecs: cpuSecs(pid) - cpu0,
      rssMiB: procKB(pid, 'VmRSS'),
      peakMiB: procKB(pid, 'VmHWM'),
    };
  } finally {
    await p.stop();
    sink.closeAllConnections();
    sink.close();
    rmSync(work, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  console.log(
    `${ALERTS} alerts in ${GROUPS} groups, ${ROUNDS} rounds of POSTs in batches of ${BATCH}, one webhook receiver`,
  );
  console.log(
    'server            alerts/s ingested   all groups notified (s from first POST)   CPU s   RSS MiB   peak RSS MiB',
  );
  for (const which of ['alertmanager', 'alertmanager-ts'] as const) {
    if (which === 'alertmanager' && !existsSync(PEERS.alertmanager)) {
      console.log(`alertmanager      skipped: ${PEERS.alertmanager} not installed`);
      continue;
    }
    const r = await measure(which);
    console.log(
      `${which.padEnd(17)} ${r.ingestPerSec.toFixed(0).padStart(17)}   ${r.notifySecs.toFixed(2).padStart(40)}   ${r.cpuSecs.toFixed(2).padStart(5)}   ${r.rssMiB.toFixed(0).padStart(7)}   ${r.peakMiB.toFixed(0).padStart(12)}`,
    );
  }
}
