// The PromQL parser (refusal: ParseErrors/ParseErr with positions; property: a parsed expression
// prints to text that parses back to the same text (up to plusInf below), and prettifies) and the engine over a small
// database (refusal: PromQLError of any type but "internal", which is the engine's own word for a
// runtime panic).
import fc from 'fast-check';
import {
  exprToString,
  parseExpr,
  ParseErr,
  ParseErrors,
  prettify,
} from '../../../src/promql/parser/index.js';
import { Engine, PromQLError } from '../../../src/promql/index.js';
import { openDB, type DB } from '../../../src/tsdb/index.js';
import { Labels } from '../../../src/model/labels/index.js';
import { STALE_NAN } from '../../../src/model/value/index.js';
import { asBytes } from '../arbitraries.js';
import { PropertyViolation, text, type Target } from '../target.js';
import { scratchDir } from '../scratch.js';
import { nearValidPromQL, PROMQL_TOKENS } from './promql_grammar.js';

/**
 * Prometheus prints +Inf as "+Inf", which parses back as a unary plus (of a power, in `+Inf ^ x`,
 * since ^ binds tighter): `Inf ^ b` prints as `+Inf ^ b`, then `++Inf ^ b`, ... The same value, and
 * Prometheus's own behaviour (NumberLiteral prints with fmt.Sprint), so those plus signs are not
 * compared.
 */
const plusInf = (s: string): string => s.replace(/\++Inf/g, 'Inf');

const isParseError = (e: unknown): boolean => e instanceof ParseErrors || e instanceof ParseErr;

/** Defect (b) of the brief: deep nesting overflows the parser's and evaluator's stack; helper "limits" fixes it. */
function knownDepth(input: Uint8Array, e: unknown): string | null {
  if (
    !(e instanceof RangeError && /call stack/.test(e.message)) &&
    !(e instanceof PromQLError && /call stack/.test(e.message))
  )
    return null;
  let depth = 0;
  let max = 0;
  for (const c of input) {
    if (c === 0x28 || c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x29 || c === 0x5d || c === 0x7d) depth--;
  }
  return max >= 500 || input.length > 50_000
    ? 'limits: deep nesting overflows the PromQL parser/evaluator stack (brief defect b)'
    : null;
}

export const promqlParser: Target = {
  name: 'promql-parser',
  text: true,
  hangMs: 3000,
  arbitrary: asBytes(nearValidPromQL),
  tokens: PROMQL_TOKENS,
  run(input) {
    const q = text(input);
    const e = parseExpr(q);
    const printed = exprToString(e);
    let again: string;
    try {
      again = exprToString(parseExpr(printed));
    } catch (err) {
      throw new PropertyViolation(
        `printed form ${JSON.stringify(printed)} of ${JSON.stringify(q)} does not parse: ${(err as Error).message}`,
      );
    }
    if (plusInf(again) !== plusInf(printed))
      throw new PropertyViolation(
        `printing is not a fixpoint: ${JSON.stringify(printed)} reprints as ${JSON.stringify(again)}`,
      );
    prettify(e);
  },
  expected: isParseError,
  known: knownDepth,
};

let db: DB | null = null;
const STEP = 15_000;
const POINTS = 80;

/** A few series of each shape the functions care about: counters, a gauge with a stale marker, histogram buckets. */
async function database(): Promise<DB> {
  if (db) return db;
  db = await openDB(scratchDir(`engine-${process.pid}-${Date.now()}`), {}, {});
  const app = db.appender();
  for (let i = 0; i < POINTS; i++) {
    const t = i * STEP;
    for (const job of ['a', 'b']) {
      app.append(
        0,
        Labels.fromStrings('__name__', 'http_requests_total', 'job', job, 'code', '200'),
        t,
        i * 3 + (i > 40 ? -50 : 0),
      );
      app.append(
        0,
        Labels.fromStrings('__name__', 'up', 'job', job, 'instance', `${job}:9090`),
        t,
        i === 30 ? STALE_NAN : 1,
      );
      for (const le of ['0.1', '1', '+Inf'])
        app.append(
          0,
          Labels.fromStrings('__name__', 'x_bucket', 'job', job, 'le', le),
          t,
          i * (le === '0.1' ? 1 : le === '1' ? 2 : 3),
        );
    }
    app.append(0, Labels.fromStrings('__name__', 'a', 'x', 'é'), t, Math.sin(i) * 1e300);
  }
  await app.commit();
  return db;
}

const engine = new Engine({ timeout: 2_000, maxSamples: 200_000, lookbackDelta: 300_000 });

export const promqlEngine: Target = {
  name: 'promql-engine',
  text: true,
  hangMs: 10_000,
  // A leading byte picks instant or range and the time, so the mutator varies both.
  arbitrary: fc
    .tuple(fc.nat(255), asBytes(nearValidPromQL))
    .map(([k, q]) => Uint8Array.from([k, ...q])),
  tokens: PROMQL_TOKENS,
  async run(input) {
    const storage = await database();
    const k = input[0] ?? 0;
    const q = text(input.subarray(1));
    const t = (k % 100) * STEP;
    const query =
      k & 0x80
        ? engine.newRangeQuery(storage, q, t, t + (k % 7) * 10 * STEP, STEP)
        : engine.newInstantQuery(storage, q, t);
    await query.exec();
  },
  expected: (e) => e instanceof PromQLError && e.errorType !== 'internal',
  known: knownDepth,
};
