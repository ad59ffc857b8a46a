// Scrape benchmarks: the text parser's throughput on real node_exporter output, and the CPU each
// server spends ingesting the same load (20 targets × 2,000 series scraped every second), measured
// from /proc/<pid>/stat over the same wall-clock window, side by side with the real Prometheus.
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newParser } from '../src/model/textparse/index.ts';
import { startOurServer } from '../test/support/server.ts';
import { freePort, PEERS, startProcess, waitReady } from '../test/support/peers.ts';

function cpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function nodeExporterText(): Promise<string> {
  const port = await freePort();
  const ne = startProcess(PEERS.node_exporter, [`--web.listen-address=127.0.0.1:${port}`]);
  try {
    await waitReady(`http://127.0.0.1:${port}/metrics`, 15_000, ne);
    return await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  } finally {
    await ne.stop();
  }
}

function parseAll(body: string, ct: string): number {
  const p = newParser(body, ct);
  let n = 0;
  let sum = 0;
  for (let e = p.next(); e !== null; e = p.next()) {
    if (e === 'series') {
      n++;
      sum += p.value() + p.series().length;
    }
  }
  if (sum === -1) console.log(sum);
  return n;
}

export async function run(): Promise<void> {
  const ne = await nodeExporterText();
  // Repeat node_exporter's body (renaming series per copy) to ~2 MB.
  const copies = Math.ceil(2_000_000 / ne.length);
  const body = Array.from({ length: copies }, (_, i) =>
    ne.replace(/^([a-z_:][a-zA-Z0-9_:]*)/gm, `$1_c${i}`),
  ).join('');
  const mb = Buffer.byteLength(body) / 1e6;
  for (let i = 0; i < 3; i++) parseAll(body, 'text/plain');
  let t0 = performance.now();
  let samples = 0;
  const rounds = 10;
  for (let i = 0; i < rounds; i++) samples += parseAll(body, 'text/plain; version=0.0.4');
  let s = (performance.now() - t0) / 1000;
  console.log(
    `text parser on node_exporter output (${mb.toFixed(1)} MB, ${(samples / rounds).toFixed(0)} samples): ${((mb * rounds) / s).toFixed(0)} MB/s, ${(samples / s / 1e6).toFixed(2)} M samples/s`,
  );
  const om = body.replace(/^# TYPE (\S+) untyped$/gm, '# TYPE $1 unknown') + '# EOF\n';
  t0 = performance.now();
  samples = 0;
  for (let i = 0; i < rounds; i++)
    samples += parseAll(om, 'application/openmetrics-text; version=1.0.0');
  s = (performance.now() - t0) / 1000;
  console.log(
    `OpenMetrics parser, same body: ${((mb * rounds) / s).toFixed(0)} MB/s, ${(samples / s / 1e6).toFixed(2)} M samples/s`,
  );

  // Ingestion CPU: 20 targets × 2,000 series at 1 s, 30 s per server.
  const TARGETS = 20;
  const SERIES = 2000;
  const exporter = createServer((_req, res) => {
    let b = '# TYPE load_metric gauge\n';
    const v = Date.now() % 1000;
    for (let i = 0; i < SERIES; i++)
      b += `load_metric{series="s${i}",shard="${i % 10}"} ${v + i}\n`;
    res.end(b);
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
  const eport = (exporter.address() as { port: number }).port;
  const targets = Array.from({ length: TARGETS }, () => `'127.0.0.1:${eport}'`);
  const cfg = (i: number) =>
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n${targets.map((t, k) => `  - job_name: load${k}\n    static_configs: [{targets: [${t}]}]\n`).join('')}`.replace(
      /load(\d+)/g,
      `load$1x${i}`,
    );
  const WINDOW = 30_000;
  const measure = async (pid: number, label: string) => {
    await new Promise((r) => setTimeout(r, 8000)); // warm-up (and Prometheus's 5 s discovery delay)
    const c0 = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, WINDOW));
    const c1 = cpuSeconds(pid);
    const rss =
      Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
    const million = (TARGETS * (SERIES + 5) * (WINDOW / 1000)) / 1e6;
    console.log(
      `  ${label}: ${(c1 - c0).toFixed(2)} CPU-s for ${million.toFixed(2)} M samples = ${((c1 - c0) / million).toFixed(2)} CPU-s per million; RSS ${rss.toFixed(0)} MiB`,
    );
    return (c1 - c0) / million;
  };
  console.log(
    `ingestion, ${TARGETS} targets × ${SERIES} series at 1 s, ${WINDOW / 1000} s window:`,
  );
  const work = mkdtempSync(join(tmpdir(), 'bench-scrape-'));
  try {
    writeFileSync(join(work, 'p.yml'), cfg(0));
    const rport = await freePort();
    const real = startProcess(PEERS.prometheus, [
      `--config.file=${join(work, 'p.yml')}`,
      `--storage.tsdb.path=${join(work, 'real')}`,
      `--web.listen-address=127.0.0.1:${rport}`,
    ]);
    await waitReady(`http://127.0.0.1:${rport}/-/ready`, 30_000, real);
    const a = await measure(real.proc.pid!, 'prometheus');
    await real.stop();
    // SCRAPE_BENCH_CPU_PROF=<dir>: our server writes a V8 CPU profile of the run there (it adds overhead).
    const profDir = process.env.SCRAPE_BENCH_CPU_PROF;
    const ours = await startOurServer(cfg(1), [], {
      built: true,
      ...(profDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profDir}`] } : {}),
    });
    const b = await measure(ours.proc.proc.pid!, 'prometheus-ts');
    await ours.stop();
    console.log(`  ratio prometheus-ts / prometheus: ${(b / a).toFixed(2)}x`);
    await scrapeLag(work, eport);
  } finally {
    exporter.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Scrape lag: targets are scraped on a fixed grid (phase + k × interval), so the lateness of the
 * k-th request at the exporter, against the first one's phase, is the scheduling delay. Measured
 * idle and while a client keeps a heavy range query running, for both servers.
 */
async function scrapeLag(work: string, loadPort: number): Promise<void> {
  const arrivals = new Map<string, number[]>();
  const lagExporter = createServer((req, res) => {
    const k = req.url ?? '';
    arrivals.set(k, [...(arrivals.get(k) ?? []), performance.now()]);
    res.end('lag_metric 1\n');
  });
  await new Promise<void>((r) => lagExporter.listen(0, '127.0.0.1', () => r()));
  const lport = (lagExporter.address() as { port: number }).port;
  const jobs = Array.from(
    { length: 10 },
    (_, i) =>
      `  - job_name: lag${i}\n    metrics_path: /t${i}\n    static_configs: [{targets: ['127.0.0.1:${lport}']}]\n`,
  ).join('');
  const cfg = `global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n${jobs}  - job_name: load\n    static_configs: [{targets: ['127.0.0.1:${loadPort}']}]\n`;
  const p99 = (): number => {
    const lags: number[] = [];
    for (const times of arrivals.values()) {
      if (times.length < 3) continue;
      // The grid's phase: the earliest offset seen (the least-delayed scrape).
      const base = Math.min(...times.map((t, k) => t - times[0]! - k * 1000)) + times[0]!;
      times.forEach((t, k) => lags.push(t - (base + k * 1000)));
    }
    lags.sort((x, y) => x - y);
    return lags[Math.floor(lags.length * 0.99)] ?? NaN;
  };
  const phase = async (ms: number, heavy: string | null): Promise<number> => {
    arrivals.clear();
    let running = true;
    const loop = heavy
      ? (async () => {
          while (running) await (await fetch(heavy)).arrayBuffer().catch(() => undefined);
        })()
      : Promise.resolve();
    await new Promise((r) => setTimeout(r, ms));
    running = false;
    await loop;
    return p99();
  };
  console.log('scrape lag p99 (planned vs actual start, 10 targets at 1 s, 15 s per phase):');
  writeFileSync(join(work, 'lag.yml'), cfg);
  const heavyPath = (base: string) =>
    `${base}/api/v1/query_range?query=${encodeURIComponent('sum by (series) (rate(load_metric[30s]))')}&start=${Date.now() / 1000 - 60}&end=${Date.now() / 1000 + 60}&step=1`;
  // One server at a time, so the exporter sees only its scrapes.
  for (const name of ['prometheus', 'prometheus-ts'] as const) {
    let base: string;
    let stop: () => Promise<unknown>;
    if (name === 'prometheus') {
      const rport = await freePort();
      const real = startProcess(PEERS.prometheus, [
        `--config.file=${join(work, 'lag.yml')}`,
        `--storage.tsdb.path=${join(work, 'real-lag')}`,
        `--web.listen-address=127.0.0.1:${rport}`,
      ]);
      await waitReady(`http://127.0.0.1:${rport}/-/ready`, 30_000, real);
      base = `http://127.0.0.1:${rport}`;
      stop = () => real.stop();
    } else {
      const ours = await startOurServer(cfg, [], { built: true });
      base = ours.url;
      stop = () => ours.stop();
    }
    await new Promise((r) => setTimeout(r, 8000));
    const idle = await phase(15_000, null);
    const busy = await phase(15_000, heavyPath(base));
    console.log(
      `  ${name}: idle ${idle.toFixed(1)} ms, during a heavy query loop ${busy.toFixed(1)} ms`,
    );
    await stop();
  }
  lagExporter.close();
}
