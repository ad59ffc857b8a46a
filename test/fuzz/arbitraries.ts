// Building blocks of near-valid inputs: a valid structure, then (sometimes) a few small edits,
// so most cases reach deep into a module and some hit its error paths.
import fc from 'fast-check';
import { bytes } from './target.js';

const PUNCT = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '"',
  "'",
  '`',
  '\\',
  ',',
  ':',
  ';',
  '=',
  '~',
  '!',
  '#',
  ' ',
  '\n',
  '\t',
  '-',
  '+',
  '.',
  '$',
  '@',
  '\u0000',
  'é',
  '\uFFFD',
];

/** A text with 0–3 edits: a character deleted, duplicated, or replaced/inserted by punctuation. */
export function nearValidText(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('del', 'dup', 'ins', 'rep'),
    ch: fc.constantFrom(...PUNCT),
  });
  return fc
    .tuple(
      valid,
      fc.oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        { weight: 2, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }) },
      ),
    )
    .map(([s, edits]) => {
      for (const e of edits) {
        if (s.length === 0) return e.ch;
        const i = e.at % s.length;
        if (e.op === 'del') s = s.slice(0, i) + s.slice(i + 1);
        else if (e.op === 'dup') s = s.slice(0, i + 1) + s.slice(i);
        else if (e.op === 'ins') s = s.slice(0, i) + e.ch + s.slice(i);
        else s = s.slice(0, i) + e.ch + s.slice(i + 1);
      }
      return s;
    });
}

/** Bytes with 0–4 edits: a bit flipped, a byte set to an edge value, a byte cut or inserted, or a tail cut. */
export function nearValidBytes(valid: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  const edit = fc.record({
    at: fc.nat(),
    op: fc.constantFrom('flip', 'set', 'del', 'ins', 'cut'),
    v: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x08, 0x10),
  });
  return fc
    .tuple(
      valid,
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        { weight: 3, arbitrary: fc.array(edit, { minLength: 1, maxLength: 4 }) },
      ),
    )
    .map(([b, edits]) => {
      let a = Array.from(b);
      for (const e of edits) {
        if (a.length === 0) {
          a = [e.v];
          continue;
        }
        const i = e.at % a.length;
        if (e.op === 'flip') a[i] = a[i]! ^ (1 << (e.at % 8));
        else if (e.op === 'set') a[i] = e.v;
        else if (e.op === 'del') a.splice(i, 1);
        else if (e.op === 'ins') a.splice(i, 0, e.v);
        else a = a.slice(0, i);
      }
      return Uint8Array.from(a);
    });
}

export const asBytes = (a: fc.Arbitrary<string>): fc.Arbitrary<Uint8Array> => a.map(bytes);

export const labelName = fc.oneof(
  fc.constantFrom('job', 'instance', 'le', 'quantile', '__name__', 'a', '_x', 'code', 'method'),
  fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/),
);
export const metricName = fc.oneof(
  fc.constantFrom(
    'up',
    'http_requests_total',
    'node_cpu_seconds_total',
    'a:b:c',
    'x_bucket',
    'x_sum',
    'x_count',
  ),
  fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/),
);
export const labelValue = fc.oneof(
  fc.constantFrom('', 'a', '200', '0.5', '+Inf', 'C:\\DIR', 'line\nbreak', 'quote"d', 'ünï'),
  fc.string({ maxLength: 8 }),
);
/** Numbers as the formats write them. */
export const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '1.5',
    '1e3',
    '-2.5E-3',
    'NaN',
    '+Inf',
    '-Inf',
    'Inf',
    '0x1F',
    '1_000',
    '.5',
    '5.',
    '00012',
    '1e308',
    '1e309',
    '-0',
  ),
  fc.double().map(String),
  fc.integer().map(String),
);
