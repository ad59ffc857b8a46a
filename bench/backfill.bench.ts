// Backfill memory and time: `tsdb create-blocks-from openmetrics` of one generated OpenMetrics
// file (node_exporter-like series, each series' samples in time order, as an export writes them)
// by the real promtool and by promtool-ts, one after the other; peak RSS and CPU from GNU time's
// getrusage of each process. The blocks written are then compared with `promtool tsdb dump`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PEERS } from '../test/support/peers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SERIES = Number(process.env.BACKFILL_BENCH_SERIES ?? 2000);
const HOURS = Number(process.env.BACKFILL_BENCH_HOURS ?? 4);
const STEP_S = 15;
const T0 = 1_700_000_000; // 2023-11-14T22:13:20Z

/** Writes the file: counters with integer increments, gauges wandering by 0.01, then `# EOF`. */
function generate(path: string): void {
  const fd = openSync(path, 'w');
  const steps = (HOURS * 3600) / STEP_S;
  let buf = '';
  const flush = (): void => {
    writeSync(fd, buf);
    buf = '';
  };
  for (let s = 0; s < SERIES; s++) {
    const counter = s % 2 === 0;
    const name = counter ? 'node_cpu_seconds_total' : 'node_memory_bytes';
    if (s < 2) buf += `# TYPE ${name} ${counter ? 'counter' : 'gauge'}\n`;
    const series = `${name}{cpu="${s % 64}",mode="m${s % 8}",instance="host-${Math.floor(s / 64)}:9100",job="node"}`;
    let v = counter ? 0 : 1000;
    for (let i = 0; i < steps; i++) {
      v = counter
        ? v + ((s * 7 + i * 13) % 11)
        : Math.round((v + (((s + i * 3) % 5) - 2) * 0.01) * 100) / 100;
      buf += `${series} ${v} ${T0 + i * STEP_S}.000\n`;
      if (buf.length > 1 << 20) flush();
    }
  }
  buf += '# EOF\n';
  flush();
  closeSync(fd);
}

interface Run {
  peakMiB: number;
  cpuSecs: number;
  wallSecs: number;
}

function timed(cmd: string, args: string[]): Run {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return {
    peakMiB: last[0]! / 1024,
    cpuSecs: last[1]! + last[2]!,
    wallSecs: (performance.now() - start) / 1000,
  };
}

export async function run(): Promise<void> {
  if (!existsSync('/usr/bin/time')) {
    console.log('backfill: skipped (GNU time, Debian package `time`, is not installed)');
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'backfill-bench-'));
  try {
    const om = join(work, 'in.om');
    generate(om);
    const mb = statSync(om).size / 1e6;
    console.log(
      `input: ${SERIES} series × ${HOURS} h at ${STEP_S} s, ${mb.toFixed(0)} MB of OpenMetrics text`,
    );
    const runs: [string, Run][] = [];
    if (PEERS.promtool !== null)
      runs.push([
        'promtool 2.42',
        timed(PEERS.promtool, [
          'tsdb',
          'create-blocks-from',
          'openmetrics',
          '-q',
          om,
          join(work, 'theirs'),
        ]),
      ]);
    else console.log('promtool: not installed, only ours measured');
    runs.push([
      'promtool-ts',
      timed(process.execPath, [
        join(ROOT, 'bin/promtool-ts.js'),
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '-q',
        om,
        join(work, 'ours'),
      ]),
    ]);
    for (const [who, r] of runs)
      console.log(
        `${who.padEnd(14)} peak RSS ${r.peakMiB.toFixed(0).padStart(5)} MiB (${(r.peakMiB / mb).toFixed(2)}× input)  CPU ${r.cpuSecs.toFixed(1)} s  wall ${r.wallSecs.toFixed(1)} s`,
      );
    if (runs.length === 2) {
      const [theirs, ours] = [runs[0]![1], runs[1]![1]];
      console.log(
        `ratio ours/promtool: peak RSS ${(ours.peakMiB / theirs.peakMiB).toFixed(2)}, CPU ${(ours.cpuSecs / theirs.cpuSecs).toFixed(2)}`,
      );
      const dump = (dir: string): string =>
        spawnSync(PEERS.promtool!, ['tsdb', 'dump', dir], { encoding: 'utf8', maxBuffer: 1 << 30 })
          .stdout.split('\n')
          .sort()
          .join('\n');
      console.log(
        `blocks dumped by the real promtool: ${dump(join(work, 'theirs')) === dump(join(work, 'ours')) ? 'identical' : 'DIFFER'}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
