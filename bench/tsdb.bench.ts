// TSDB benchmarks: append throughput, bytes/sample in blocks (vs the real promtool's backfill of
// the same data), head memory per series, WAL replay speed, select latency over 24h.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Matcher, MatchType } from '../src/model/labels/index.js';
import { openDB, type DB } from '../src/tsdb/index.js';
import { appendScrapes, H, seriesSet, T0, value } from './tsdb_data.js';

const gc = (globalThis as { gc?: () => void }).gc;

function dirBytes(d: string, filter: (name: string) => boolean = () => true): number {
  let n = 0;
  for (const f of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, f.name);
    if (f.isDirectory()) n += dirBytes(p, filter);
    else if (filter(f.name)) n += statSync(p).size;
  }
  return n;
}

export async function run(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tsdb-bench-'));
  try {
    // 1. Append throughput and head memory: 100k series × 120 scrapes (15 s apart).
    const N = 100_000;
    const labels = seriesSet(N);
    const dir1 = join(root, 'append');
    gc?.();
    const rss0 = process.memoryUsage().rss;
    const db = await openDB(dir1, {}, { noBackground: true });
    const t0 = T0;
    // The first scrape creates the series; time the 119 steady-state scrapes after it.
    await appendScrapes(db, labels, 1, t0, 15_000);
    const start = performance.now();
    const n = await appendScrapes(db, labels, 119, t0 + 15_000, 15_000);
    const secs = (performance.now() - start) / 1000;
    console.log(
      `append throughput: ${(n / secs / 1e6).toFixed(2)} M samples/s (${N} series × 119 scrapes, one appender+commit per scrape incl. WAL write, one core)`,
    );
    gc?.();
    const rss1 = process.memoryUsage().rss;
    console.log(
      `head memory: ${((rss1 - rss0) / N).toFixed(0)} bytes/series RSS growth (${N} series × 120 samples in head, ${gc ? 'after gc' : 'no --expose-gc'})`,
    );
    const walBytes = dirBytes(join(dir1, 'wal'));
    await db.close();
    const rs = performance.now();
    const db2 = await openDB(dir1, {}, { noBackground: true });
    const replaySecs = (performance.now() - rs) / 1000;
    console.log(
      `WAL replay: ${(replaySecs / ((N * 120) / 1e6)).toFixed(3)} s per million samples (${((N * 120) / 1e6).toFixed(1)}M samples, ${(walBytes / 1e6).toFixed(0)} MB WAL, open → ready)`,
    );

    // 2. Bytes per sample in a compacted block, vs the real promtool backfilling the same data.
    const blocks1 = join(root, 'ours');
    await db2.snapshot(blocks1, true);
    await db2.close();
    const ourBytes = dirBytes(blocks1, (f) => /^\d{6}$/.test(f) || f === 'index');
    const ourChunkBytes = dirBytes(blocks1, (f) => /^\d{6}$/.test(f));
    console.log(
      `block size: ${(ourBytes / (N * 120)).toFixed(3)} bytes/sample incl. index, ${(ourChunkBytes / (N * 120)).toFixed(3)} bytes/sample chunks only (${N} series × 120 samples, head written as a block)`,
    );
    if (existsSync('/usr/bin/promtool')) {
      // Same values, written as OpenMetrics for the real promtool (10k series keeps the file small).
      const M = 10_000;
      const lab = labels.slice(0, M);
      const state = new Float64Array(M);
      const perSeries: string[][] = lab.map(() => []);
      for (let k = 0; k < 120; k++)
        for (let i = 0; i < M; i++)
          perSeries[i]!.push(
            `${value(i, k, state)} ${((t0 + k * 15_000 + (i % 7)) / 1000).toFixed(3)}`,
          );
      const lines: string[] = [];
      lab.forEach((l, i) => {
        const name = l.get('__name__');
        const sel = `${name}{${l
          .toArray()
          .filter((x) => x.name !== '__name__')
          .map((x) => `${x.name}="${x.value}"`)
          .join(',')}}`;
        for (const s of perSeries[i]!) lines.push(`${sel} ${s}`);
      });
      const om = join(root, 'in.om');
      writeFileSync(om, lines.join('\n') + '\n# EOF\n');
      const theirs = join(root, 'theirs');
      const ours2 = join(root, 'ours2');
      const r1 = spawnSync(
        '/usr/bin/promtool',
        ['tsdb', 'create-blocks-from', 'openmetrics', om, theirs],
        { encoding: 'utf8' },
      );
      const r2 = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cmd/promtool.ts',
          'tsdb',
          'create-blocks-from',
          'openmetrics',
          om,
          ours2,
        ],
        { encoding: 'utf8' },
      );
      if (r1.status === 0 && r2.status === 0) {
        const tb = dirBytes(theirs, (f) => /^\d{6}$/.test(f) || f === 'index');
        const ob = dirBytes(ours2, (f) => /^\d{6}$/.test(f) || f === 'index');
        console.log(
          `backfill vs real promtool: ours ${(ob / (M * 120)).toFixed(3)} B/sample, promtool ${(tb / (M * 120)).toFixed(3)} B/sample, ratio ${(ob / tb).toFixed(3)} (${M} series × 120 samples, same OpenMetrics file, index+chunks)`,
        );
      } else console.log(`backfill comparison skipped: ${r1.stderr || r2.stderr}`);
    }

    // 3. Select latency over 24h: 10k series, 60 s interval, compacted into 2h blocks.
    const S = 10_000;
    const dir3 = join(root, 'select');
    const db3 = await openDB(dir3, {}, { noBackground: true });
    const lab3 = seriesSet(S);
    const ts0 = t0;
    await appendScrapes(db3, lab3, 24 * 60 + 1, ts0, 60_000);
    // Compaction runs in a worker: measure how long the event loop is held meanwhile.
    const eld = monitorEventLoopDelay({ resolution: 5 });
    eld.enable();
    const cs = performance.now();
    await db3.compact();
    const cms = performance.now() - cs;
    eld.disable();
    console.log(
      `compaction of 24h × 10k series (head → 2h blocks → larger blocks, WAL checkpoints): ${(cms / 1000).toFixed(1)} s; event loop delay meanwhile p99 ${(eld.percentile(99) / 1e6).toFixed(1)} ms, max ${(eld.max / 1e6).toFixed(1)} ms (perf_hooks.monitorEventLoopDelay, 5 ms resolution)`,
    );
    const q = (): ReturnType<DB['querier']> => db3.querier(ts0, ts0 + 24 * H);
    const timeIt = (fn: () => number, reps: number): { ms: number; samples: number } => {
      let samples = 0;
      const s = performance.now();
      for (let r = 0; r < reps; r++) samples = fn();
      return { ms: (performance.now() - s) / reps, samples };
    };
    const drain = (ms: Matcher[]): number => {
      const qq = q();
      const ss = qq.select(true, undefined, ...ms);
      let c = 0;
      while (ss.next()) {
        const it = ss.at().iterator();
        while (it.next() !== 0) c++;
      }
      qq.close();
      return c;
    };
    const one = timeIt(
      () =>
        drain([
          Matcher.equal('__name__', 'http_requests_total'),
          Matcher.equal('instance', 'host-42:9100'),
          Matcher.equal('idx', '1'),
        ]),
      50,
    );
    console.log(
      `select 1 series over 24h: ${one.ms.toFixed(2)} ms (${one.samples} samples decoded, ${db3.blockMetas().length} blocks + head, mean of 50)`,
    );
    const all = timeIt(() => drain([new Matcher(MatchType.Regexp, 'job', 'job-.*')]), 3);
    console.log(
      `select 10k series over 24h: ${all.ms.toFixed(0)} ms (${(all.samples / 1e6).toFixed(1)}M samples decoded, ${(((all.samples / all.ms) * 1000) / 1e6).toFixed(1)} M samples/s, mean of 3)`,
    );
    await db3.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
