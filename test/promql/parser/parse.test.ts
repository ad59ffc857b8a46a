// Unit tests of the PromQL parser: the trees it builds (what the engine reads), precedence,
// modifiers, positions, the error objects, the function table, the printer and helpers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SEED } from '../../support/paths.js';
import {
  parseExpr,
  parseMetricSelector,
  exprToString,
  prettify,
  exprType,
  walk,
  inspect,
  posRange,
  FUNCTIONS,
  getFunction,
  ParseErr,
  ParseErrors,
  type Expr,
  type BinaryExpr,
  type VectorSelector,
  type AggregateExpr,
  type MatrixSelector,
  type SubqueryExpr,
  type Call,
} from '../../../src/promql/parser/index.js';

function errOf(q: string): ParseErrors {
  try {
    parseExpr(q);
  } catch (e) {
    assert.ok(e instanceof ParseErrors, `expected ParseErrors, got ${String(e)}`);
    return e;
  }
  assert.fail(`${q} parsed`);
}

/** A compact tree shape to assert precedence: binary nodes as (lhs op rhs). */
function shape(e: Expr): string {
  switch (e.kind) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `${e.op}${shape(e.expr)}`;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    default:
      return exprToString(e);
  }
}

test('vector selectors: matchers in written order, metric name matcher last', () => {
  const vs = parseExpr('foo{a="b", c!="d", e=~"f", g!~"h"}') as VectorSelector;
  assert.equal(vs.kind, 'VectorSelector');
  assert.equal(vs.name, 'foo');
  assert.deepEqual(
    vs.labelMatchers.map((m) => m.toString()),
    ['a="b"', 'c!="d"', 'e=~"f"', 'g!~"h"', '__name__="foo"'],
  );
  assert.deepEqual(vs.posRange, { start: 0, end: 34 });
  assert.equal(vs.originalOffset, 0);
  assert.equal(vs.timestamp, null);
  assert.equal(vs.startOrEnd, null);
  const byName = parseExpr('{__name__="x"}') as VectorSelector;
  assert.equal(byName.name, '');
  assert.equal(byName.labelMatchers.length, 1);
  assert.equal(exprToString(byName), '{__name__="x"}');
  assert.ok((parseExpr('foo{a=~"x|y"}') as VectorSelector).labelMatchers[0]!.matches('y'));
});

test('keywords are metric names where Prometheus allows, case-insensitive keywords', () => {
  for (const name of [
    'sum',
    'by',
    'without',
    'offset',
    'start',
    'end',
    'and',
    'or',
    'unless',
    'count_values',
  ]) {
    const e = parseExpr(name) as VectorSelector;
    assert.equal(e.kind, 'VectorSelector', name);
    assert.equal(e.name, name);
  }
  const agg = parseExpr('SUM BY (job) (foo)') as AggregateExpr;
  assert.equal(agg.kind, 'AggregateExpr');
  assert.equal(agg.op, 'sum');
  assert.deepEqual(agg.grouping, ['job']);
  assert.deepEqual((parseExpr('sum by (on, by, offset) (x)') as AggregateExpr).grouping, [
    'on',
    'by',
    'offset',
  ]);
  assert.equal((parseExpr('foo AND bar') as BinaryExpr).op, 'and');
});

test('binary operator precedence and associativity', () => {
  const cases: [string, string][] = [
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c', '((a / b) % c)'],
    ['a ^ b ^ c', '(a ^ (b ^ c))'],
    ['a * b ^ c', '(a * (b ^ c))'],
    ['a atan2 b + c', '((a atan2 b) + c)'],
    ['a + b > c', '((a + b) > c)'],
    ['a > b and c', '((a > b) and c)'],
    ['a or b and c', '(a or (b and c))'],
    ['a or b unless c', '(a or (b unless c))'],
    ['a and b unless c', '((a and b) unless c)'],
    ['-a ^ b', '-(a ^ b)'],
    ['-a * b', '(-a * b)'],
    ['2 ^ -1 * 3', '((2 ^ -1) * 3)'],
    ['a + -b', '(a + -b)'],
    ['- - a', '--a'],
    ['(a + b) * c', '([(a + b)] * c)'],
  ];
  for (const [q, want] of cases) assert.equal(shape(parseExpr(q)), want, q);
});

test('unary minus folds into number literals', () => {
  const n = parseExpr('-5');
  assert.equal(n.kind, 'NumberLiteral');
  assert.equal(n.kind === 'NumberLiteral' && n.val, -5);
  assert.deepEqual(posRange(n), { start: 0, end: 2 });
  const u = parseExpr('-(5)');
  assert.equal(u.kind, 'UnaryExpr');
});

