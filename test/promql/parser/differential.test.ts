// Differential test against the real Prometheus (2.42 on this machine): every query of the
// corpus must get the same verdict as the real server, and an invalid one the same message
// (the server reports parse errors as `invalid parameter "query": <parser message>`).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { peer, startRealPrometheus } from '../../support/peers.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpr, parseMetricSelector, prettify } from '../../../src/promql/parser/index.js';
import { CORPUS } from './corpus.js';

/**
 * Where Prometheus 2.48 (our target) deliberately differs from the 2.42 peer.
 * '' — 2.48's PositionRange.StartPosInput says "unknown position" for an empty query; 2.42
 * printed "1:1". The rest are listed with their reasons.
 */
const KNOWN_2_42_DIFFERENCES: Record<string, string> = {
  '': 'unknown position: parse error: no expression found in input',
  // '@' has no display text in Prometheus, so the message shows its internal token number:
  // 57385 in 2.42, 57398 in 2.48 (more tokens were declared before it).
  '@ 5': '1:1: parse error: unexpected "<Item 57398>" <op:@>',
  // Functions added after 2.42 (2.43's histogram_stddev and histogram_stdvar).
  'histogram_stddev(foo)': 'OK',
  'histogram_stdvar(foo)': 'OK',
  'histogram_stddev(foo[5m])':
    '1:18: parse error: expected type instant vector in call to function "histogram_stddev", got range vector',
};

/** match[] selectors for /api/v1/series, parsed by parseMetricSelector. */
const SELECTORS = [
  'up',
  'up{job="a"}',
  '{}',
  'up +',
  'rate(x[5m])',
  'up[5m]',
  'up{',
  'sum',
  'sum(x)',
  '1',
  '"a"',
  'up offset 5m',
  '{a=~".*"}',
  'foo:bar',
  'up{a="b"} # c',
  '{__name__="a"}',
  'up{__name__="b"}',
  'by',
  '(up)',
  'up{a="b",}',
  'up{a=~"("}',
  'up{a b}',
  'up and on',
];

test('parser verdicts and error messages match the real Prometheus', async (t) => {
  if (peer('prometheus', t) === null) return;
  assert.ok(CORPUS.length >= 80);
  const real = await startRealPrometheus('global:\n  scrape_interval: 1m\n');
  t.after(() => real.stop());
  const mismatches: string[] = [];
  let invalid = 0;
  for (const q of CORPUS) {
    const res = await fetch(`${real.url}/api/v1/query?query=${encodeURIComponent(q)}&time=1000`);
    const body = (await res.json()) as { status: string; error?: string };
    const prefix = 'invalid parameter "query": ';
    // Success or an evaluation error both mean the query parsed.
    let want =
      body.status === 'error' && body.error?.startsWith(prefix)
        ? body.error.slice(prefix.length)
        : 'OK';
    if (q in KNOWN_2_42_DIFFERENCES) want = KNOWN_2_42_DIFFERENCES[q]!;
    if (want !== 'OK') invalid++;
    let got: string;
    try {
      parseExpr(q);
      got = 'OK';
    } catch (e) {
      got = (e as Error).message;
    }
    if (got !== want)
      mismatches.push(
        `${JSON.stringify(q)}: real ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`,
      );
  }
  assert.deepEqual(mismatches, []);
  assert.ok(invalid >= 40, `corpus should hold many invalid queries, has ${invalid}`);
});

