// PromQL and HTTP API benchmarks, side by side with the real Prometheus on the same data:
// 10k counter series + a 12-bucket histogram family over the last hour at 15 s (the 1k series of
// job1 go back 24 h), written once as OpenMetrics and imported into one data directory by the real
// `promtool tsdb create-blocks-from openmetrics`, then copied so both servers read identical
// blocks. Each query runs through each server's /api/v1 (same client, same method): median wall
// time, median CPU time of the server process (user + system, from /proc — steadier than wall time
// on a shared machine) and the server's peak RSS while that query ran (VmHWM reset before it).
// API load: concurrent loopback clients for a fixed time, requests/s and p99 latency.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  createWriteStream,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOurServer } from '../test/support/server.ts';
import { freePort, PEERS, startProcess, waitReady } from '../test/support/peers.ts';

const SERIES = 10_000;
const STEP = 15;
const HOURS = 1;
/** job1's 1k series reach back this far, for the 24 h range query. */
const LONG_HOURS = 24;
const LONG_JOB = 1;

export async function writeData(file: string, end: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()));
  const start = end - HOURS * 3600;
  await write('# TYPE bench_requests counter\n');
  for (let s = 0; s < SERIES; s++) {
    const labels = `job="job${s % 10}",instance="host${s}",le="${[0.1, 0.5, 1, 5][s % 4]}"`;
    let v = 0;
    let buf = '';
    for (let t = s % 10 === LONG_JOB ? end - LONG_HOURS * 3600 : start; t <= end; t += STEP) {
      v += (s % 7) + 1;
      buf += `bench_requests_total{${labels}} ${v} ${t}\n`;
      if (buf.length > 1 << 20) {
        await write(buf);
        buf = '';
      }
    }
    await write(buf);
  }
  await write('# TYPE bench_latency_seconds histogram\n');
  const les = [
    '0.005',
    '0.01',
    '0.025',
    '0.05',
    '0.1',
    '0.25',
    '0.5',
    '1',
    '2.5',
    '5',
    '10',
    '+Inf',
  ];
  for (let inst = 0; inst < 50; inst++) {
    let buf = '';
    for (let t = start; t <= end; t += STEP) {
      const n = (t - start) / STEP;
      les.forEach(
        (le, i) =>
          (buf += `bench_latency_seconds_bucket{instance="i${inst}",le="${le}"} ${n * (i + 1) * 3} ${t}\n`),
      );
      buf += `bench_latency_seconds_count{instance="i${inst}"} ${n * les.length * 3} ${t}\n`;
    }
    await write(buf);
  }
  await write('# EOF\n');
  await new Promise<void>((r) => out.end(() => r()));
}

function rssPeakMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** User + system CPU time of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface QueryFigures {
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
}

/** Runs a query `runs` times against the server of process `pid`: median wall and CPU time, peak RSS over the runs. */
async function timeQuery(
  base: string,
  pid: number,
  path: string,
  runs: number,
): Promise<QueryFigures> {
  const walls: number[] = [];
  const cpus: number[] = [];
  writeFileSync(`/proc/${pid}/clear_refs`, '5'); // resets VmHWM to the current RSS
  for (let i = 0; i < runs; i++) {
    const c0 = cpuMs(pid);
    const t0 = performance.now();
    const r = await fetch(base + path);
    const body = (await r.json()) as { status: string; error?: string };
    if (body.status !== 'success') throw new Error(`${path}: ${body.error}`);
    walls.push(performance.now() - t0);
    cpus.push(cpuMs(pid) - c0);
  }
  return { wallMs: median(walls), cpuMs: median(cpus), peakMiB: rssPeakMiB(pid) };
}

async function load(
  base: string,
  path: string,
  concurrency: number,
  ms: number,
): Promise<{ rps: number; p99: number }> {
  const lat: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const r = await fetch(base + path);
        await r.arrayBuffer();
        lat.push(performance.now() - t0);
      }
    }),
  );
  lat.sort((a, b) => a - b);
  return { rps: lat.length / (ms / 1000), p99: lat[Math.floor(lat.length * 0.99)]! };
}