test('vector matching modifiers and cardinalities', () => {
  const b = parseExpr('a + on(b, c) group_left(d) e') as BinaryExpr;
  assert.deepEqual(b.vectorMatching, {
    card: 'many-to-one',
    matchingLabels: ['b', 'c'],
    on: true,
    include: ['d'],
  });
  const r = parseExpr('a / ignoring(x) group_right e') as BinaryExpr;
  assert.deepEqual(r.vectorMatching, {
    card: 'one-to-many',
    matchingLabels: ['x'],
    on: false,
    include: [],
  });
  const set = parseExpr('a and b') as BinaryExpr;
  assert.equal(set.vectorMatching!.card, 'many-to-many');
  const plain = parseExpr('a - b') as BinaryExpr;
  assert.deepEqual(plain.vectorMatching, {
    card: 'one-to-one',
    matchingLabels: [],
    on: false,
    include: [],
  });
  const scalarSide = parseExpr('a * 2') as BinaryExpr;
  assert.equal(scalarSide.vectorMatching, null);
  const cmp = parseExpr('a > bool 1') as BinaryExpr;
  assert.equal(cmp.returnBool, true);
  assert.equal(exprToString(parseExpr('a + on() b')), 'a + on () b');
});

test('aggregations: modifiers before or after, parameters', () => {
  const a = parseExpr('sum(rate(x[5m])) without (a, b)') as AggregateExpr;
  assert.equal(a.without, true);
  assert.deepEqual(a.grouping, ['a', 'b']);
  assert.equal(a.param, null);
  assert.equal(a.expr.kind, 'Call');
  const t = parseExpr('topk by (job) (5, foo)') as AggregateExpr;
  assert.equal(t.param!.kind, 'NumberLiteral');
  assert.equal(exprToString(t), 'topk by (job) (5, foo)');
  const cv = parseExpr('count_values("le", foo)') as AggregateExpr;
  assert.equal(cv.param!.kind, 'StringLiteral');
  assert.equal(exprToString(parseExpr('quantile(0.9, x) by (a)')), 'quantile by (a) (0.9, x)');
  assert.equal(exprType(a), 'vector');
});

test('ranges, offsets, @ and subqueries', () => {
  const m = parseExpr('foo[1h30m] offset -5m @ 1.5') as MatrixSelector;
  assert.equal(m.kind, 'MatrixSelector');
  assert.equal(m.range, 90 * 60 * 1000);
  const vs = m.vectorSelector as VectorSelector;
  assert.equal(vs.originalOffset, -5 * 60 * 1000);
  assert.equal(vs.offset, -5 * 60 * 1000);
  assert.equal(vs.timestamp, 1500);
  assert.equal(exprToString(m), 'foo[1h30m] @ 1.500 offset -5m');
  assert.equal(m.endPos, 'foo[1h30m] offset -5m @ 1.5'.length);

  const s = parseExpr('rate(foo[5m])[30m:1m] @ end() offset 1w') as SubqueryExpr;
  assert.equal(s.kind, 'SubqueryExpr');
  assert.equal(s.range, 30 * 60 * 1000);
  assert.equal(s.step, 60 * 1000);
  assert.equal(s.startOrEnd, 'end');
  assert.equal(s.originalOffset, 7 * 24 * 3600 * 1000);
  assert.equal(exprToString(s), 'rate(foo[5m])[30m:1m] @ end() offset 1w');
  const d = parseExpr('foo[5m:]') as SubqueryExpr;
  assert.equal(d.step, 0);
  assert.equal(exprToString(d), 'foo[5m:]');
  assert.equal(exprType(d), 'matrix');
  const st = parseExpr('foo @ start()') as VectorSelector;
  assert.equal(st.startOrEnd, 'start');
  assert.equal((parseExpr('foo @ -100') as VectorSelector).timestamp, -100000);
  for (const u of ['1y', '2w', '3d', '4h', '5m', '6s', '7ms'])
    assert.equal(exprToString(parseExpr(`x offset ${u}`)), `x offset ${u}`);
});

test('number and string literals', () => {
  const num = (q: string): number => {
    const e = parseExpr(q);
    assert.equal(e.kind, 'NumberLiteral', q);
    return e.kind === 'NumberLiteral' ? e.val : NaN;
  };
  assert.equal(num('0x1F'), 31);
  assert.equal(num('.5'), 0.5);
  assert.equal(num('1e3'), 1000);
  assert.equal(num('1.5E-2'), 0.015);
  assert.equal(num('010'), 8); // Go's ParseInt with base 0: octal
  assert.equal(num('09'), 9);
  assert.equal(num('Inf'), Infinity);
  assert.equal(num('-inf'), -Infinity);
  assert.ok(Number.isNaN(num('NaN')));
  const str = (q: string): string => {
    const e = parseExpr(q);
    assert.equal(e.kind, 'StringLiteral', q);
    return e.kind === 'StringLiteral' ? e.val : '';
  };
  assert.equal(str('"a\\nb\\t\\"q\\""'), 'a\nb\t"q"');
  assert.equal(str("'it\\'s'"), "it's");
  assert.equal(str('`raw\\n`'), 'raw\\n');
  assert.equal(str('"\\x41\\101\\u00e9\\U0001F600"'), 'AAé😀');
  assert.equal(str('"\\xe2\\x82\\xac"'), '€'); // byte escapes spell UTF-8
  assert.equal(exprToString(parseExpr('"a\\nb"')), '"a\\nb"');
  assert.equal(exprToString(parseExpr('1e6')), '1e+06');
  assert.equal(exprToString(parseExpr('123456')), '123456');
});

