// Head memory per active series and startup time (WAL replay → /-/ready), ours beside the real
// Prometheus holding exactly the same series: one data directory is written through our TSDB
// (Prometheus's WAL format), copied, and each server is started on its own copy, one at a time.
// Memory is the VmRSS growth over the same server on an empty data directory, after a settle.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, PEERS, startProcess, waitReady } from '../test/support/peers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SCRAPES = 120;
const SETTLE_MS = 10_000;
const SIZES = (process.env.TSDB_BENCH_SERIES ?? '100000,1000000').split(',').map(Number);
const CLK_TCK = 100;

interface Measure {
  readySecs: number;
  cpuSecs: number;
  rssMiB: number;
  peakMiB: number;
}

function procStatus(pid: number, field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function cpuSecs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime
}

type Server = 'prometheus' | 'prometheus-ts';

/** Starts a server on dataDir, scraping nothing; measures time to ready, then RSS after a settle. */
async function measure(server: Server, work: string, dataDir: string): Promise<Measure> {
  const cfg = join(work, 'prometheus.yml');
  writeFileSync(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const args = [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=100y',
  ];
  const start = performance.now();
  const p =
    server === 'prometheus'
      ? startProcess(PEERS.prometheus, args)
      : startProcess(process.execPath, [join(ROOT, 'bin/prometheus-ts.js'), ...args], {
          cwd: ROOT,
        });
  try {
    await waitReady(`http://127.0.0.1:${port}/-/ready`, 600_000, p);
    const readySecs = (performance.now() - start) / 1000;
    const pid = p.proc.pid!;
    const cpu = cpuSecs(pid);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    return {
      readySecs,
      cpuSecs: cpu,
      rssMiB: procStatus(pid, 'VmRSS'),
      peakMiB: procStatus(pid, 'VmHWM'),
    };
  } finally {
    await p.stop();
  }
}

export async function run(): Promise<void> {
  if (!existsSync(PEERS.prometheus) || !existsSync(join(ROOT, 'dist/cmd/prometheus.js'))) {
    console.log(
      `server memory/startup skipped: needs ${PEERS.prometheus} and a build (npm run build)`,
    );
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'bench-tsdb-server-'));
  try {
    const servers: Server[] = ['prometheus', 'prometheus-ts'];
    const base = new Map<Server, Measure>();
    for (const s of servers) {
      const empty = join(work, `empty-${s}`);
      mkdirSync(empty);
      base.set(s, await measure(s, work, empty));
    }
    for (const s of servers) {
      const m = base.get(s)!;
      console.log(
        `baseline, empty data dir — ${s}: ready in ${m.readySecs.toFixed(1)} s wall, ${m.cpuSecs.toFixed(1)} CPU-s; RSS ${m.rssMiB.toFixed(0)} MiB`,
      );
    }
    for (const n of SIZES) {
      const data = join(work, 'data');
      const t = performance.now();
      const w = spawnSync(
        process.execPath,
        [
          '--max-old-space-size=16384',
          '--import',
          'tsx',
          join(ROOT, 'bench/tsdb_data.ts'),
          data,
          String(n),
          String(SCRAPES),
        ],
        { cwd: ROOT, stdio: 'inherit' },
      );
      if (w.status !== 0) throw new Error(`writing the ${n}-series data dir failed`);
      console.log(
        `\n${n} series × ${SCRAPES} samples (15 s apart) written through our TSDB in ${((performance.now() - t) / 1000).toFixed(0)} s; each server started on its own copy`,
      );
      const res = new Map<Server, Measure>();
      for (const s of servers) {
        const copy = join(work, `data-${s}`);
        cpSync(data, copy, { recursive: true });
        res.set(s, await measure(s, work, copy));
        rmSync(copy, { recursive: true, force: true });
      }
      rmSync(data, { recursive: true, force: true });
      const perSeries = (s: Server) =>
        ((res.get(s)!.rssMiB - base.get(s)!.rssMiB) * 1024 * 1024) / n;
      const [a, b] = [perSeries('prometheus'), perSeries('prometheus-ts')];
      console.log(
        `  head memory (RSS growth / series, ${SETTLE_MS / 1000} s after ready): prometheus ${a.toFixed(0)} B | prometheus-ts ${b.toFixed(0)} B | ratio ${(b / a).toFixed(2)}`,
      );
      for (const s of servers) {
        const m = res.get(s)!;
        console.log(
          `  ${s}: ready in ${m.readySecs.toFixed(1)} s wall, ${m.cpuSecs.toFixed(1)} CPU-s at ready; RSS ${m.rssMiB.toFixed(0)} MiB, peak ${m.peakMiB.toFixed(0)} MiB`,
        );
      }
      const ra = res.get('prometheus')!;
      const rb = res.get('prometheus-ts')!;
      console.log(
        `  startup ratio (ours / prometheus): ${(rb.readySecs / ra.readySecs).toFixed(2)} wall, ${(rb.cpuSecs / ra.cpuSecs).toFixed(2)} CPU-s`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
