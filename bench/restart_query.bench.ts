// Issue #11 item 7: a data directory restarted a few times, then an instant query over every
// series. 100k constant series written at 1 s in three 90 s runs (each ended by close(), with
// stale markers, as a SIGTERM ends them), reopened, and `count(walgen_value)` at a moment of
// the last run, repeated. The full head chunks (~300k) exceed the head-chunk read cache, so
// every query reads and evicts most of them.
// Run: node --import tsx -e "import('./bench/restart_query.bench.ts').then(m=>m.run())"
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../src/model/labels/index.js';
import { STALE_NAN } from '../src/model/value/index.js';
import { Engine } from '../src/promql/engine.js';
import { openDB } from '../src/tsdb/index.js';

export async function run(series = 100_000, repeats = 5): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'restart-query-'));
  try {
    const ls = Array.from({ length: series }, (_, i) =>
      Labels.fromStrings('__name__', 'walgen_value', 'id', String(i), 'shard', String(i % 16)),
    );
    let t = 1_700_000_000_000;
    let at = 0;
    for (let runNo = 0; runNo < 3; runNo++) {
      const db = await openDB(dir, {}, { noBackground: true });
      const refs = new Array<number>(series).fill(0);
      for (let k = 0; k < 90; k++) {
        const app = db.appender();
        const ts = t + Math.floor(Math.random() * 20); // a scrape's jitter
        for (let i = 0; i < series; i++) refs[i] = app.append(refs[i]!, ls[i]!, ts, i % 1000);
        await app.commit();
        if (runNo === 2 && k === 45) at = ts;
        t += 1000;
      }
      const app = db.appender();
      for (let i = 0; i < series; i++) app.append(refs[i]!, ls[i]!, t, STALE_NAN);
      await app.commit();
      t += 5000;
      await db.close();
    }
    const db = await openDB(dir, {}, { noBackground: true });
    const engine = new Engine({ timeout: 600_000, maxSamples: 50_000_000, lookbackDelta: 300_000 });
    console.log(`${series} series, ${db.head.numChunks()} head chunks`);
    for (let r = 0; r < repeats; r++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const q = engine.newInstantQuery(db, 'count(walgen_value)', at);
      const res = await q.exec();
      q.close();
      const c = process.cpuUsage(cpu);
      const n = res.value.type === 'vector' ? res.value.samples[0]?.f : NaN;
      const m = (db as unknown as { mapper: { windowReads: number; cacheEvictions: number } })
        .mapper;
      console.log(`window reads ${m.windowReads}, evictions ${m.cacheEvictions}`);
      console.log(
        `count(walgen_value) = ${n}: ${((performance.now() - start) / 1000).toFixed(2)} s, ${((c.user + c.system) / 1e6).toFixed(2)} CPU-s`,
      );
    }
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
