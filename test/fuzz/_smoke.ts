import fc from 'fast-check';
import { TARGETS } from '/work/wt-fuzz/test/fuzz/targets/index.ts';
import { runCase } from '/work/wt-fuzz/test/fuzz/target.ts';
for (const t of TARGETS.filter((x) => !process.argv[2] || x.name === process.argv[2])) {
  const counts: Record<string, number> = {};
  const t0 = Date.now();
  const samples = fc.sample(t.arbitrary, 200);
  for (const s of samples) {
    const o = await runCase(t, s);
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
    if (o.kind === 'crash' && counts.crash! <= 2) console.log(t.name, 'CRASH', o.name, o.message.slice(0, 300), JSON.stringify(Buffer.from(s).toString('latin1')).slice(0, 300));
  }
  console.log(t.name, JSON.stringify(counts), Date.now() - t0, 'ms');
}
process.exit(0);
