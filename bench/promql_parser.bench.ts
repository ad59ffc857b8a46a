// PromQL parser throughput: parse (lex + parse + type check) and print, over the expressions of
// the conformance scripts and the seed's queries; also the cost of a long expression.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpr, exprToString } from '../src/promql/parser/index.js';

function corpus(): string[] {
  const out: string[] = [];
  const dir = '/work/shared/promql-conformance';
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.test'))) {
      for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const m = /^eval(_ordered)?\s+instant\s+at\s+\S+\s+(.*)$/.exec(l);
        if (m) out.push(m[2]!);
      }
    }
  }
  out.push(
    'sum by (job) (rate(http_requests_total{job="api",code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="api"}[5m]))',
    'histogram_quantile(0.95, sum by (le) (rate(conversation_latency_seconds_bucket[5m])))',
  );
  return out.filter((q) => {
    try {
      parseExpr(q);
      return true;
    } catch {
      return false;
    }
  });
}

function measure(label: string, n: number, bytes: number, f: () => void): void {
  for (let i = 0; i < Math.min(n, 200); i++) f(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  const ns = Number(process.hrtime.bigint() - t0);
  const perOp = ns / n;
  console.log(
    `${label}: ${(perOp / 1000).toFixed(2)} µs/op, ${((bytes * n) / (ns / 1e9) / 1e6).toFixed(1)} MB/s of query text (${n} ops, wall clock)`,
  );
}

export async function run(): Promise<void> {
  const qs = corpus();
  const bytes = qs.reduce((s, q) => s + q.length, 0);
  const avg = bytes / qs.length;
  console.log(`corpus: ${qs.length} valid expressions, ${avg.toFixed(1)} chars on average`);
  let i = 0;
  measure('parseExpr (corpus round-robin)', 200_000, avg, () => {
    parseExpr(qs[i++ % qs.length]!);
  });
  const trees = qs.map((q) => parseExpr(q));
  i = 0;
  measure('exprToString (corpus round-robin)', 200_000, avg, () => {
    exprToString(trees[i++ % trees.length]!);
  });
  const long = Array.from(
    { length: 200 },
    (_, k) => `rate(m${k}{job="j",instance=~"i.*"}[5m])`,
  ).join(' + ');
  measure(`parseExpr (one ${long.length}-char sum of 200 rates)`, 500, long.length, () => {
    parseExpr(long);
  });
  let bad = 0;
  measure('parseExpr rejecting an invalid query', 100_000, 20, () => {
    try {
      parseExpr('sum(rate(foo[5m]) +');
    } catch {
      bad++;
    }
  });
  if (bad === 0) throw new Error('invalid query was accepted');
}
