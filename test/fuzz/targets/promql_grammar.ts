// A grammar-aware PromQL generator of moderate depth (deep nesting is the "limits" helper's), its
// leaves and operators drawn from what the language has, typed loosely on purpose so that many
// cases are well-formed but ill-typed and reach the checker's errors.
import fc from 'fast-check';
import { FUNCTIONS } from '../../../src/promql/parser/index.js';
import { labelName, metricName, nearValidText } from '../arbitraries.js';

const duration = fc.oneof(
  fc.constantFrom('1s', '5m', '1h', '30s', '1d', '1w', '1y', '1h30m', '0s', '1ms', '100ms', '5m1s'),
  fc.integer({ min: 1, max: 999 }).map((n) => `${n}m`),
);
const matcher = fc
  .tuple(
    labelName,
    fc.constantFrom('=', '!=', '=~', '!~'),
    fc.constantFrom(
      '""',
      '"a"',
      '".*"',
      '".+"',
      '"a|b"',
      '"5.."',
      '"("',
      '"\\\\d"',
      "'x'",
      '`raw`',
    ),
  )
  .map(([n, o, v]) => `${n}${o}${v}`);
const selector = fc.oneof(
  fc
    .tuple(metricName, fc.array(matcher, { maxLength: 3 }))
    .map(([m, ms]) => (ms.length > 0 ? `${m}{${ms.join(', ')}}` : m)),
  fc.array(matcher, { minLength: 1, maxLength: 2 }).map((ms) => `{${ms.join(',')}}`),
);
const modifiers = fc
  .tuple(
    fc.option(
      duration.map((d) => ` offset ${d}`),
      { nil: '' },
    ),
    fc.option(fc.constantFrom(' @ 100', ' @ start()', ' @ end()', ' @ -1.5', ' @ 1e3'), {
      nil: '',
    }),
  )
  .map(([o, a]) => o + a);
const number = fc.oneof(
  fc.constantFrom('1', '0', '-1', '0.5', '1e3', '0x1f', 'Inf', '-Inf', 'NaN', '1_000', '.5', '+2'),
  fc.double({ noNaN: true }).map(String),
);
const string = fc.constantFrom('"a"', "'b'", '`c`', '"\\n"', '"\\u00e9"', '""');

const AGGS = [
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'stddev',
  'stdvar',
  'group',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
];
const PARAM_AGGS = new Set(['topk', 'bottomk', 'quantile', 'count_values']);
const BINOPS = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '!=',
  '>',
  '<',
  '>=',
  '<=',
  'and',
  'or',
  'unless',
  'atan2',
];
const FNS = Object.keys(FUNCTIONS);

const grouping = fc.option(
  fc
    .tuple(fc.constantFrom('by', 'without'), fc.array(labelName, { maxLength: 3 }))
    .map(([k, ls]) => ` ${k} (${ls.join(', ')})`),
  { nil: '' },
);
const matching = fc.option(
  fc
    .tuple(
      fc.constantFrom('on', 'ignoring'),
      fc.array(labelName, { maxLength: 2 }),
      fc.option(
        fc
          .tuple(
            fc.constantFrom('group_left', 'group_right'),
            fc.array(labelName, { maxLength: 2 }),
          )
          .map(([g, ls]) => ` ${g}(${ls.join(',')})`),
        { nil: '' },
      ),
    )
    .map(([k, ls, g]) => ` ${k}(${ls.join(',')})${g}`),
  { nil: '' },
);

/** Expressions up to a depth of about five. */
export const promqlExpr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 5, withCrossShrink: true },
    { weight: 4, arbitrary: fc.tuple(selector, modifiers).map(([s, m]) => s + m) },
    {
      weight: 2,
      arbitrary: fc.tuple(selector, duration, modifiers).map(([s, d, m]) => `${s}[${d}]${m}`),
    },
    { weight: 2, arbitrary: number },
    { weight: 1, arbitrary: string },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...FNS), fc.array(tie('expr'), { maxLength: 3 }))
        .map(([f, as]) => `${f}(${as.join(', ')})`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...FNS), selector, duration)
        .map(([f, s, d]) => `${f}(${s}[${d}])`),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...AGGS), grouping, fc.boolean(), tie('expr'), number)
        .map(([a, g, before, e, p]) => {
          const args = PARAM_AGGS.has(a) ? (a === 'count_values' ? `"v", ${e}` : `${p}, ${e}`) : e;
          return before ? `${a}${g} (${args})` : `${a}(${args})${g}`;
        }),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(tie('expr'), fc.constantFrom(...BINOPS), fc.boolean(), matching, tie('expr'))
        .map(([l, o, b, m, r]) => `${l} ${o}${b ? ' bool' : ''}${m} ${r}`),
    },
    { weight: 1, arbitrary: tie('expr').map((e) => `(${e})`) },
    { weight: 1, arbitrary: tie('expr').map((e) => `-${e}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('expr'), duration, fc.option(duration, { nil: '' }), modifiers)
        .map(([e, r, s, m]) => `(${e})[${r}:${s}]${m}`),
    },
  ),
})).expr;

export const nearValidPromQL = nearValidText(promqlExpr);

export const PROMQL_TOKENS = [
  ...AGGS,
  ...BINOPS,
  ...FNS.slice(0, 20),
  ' by (',
  ' without (',
  ' on(',
  ' ignoring(',
  ' group_left',
  ' bool ',
  ' offset 5m',
  ' @ start()',
  '[5m]',
  '[1h:1m]',
  '{a="b"}',
  '=~',
  '!~',
  '(',
  ')',
  '{',
  '}',
  '[',
  ']',
  ',',
  '"',
  '`',
  '#',
  '\n',
  '1e400',
  '0x',
  'Inf',
  'NaN',
  'time()',
  'vector(1)',
];
