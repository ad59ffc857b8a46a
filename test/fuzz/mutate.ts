// The mutation loop's mutators: byte edits for every target, token and line edits for text ones,
// splices between corpus inputs. Seeded, so a run can be repeated.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** xorshift32 */
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return n <= 0 ? 0 : this.u32() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x0a, 0x22, 0x5c, 0x7b, 0x7d, 0x28, 0x29];
const enc = new TextEncoder();
export const MAX_INPUT = 64 * 1024;

export interface MutationContext {
  rng: Rng;
  text: boolean;
  tokens: readonly Uint8Array[];
  pool: readonly Uint8Array[];
}

type Op = (b: number[], c: MutationContext) => void;

const at = (b: number[], c: MutationContext, extra = 0): number => c.rng.below(b.length + extra);

const byteOps: Op[] = [
  (b, c) => {
    if (b.length > 0) b[at(b, c)]! ^= 1 << c.rng.below(8);
  },
  (b, c) => {
    if (b.length > 0) b[at(b, c)] = c.rng.pick(INTERESTING);
  },
  (b, c) =>
    b.splice(at(b, c, 1), 0, ...Array.from({ length: 1 + c.rng.below(4) }, () => c.rng.below(256))),
  (b, c) => b.splice(at(b, c), 1 + c.rng.below(8)),
  (b, c) => {
    const i = at(b, c);
    const n = 1 + c.rng.below(16);
    b.splice(at(b, c, 1), 0, ...b.slice(i, i + n));
  },
  (b, c) => {
    b.length = at(b, c, 1);
  },
  // Splice: a piece of another input from the pool.
  (b, c) => {
    const o = c.rng.pick(c.pool);
    const i = c.rng.below(o.length);
    b.splice(at(b, c, 1), c.rng.below(8), ...o.subarray(i, i + 1 + c.rng.below(64)));
  },
  // A multi-byte value edited in place (lengths, varints, counts).
  (b, c) => {
    if (b.length < 2) return;
    const i = at(b, c);
    const v = c.rng.pick([0, 1, 0xff, 0x7f, 0x80]);
    for (let k = i; k < Math.min(b.length, i + 1 + c.rng.below(8)); k++) b[k] = v;
  },
];

const LINE = 0x0a;
const textOps: Op[] = [
  (b, c) => {
    if (c.tokens.length > 0) b.splice(at(b, c, 1), 0, ...c.rng.pick(c.tokens));
  },
  // A word (a run of letters/digits) replaced by a token.
  (b, c) => {
    if (c.tokens.length === 0 || b.length === 0) return;
    let i = at(b, c);
    const isWord = (x: number | undefined) =>
      x !== undefined &&
      ((x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122) || x === 95);
    while (i > 0 && isWord(b[i - 1])) i--;
    let j = i;
    while (j < b.length && isWord(b[j])) j++;
    b.splice(i, Math.max(1, j - i), ...c.rng.pick(c.tokens));
  },
  // A line duplicated, or two lines swapped.
  (b, c) => {
    const lines = splitLines(b);
    if (lines.length === 0) return;
    const i = c.rng.below(lines.length);
    if (c.rng.below(2) === 0) lines.splice(i, 0, lines[i]!);
    else {
      const j = c.rng.below(lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    b.length = 0;
    lines.forEach((l, k) => {
      if (k > 0) b.push(LINE);
      b.push(...l);
    });
  },
  // A long number: timestamps, counts, durations past what their types hold.
  (b, c) =>
    b.splice(
      at(b, c, 1),
      0,
      ...enc.encode(' ' + '9'.repeat(1 + c.rng.below(40)) + (c.rng.below(2) ? '.5' : '')),
    ),
];

function splitLines(b: number[]): number[][] {
  const out: number[][] = [[]];
  for (const x of b) {
    if (x === LINE) out.push([]);
    else out[out.length - 1]!.push(x);
  }
  return out;
}

/** One to four stacked edits of input. */
export function mutate(input: Uint8Array, c: MutationContext): Uint8Array {
  const b = Array.from(input);
  const n = 1 + c.rng.below(4);
  for (let k = 0; k < n; k++) {
    const ops = c.text && c.rng.below(2) === 0 ? textOps : byteOps;
    c.rng.pick(ops)(b, c);
    if (b.length > MAX_INPUT) b.length = MAX_INPUT;
  }
  return Uint8Array.from(b);
}