export async function run(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-promql-'));
  try {
    const end = Math.floor(Date.now() / 1000 / 60) * 60 - 60;
    const om = join(work, 'data.om');
    let t0 = performance.now();
    await writeData(om, end);
    console.log(
      `data: ${SERIES} counter series + 50 histograms × 13 series, ${HOURS}h at ${STEP}s, job${LONG_JOB} over ${LONG_HOURS}h (written in ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    t0 = performance.now();
    execFileSync(
      PEERS.promtool,
      ['tsdb', 'create-blocks-from', 'openmetrics', om, join(work, 'real')],
      { stdio: 'ignore' },
    );
    console.log(
      `imported with the real promtool in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    rmSync(om);
    cpSync(join(work, 'real'), join(work, 'ours', 'data'), { recursive: true });
    const cfg = 'global:\n  scrape_interval: 1h\n';
    writeFileSync(join(work, 'prometheus.yml'), cfg);
    const rport = await freePort();
    const real = startProcess(PEERS.prometheus, [
      `--config.file=${join(work, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(work, 'real')}`,
      `--web.listen-address=127.0.0.1:${rport}`,
      '--storage.tsdb.retention.time=100y',
    ]);
    await waitReady(`http://127.0.0.1:${rport}/-/ready`, 60_000, real);
    const ours = await startOurServer(cfg, ['--storage.tsdb.retention.time=100y'], {
      dir: join(work, 'ours'),
      built: true,
    });
    const bases = { prometheus: `http://127.0.0.1:${rport}`, 'prometheus-ts': ours.url };
    const e = end;
    const s = end - 3600;
    const queries: [string, string][] = [
      [
        'rate(x[5m]) over 10k series, instant',
        `/api/v1/query?query=${encodeURIComponent('rate(bench_requests_total[5m])')}&time=${e}`,
      ],
      [
        'sum by (job) (rate(…[5m])), 1h at 15s',
        `/api/v1/query_range?query=${encodeURIComponent('sum by (job) (rate(bench_requests_total[5m]))')}&start=${s}&end=${e}&step=15`,
      ],
      [
        'histogram_quantile(0.99, sum by (le) (rate(…[5m]))), 1h at 15s',
        `/api/v1/query_range?query=${encodeURIComponent('histogram_quantile(0.99, sum by (le) (rate(bench_latency_seconds_bucket[5m])))')}&start=${s}&end=${e}&step=15`,
      ],
      [
        'topk(10, rate(…[5m])), instant',
        `/api/v1/query?query=${encodeURIComponent('topk(10, rate(bench_requests_total[5m]))')}&time=${e}`,
      ],
      [
        'max_over_time(rate(…[5m])[30m:1m]) (subquery), instant',
        `/api/v1/query?query=${encodeURIComponent('max_over_time(sum by (job) (rate(bench_requests_total[5m]))[30m:1m])')}&time=${e}`,
      ],
      [
        '1k series range query, 1h at 15s',
        `/api/v1/query_range?query=${encodeURIComponent('bench_requests_total{job="job1"}')}&start=${s}&end=${e}&step=15`,
      ],
      [
        'rate(…[5m]) over 1k series, 24h at 60s',
        `/api/v1/query_range?query=${encodeURIComponent('rate(bench_requests_total{job="job1"}[5m])')}&start=${e - LONG_HOURS * 3600}&end=${e}&step=60`,
      ],
    ];
    const pids = { prometheus: real.proc.pid!, 'prometheus-ts': ours.proc.proc.pid! };
    console.log(
      `RSS after start (MiB): prometheus ${rssPeakMiB(pids.prometheus).toFixed(0)} | prometheus-ts ${rssPeakMiB(pids['prometheus-ts']).toFixed(0)}`,
    );
    console.log(
      '\nper query, median of 5 runs — wall ms, server CPU ms, peak RSS MiB: prometheus | prometheus-ts | ratio',
    );
    for (const [name, path] of queries) {
      const a = await timeQuery(bases.prometheus, pids.prometheus, path, 5);
      const b = await timeQuery(bases['prometheus-ts'], pids['prometheus-ts'], path, 5);
      const row = (k: keyof QueryFigures, digits: number) =>
        `${a[k].toFixed(digits)} | ${b[k].toFixed(digits)} | ${(b[k] / a[k]).toFixed(2)}x`;
      console.log(
        `  ${name}\n    wall ${row('wallMs', 1)};  cpu ${row('cpuMs', 0)};  peak RSS ${row('peakMiB', 0)}`,
      );
    }
    console.log('\nAPI under load (50 concurrent loopback clients, 5 s each) — req/s, p99 ms');
    const small = `/api/v1/query?query=${encodeURIComponent('count(bench_latency_seconds_count)')}&time=${e}`;
    const series = `/api/v1/series?match[]=${encodeURIComponent('bench_latency_seconds_count')}&start=${s}&end=${e}`;
    for (const [name, path] of [
      ['small instant query', small],
      ['series (50 series)', series],
    ] as const) {
      for (const [srv, base] of Object.entries(bases)) {
        const r = await load(base, path, 50, 5000);
        console.log(`  ${name} — ${srv}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99.toFixed(1)} ms`);
      }
    }
    await real.stop();
    await ours.stop();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