test('long generated chains parse without exhausting the stack', () => {
  const vec = Array.from({ length: 5000 }, (_, k) => `m${k}`).join(' or ');
  assert.equal(exprType(parseExpr(vec)), 'vector');
  const sc = parseExpr(Array.from({ length: 3000 }, () => '1').join(' + '));
  assert.equal(exprType(sc), 'scalar');
  assert.equal(
    errOf(`${Array.from({ length: 3000 }, () => '1').join(' + ')} > 1`).message,
    `1:${3000 * 4 - 1}: parse error: comparisons between scalars must use BOOL modifier`,
  );
});

test('comments and whitespace are skipped', () => {
  assert.equal(exprToString(parseExpr('# head\nfoo # tail\n  + # mid\n bar')), 'foo + bar');
  assert.equal(exprToString(parseExpr('{a="b" # c\n}')), '{a="b"}');
});

test('functions: table, calls, optional and variadic arguments', () => {
  assert.equal(Object.keys(FUNCTIONS).length, 72);
  for (const name of [
    'histogram_quantile',
    'label_replace',
    'label_join',
    'vector',
    'scalar',
    'time',
    'timestamp',
    'holt_winters',
    'predict_linear',
    'absent_over_time',
    'present_over_time',
    'quantile_over_time',
    'sort',
    'sort_desc',
    'sinh',
    'atanh',
    'deg',
    'rad',
    'pi',
    'sgn',
    'clamp',
    'clamp_min',
    'clamp_max',
    'round',
    'histogram_count',
    'histogram_sum',
    'histogram_fraction',
    'histogram_stddev',
    'histogram_stdvar',
    'day_of_year',
    'days_in_month',
  ]) {
    assert.ok(getFunction(name), name);
  }
  assert.equal(getFunction('nope'), undefined);
  assert.equal(getFunction('toString'), undefined);
  assert.deepEqual(getFunction('round'), {
    name: 'round',
    argTypes: ['vector', 'scalar'],
    variadic: 1,
    returnType: 'vector',
  });
  assert.deepEqual(getFunction('label_join')!.variadic, -1);
  assert.equal(getFunction('time')!.returnType, 'scalar');
  const c = parseExpr('label_join(up, "a", ",", "b", "c", "d")') as Call;
  assert.equal(c.args.length, 6);
  assert.equal(c.func.name, 'label_join');
  assert.equal(exprType(parseExpr('time()')), 'scalar');
  assert.equal(exprType(parseExpr('hour()')), 'vector');
  assert.equal(exprType(parseExpr('hour(up)')), 'vector');
  assert.equal(exprType(parseExpr('scalar(up) + 1')), 'scalar');
});

