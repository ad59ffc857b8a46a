// Splits a CPU profile of the server under the scrape benchmark (SCRAPE_BENCH_CPU_PROF=<dir>
// npm run bench -- scrape) into the stages of ingestion, by the innermost stage frame of each
// sample: node scripts/scrape-profile.mjs <dir> [seconds to skip at the start, default 10].
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const [dir, skipArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/scrape-profile.mjs <profile dir> [skip seconds]');
  process.exit(2);
}
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const STAGES = [
  ['WAL: snappy', (f) => f.url.includes('/snappyjs/')],
  [
    'WAL: record encoding, framing, write',
    (f) => /\/tsdb\/wal\//.test(f.url) || f.functionName === 'writeSync',
  ],
  ['head: XOR chunk append', (f) => f.url.includes('/tsdb/chunkenc/')],
  ['head: append and apply to series (besides XOR)', (f) => f.url.includes('/tsdb/')],
  ['text parser', (f) => f.url.includes('/textparse/')],
  [
    'http: request write and response read',
    (f) =>
      /\/util\/(keepalive_get|httpclient)\.js/.test(f.url) ||
      /stream_base_commons|node:net/.test(f.url),
  ],
  ['scrape loop: cache, report series, timers', (f) => f.url.includes('/scrape/')],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
];
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const skip = Number(skipArg ?? 10) * 1e6;
const spent = new Map();
let busy = 0;
let t = p.startTime;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i];
  t += dt;
  if (t - p.startTime < skip || byId.get(id).callFrame.functionName === '(idle)') return;
  busy += dt;
  let stage = 'other (node internals, self-metrics)';
  find: for (let x = id; x !== undefined; x = parent.get(x)) {
    const f = byId.get(x).callFrame;
    for (const [name, test] of STAGES) {
      if (test(f)) {
        stage = name;
        break find;
      }
    }
  }
  spent.set(stage, (spent.get(stage) ?? 0) + dt);
});
console.log(
  `main thread busy ${(busy / 1e6).toFixed(2)} s of ${((p.endTime - p.startTime - skip) / 1e6).toFixed(1)} s profiled`,
);
for (const [stage, us] of [...spent].sort((a, b) => b[1] - a[1]))
  console.log(
    `${((100 * us) / busy).toFixed(0).padStart(3)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${stage}`,
  );
