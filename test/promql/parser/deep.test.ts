// Trees deeper than V8's stack: parsing, type checking, printing, walking and positions all
// work without recursion (Prometheus, in Go, takes such queries in its stride).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  exprToString,
  exprType,
  inspect,
  parseExpr,
  posRange,
  prettify,
} from '../../../src/promql/parser/index.ts';
import { runDeep, type Deep } from '../../../src/promql/parser/deep.ts';

const N = 100_000;

test('100k nested parentheses, unary minus, aggregations and calls parse, print back and walk', () => {
  const cases = [
    '('.repeat(N) + 'up' + ')'.repeat(N),
    '-'.repeat(N) + 'up',
    'sum('.repeat(N / 4) + 'up' + ')'.repeat(N / 4),
    'abs('.repeat(N / 4) + 'up' + ')'.repeat(N / 4),
    Array(N / 4)
      .fill('2')
      .join(' ^ '),
    Array(N / 4)
      .fill('up')
      .join(' or '),
  ];
  for (const q of cases) {
    const e = parseExpr(q);
    assert.equal(exprToString(e), q);
    let nodes = 0;
    inspect(e, () => nodes++);
    assert.ok(nodes >= N / 4, `${nodes} nodes`);
    assert.deepEqual(posRange(e), { start: 0, end: q.length });
  }
});

test('unary minus on a number folds into the literal however many there are', () => {
  const e = parseExpr('-'.repeat(N + 1) + '3');
  assert.equal(e.kind, 'NumberLiteral');
  assert.equal(e.kind === 'NumberLiteral' && e.val, -3);
  assert.equal(exprType(e), 'scalar');
});

test('type errors deep inside are still found, at their position', () => {
  const q = '('.repeat(N) + 'sum("x")' + ')'.repeat(N);
  assert.throws(
    () => parseExpr(q),
    /expected type instant vector in aggregation expression, got string/,
  );
  assert.equal(exprType(parseExpr('('.repeat(N) + '1 + 2' + ')'.repeat(N))), 'scalar');
});

test('prettify handles deep trees', () => {
  const q = 'sum('.repeat(2000) + 'up' + ')'.repeat(2000);
  const out = prettify(parseExpr(q));
  assert.ok(out.split('\n').length > 2000);
  assert.equal(out.replace(/\s+/g, ''), q);
});

test('runDeep carries results and exceptions through the heap stack', () => {
  function* depth(n: number): Deep<number> {
    if (n === 0) return 0;
    return 1 + ((yield depth(n - 1)) as number);
  }
  assert.equal(runDeep(depth(N)), N);
  function* fails(n: number): Deep<number> {
    if (n === 0) throw new Error('bottom');
    try {
      return (yield fails(n - 1)) as number;
    } catch (e) {
      if (n === 5) return -1;
      throw e;
    }
  }
  assert.equal(runDeep(fails(N)), -1);
  assert.throws(() => runDeep(fails(3)), /bottom/);
});