test('errors: classes, positions and Prometheus wording', () => {
  const cases: [string, string][] = [
    ['foo +', '1:6: parse error: unexpected end of input'],
    ['a + + +', '1:8: parse error: unexpected end of input'],
    ['1 + $', "1:5: parse error: unexpected character: '$'"],
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['sum(x) + sum(y', '1:15: parse error: unclosed left parenthesis'],
    [
      'rate(foo)',
      '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
    ['1 < 2', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['1 and 2', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    [
      'foo[5m] * 2',
      '1:1: parse error: binary expression must contain only scalar and instant vector types',
    ],
    ['a and on(b) group_left c', '1:1: parse error: no grouping allowed for "and" operation'],
    [
      'a + on(b) group_left(b) c',
      '1:3: parse error: label "b" must not occur in ON and GROUP clause at once',
    ],
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['foo offset 1m offset 1m', '1:1: parse error: offset may not be set multiple times'],
    ['nope(x)', '1:1: parse error: unknown function with name "nope"'],
    [
      'sum by job (x)',
      '1:8: parse error: unexpected identifier "job" in grouping opts, expected "("',
    ],
    ['foo[5m:1m:1m]', "1:10: parse error: unexpected colon ':'"],
    [
      'round(x, 1, 2)',
      '1:1: parse error: expected at most 2 argument(s) in call to "round", got 3',
    ],
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['foo\n  + bar baz', '2:9: parse error: unexpected identifier "baz"'],
    ['', 'unknown position: parse error: no expression found in input'],
  ];
  for (const [q, want] of cases) assert.equal(errOf(q).message, want, q);
  const e = errOf('foo +');
  assert.equal(e.errors.length, 1);
  assert.equal(e.length, 1);
  assert.deepEqual(
    [...e].map((x) => x.err),
    ['unexpected end of input'],
  );
  // Semantic errors found while parsing are all kept; the message is the first.
  const many = errOf('nope(x) + nada(y)');
  assert.deepEqual(
    many.errors.map((x) => x.err),
    ['unknown function with name "nope"', 'unknown function with name "nada"'],
  );
  const first = e.errors[0]!;
  assert.ok(first instanceof ParseErr);
  assert.deepEqual(first.positionRange, { start: 5, end: 5 });
  assert.equal(first.err, 'unexpected end of input');
  assert.equal(first.query, 'foo +');
  assert.equal(String(first), '1:6: parse error: unexpected end of input');
  // Columns count UTF-8 bytes, as in Go.
  assert.equal(errOf('"é" + $').message, "1:8: parse error: unexpected character: '$'");
});

test('parseMetricSelector returns matchers and Prometheus errors', () => {
  const ms = parseMetricSelector('up{job="x", instance=~"a.*"}');
  assert.deepEqual(ms.map(String), ['job="x"', 'instance=~"a.*"', '__name__="up"']);
  assert.deepEqual(parseMetricSelector('{}'), []); // the API rejects empty selectors itself
  assert.throws(
    () => parseMetricSelector('up +'),
    (e: Error) => e instanceof ParseErrors && e.message === '1:4: parse error: unexpected <op:+>',
  );
  assert.throws(() => parseMetricSelector('rate(x[5m])'), ParseErrors);
});

test('walk visits every node with its ancestors and can prune', () => {
  const e = parseExpr('sum(rate(a[5m])) + on(x) b offset 1m');
  const kinds: string[] = [];
  const depth: number[] = [];
  walk(e, (n, path) => {
    kinds.push(n.kind);
    depth.push(path.length);
  });
  assert.deepEqual(kinds, [
    'BinaryExpr',
    'AggregateExpr',
    'Call',
    'MatrixSelector',
    'VectorSelector',
    'VectorSelector',
  ]);
  assert.deepEqual(depth, [0, 1, 2, 3, 4, 1]);
  const pruned: string[] = [];
  walk(e, (n) => {
    pruned.push(n.kind);
    if (n.kind === 'AggregateExpr') return false;
  });
  assert.deepEqual(pruned, ['BinaryExpr', 'AggregateExpr', 'VectorSelector']);
  // Aggregations list their expression before their parameter, as Prometheus's Children does.
  const order: string[] = [];
  inspect(parseExpr('topk(3, foo)'), (n) => order.push(n.kind));
  assert.deepEqual(order, ['AggregateExpr', 'VectorSelector', 'NumberLiteral']);
  let selectors = 0;
  inspect(e, (n) => {
    if (n.kind === 'VectorSelector') selectors++;
  });
  assert.equal(selectors, 2);
});

test('prettify splits long expressions like format_query', () => {
  const long =
    'sum by (job) (rate(http_requests_total{job="api-server",code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="api-server"}[5m]))';
  assert.equal(
    prettify(parseExpr(long)),
    '  sum by (job) (rate(http_requests_total{code=~"5..",job="api-server"}[5m]))\n/\n  sum by (job) (rate(http_requests_total{job="api-server"}[5m]))',
  );
  assert.equal(prettify(parseExpr('sum(rate(x[5m])) by (a)')), 'sum by (a) (rate(x[5m]))');
});

test('the seed queries parse', async () => {
  const { readFileSync, existsSync } = await import('node:fs');
  const path = join(SEED, 'queries.promql');
  assert.ok(existsSync(path), `the seed's queries are at ${path}`);
  const text = readFileSync(path, 'utf8');
  const queries = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  assert.ok(queries.length > 0);
  for (const q of queries) assert.doesNotThrow(() => parseExpr(q), q);
  const rules = join(SEED, 'rules/mordomo_alerts.yml');
  assert.ok(existsSync(rules), `the seed's rules are at ${rules}`);
  const { parse } = await import('yaml');
  const doc = parse(readFileSync(rules, 'utf8')) as { groups: { rules: { expr: string }[] }[] };
  const exprs = doc.groups.flatMap((g) => g.rules.map((r) => r.expr));
  assert.equal(exprs.length, 7);
  for (const q of exprs) assert.equal(exprType(parseExpr(q)), 'vector', q);
});