test('parseMetricSelector matches the real /api/v1/series match[] parsing', async (t) => {
  if (peer('prometheus', t) === null) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1m\n');
  t.after(() => real.stop());
  const mismatches: string[] = [];
  for (const q of SELECTORS) {
    const res = await fetch(`${real.url}/api/v1/series?match[]=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { status: string; error?: string };
    const prefix = 'invalid parameter "match[]": ';
    // "match[] must contain at least one non-empty matcher" is the API's own check, not the parser's.
    const msg =
      body.status === 'error' && body.error?.startsWith(prefix)
        ? body.error.slice(prefix.length)
        : 'OK';
    const want = msg.includes('parse error') ? msg : 'OK';
    let got: string;
    try {
      parseMetricSelector(q);
      got = 'OK';
    } catch (e) {
      got = (e as Error).message;
    }
    if (got !== want)
      mismatches.push(
        `${JSON.stringify(q)}: real ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`,
      );
  }
  assert.deepEqual(mismatches, []);
});

/** Valid expressions of the corpus and of the conformance scripts, for the printer. */
function printerCases(): string[] {
  const scripts: string[] = [];
  const dir = '/work/shared/promql-conformance';
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.test'))) {
      for (const l of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const m = /^eval(_ordered)?\s+instant\s+at\s+\S+\s+(.*)$/.exec(l);
        if (m) scripts.push(m[2]!);
      }
    }
  }
  const out: string[] = [];
  for (const q of [...CORPUS, ...scripts]) {
    if (q in KNOWN_2_42_DIFFERENCES) continue; // the real 2.42 cannot be the reference for these
    try {
      parseExpr(q);
    } catch {
      continue;
    }
    out.push(q);
  }
  return [...new Set(out)];
}

test('prettify matches the real /api/v1/format_query', async (t) => {
  if (peer('prometheus', t) === null) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1m\n');
  t.after(() => real.stop());
  const cases = printerCases();
  assert.ok(cases.length > 300);
  const mismatches: string[] = [];
  let multiLine = 0;
  for (const q of cases) {
    let ours: string;
    try {
      ours = prettify(parseExpr(q));
    } catch {
      continue; // eval_fail expressions that do not parse
    }
    const res = await fetch(`${real.url}/api/v1/format_query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { status: string; data?: string; error?: string };
    if (body.data !== ours)
      mismatches.push(
        `${JSON.stringify(q)}: real ${JSON.stringify(body.data ?? body.error)}, ours ${JSON.stringify(ours)}`,
      );
    if (ours.includes('\n')) multiLine++;
  }
  assert.deepEqual(mismatches, []);
  assert.ok(multiLine > 0, 'some cases should exercise line splitting');
});

/** Token soup for the random differential test: pieces of PromQL glued at random. */
const VOCAB = [
  'foo',
  'bar{a="b"}',
  'sum',
  'rate',
  '(',
  ')',
  '[5m]',
  '[5m:1m]',
  '[',
  ']',
  ':',
  '5m',
  '1',
  '"s"',
  '+',
  '-',
  '*',
  '/',
  '^',
  '==',
  '>',
  'bool',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  '(a)',
  'group_left',
  'group_right',
  'by',
  'without',
  'offset',
  '@',
  'start()',
  'end()',
  ',',
  'topk',
  'count_values',
  'time()',
  'rate(x[5m])',
  '{',
  '}',
  'a=',
  '"v"',
  'histogram_quantile',
  'label_replace',
  'vector',
  'scalar',
  'x',
  'atan2',
  '-1',
  'Inf',
  '# c\n',
  '{a="b"}',
  'abs',
  'round',
  'quantile_over_time',
  '(1)',
  '[1h:]',
  'offset 5m',
  'by (a)',
  'sum(',
  'count_values(',
  'topk(',
  'rate(',
  'on(a)',
  'sum by (a) (',
  'avg(x) by (b)',
];

/** Lexer-level soup: single characters and short words, including escapes and non-ASCII. */
const CHARS = [...'{}[]()"\'`=!~,:@+-*/^<>%.# \n\t'].concat([
  'a',
  'b',
  'x',
  '1',
  '0',
  '5',
  'm',
  's',
  'e',
  'h',
  'd',
  'y',
  'w',
  'é',
  '\\',
  '\\n',
  '\\x4',
  'by',
  'on',
  'sum',
  'inf',
  'offset',
  'foo',
  '5m',
  '0x',
  'bool',
  'le',
  'rate',
]);

async function randomDifferential(
  t: TestContext,
  gen: (rnd: () => number) => string,
  seed0: number,
): Promise<void> {
  if (peer('prometheus', t) === null) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1m\n');
  t.after(() => real.stop());
  let seed = seed0;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const mismatches: string[] = [];
  let valid = 0;
  const N = 1500;
  for (let i = 0; i < N; i++) {
    const q = gen(rnd);
    const res = await fetch(`${real.url}/api/v1/query?query=${encodeURIComponent(q)}&time=1000`);
    const body = (await res.json()) as { status: string; error?: string };
    const prefix = 'invalid parameter "query": ';
    let want =
      body.status === 'error' && body.error?.startsWith(prefix)
        ? body.error.slice(prefix.length)
        : 'OK';
    want = want.replace('<Item 57385>', '<Item 57398>'); // '@' token number, see KNOWN_2_42_DIFFERENCES
    if (want === 'OK') valid++;
    let got: string;
    try {
      parseExpr(q);
      got = 'OK';
    } catch (e) {
      got = (e as Error).message;
    }
    if (got !== want)
      mismatches.push(
        `${JSON.stringify(q)}: real ${JSON.stringify(want)}, ours ${JSON.stringify(got)}`,
      );
  }
  assert.deepEqual(mismatches, []);
  assert.ok(valid > 50 && valid < N - 500, `a mix of valid (${valid}) and invalid queries`);
}

test('random token sequences get the same verdict and message as the real Prometheus', (t) =>
  randomDifferential(
    t,
    (rnd) => {
      const parts: string[] = [];
      const n = 1 + Math.floor(rnd() * 7);
      for (let j = 0; j < n; j++) parts.push(VOCAB[Math.floor(rnd() * VOCAB.length)]!);
      return parts.join(rnd() < 0.7 ? ' ' : '');
    },
    20231208,
  ));

test('random character sequences get the same verdict and message as the real Prometheus', (t) =>
  randomDifferential(
    t,
    (rnd) => {
      let q = '';
      const n = 1 + Math.floor(rnd() * 12);
      for (let j = 0; j < n; j++) q += CHARS[Math.floor(rnd() * CHARS.length)]!;
      return q;
    },
    77,
  ));

/** Pieces that glue into valid expressions often, for the printer's random test. */
const PRINT_VOCAB = [
  'a',
  'b{x="1"}',
  '+',
  'on(l)',
  'ignoring(l)',
  '(',
  ')',
  'group_left',
  'group_left(m)',
  'bool',
  '==',
  'and',
  'or',
  '1',
  '2.5',
  'sum',
  'sum by (l)',
  'without (l)',
  '-',
  '^',
  '*',
  '/',
  'offset 5m',
  'offset -1h',
  '@ 100',
  '@ start()',
  '[5m]',
  '[1h:5m]',
  '[30m:]',
  'rate',
  'topk(2,',
  'count_values("c",',
  'quantile(0.5,',
  ',',
  'time()',
  'abs',
  'round',
  '"s"',
  '0x1f',
  '1e9',
  'Inf',
  'NaN',
  '> bool',
  'unless',
  'atan2',
  'foo{__name__=~"x.*",a!~"b"}',
  'label_replace(a,"d","$1","s","(.*)")',
  'histogram_quantile(0.9,',
  'clamp(',
  'vector(1)',
  'scalar(a)',
];

test('random valid expressions print as the real /api/v1/format_query prints them', async (t) => {
  if (peer('prometheus', t) === null) return;
  const real = await startRealPrometheus('global:\n  scrape_interval: 1m\n');
  t.after(() => real.stop());
  let seed = 5;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const mismatches: string[] = [];
  let count = 0;
  while (count < 600) {
    const parts: string[] = [];
    const n = 1 + Math.floor(rnd() * 12);
    for (let j = 0; j < n; j++) parts.push(PRINT_VOCAB[Math.floor(rnd() * PRINT_VOCAB.length)]!);
    const q = parts.join(' ');
    let ours: string;
    try {
      ours = prettify(parseExpr(q));
    } catch {
      continue;
    }
    count++;
    const res = await fetch(`${real.url}/api/v1/format_query?query=${encodeURIComponent(q)}`);
    const body = (await res.json()) as { status: string; data?: string; error?: string };
    if (body.data !== ours)
      mismatches.push(
        `${JSON.stringify(q)}: real ${JSON.stringify(body.data ?? body.error)}, ours ${JSON.stringify(ours)}`,
      );
  }
  assert.deepEqual(mismatches, []);
});
