// The query trace (ours): /api/v1/query?…&trace=1 answers the query as usual and adds the
// expression's tree, each node evaluated alone with its result type, series, samples and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOurServer } from '../support/server.js';

interface Node {
  expr: string;
  node: string;
  op?: string;
  resultType?: string;
  series?: number;
  samples?: number;
  seconds?: number;
  selfSeconds?: number;
  selfSamples?: number;
  error?: string;
  children: Node[];
}

test('trace=1 breaks a query down by subexpression', async (t) => {
  const s = await startOurServer(
    'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ["PLACEHOLDER"]}]\n'.replace(
      'PLACEHOLDER',
      '127.0.0.1:1',
    ),
  );
  t.after(() => s.stop());
  // `up` of the (down) target appears after the first scrape.
  for (let i = 0; i < 50; i++) {
    const r = (await (await fetch(`${s.url}/api/v1/query?query=up`)).json()) as {
      data: { result: unknown[] };
    };
    if (r.data.result.length > 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
  const q = new URLSearchParams({
    query: 'sum by (job) (up) + count_over_time(up[1m])',
    trace: '1',
  });
  const body = (await (await fetch(`${s.url}/api/v1/query?${q}`)).json()) as {
    status: string;
    data: { resultType: string; result: unknown[]; trace: Node };
  };
  assert.equal(body.status, 'success', JSON.stringify(body));
  assert.equal(body.data.resultType, 'vector');
  const tr = body.data.trace;
  assert.equal(tr.node, 'BinaryExpr');
  assert.equal(tr.op, '+');
  assert.equal(tr.expr, 'sum by (job) (up) + count_over_time(up[1m])');
  assert.deepEqual(
    tr.children.map((c) => [c.node, c.op, c.expr]),
    [
      ['AggregateExpr', 'sum', 'sum by (job) (up)'],
      ['Call', 'count_over_time', 'count_over_time(up[1m])'],
    ],
  );
  const [sum, count] = tr.children;
  assert.deepEqual(
    sum!.children.map((c) => [c.node, c.resultType, c.series]),
    [['VectorSelector', 'vector', 1]],
  );
  assert.equal(count!.children[0]!.node, 'MatrixSelector');
  assert.equal(count!.children[0]!.resultType, 'matrix');
  assert.equal(count!.children[0]!.children.length, 0, 'a matrix selector is one node');
  assert.ok(count!.children[0]!.samples! >= 1);
  for (const n of [tr, sum!, count!]) {
    assert.equal(typeof n.seconds, 'number');
    assert.ok(n.selfSeconds! >= 0 && n.selfSeconds! <= n.seconds!);
    assert.ok(n.samples! >= n.children.reduce((a, c) => a + (c.samples ?? 0), 0));
  }
  // Without trace the answer has no trace field, as Prometheus's.
  const plain = (await (await fetch(`${s.url}/api/v1/query?query=up`)).json()) as {
    data: Record<string, unknown>;
  };
  assert.equal('trace' in plain.data, false);
});
