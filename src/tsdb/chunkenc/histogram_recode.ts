// Bucket layouts growing within a chunk: a histogram whose spans cover every bucket of the
// chunk's layout (and more) is taken by re-coding the chunk's samples with the wider layout, the
// new buckets empty. Layouts are compared as sets of bucket indexes, so two span lists that name
// the same buckets differently are the same layout.
import type { Span } from '../../model/histogram/index.js';

function indexes(spans: readonly Span[]): number[] {
  const out: number[] = [];
  let idx = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) out.push(idx++);
  }
  return out;
}

/** null: some bucket of `from` is missing in `to`; false: the same buckets; true: `to` has more. */
export function expandsTo(from: readonly Span[], to: readonly Span[]): boolean | null {
  const a = indexes(from);
  const b = indexes(to);
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]! < x) j++;
    if (j >= b.length || b[j] !== x) return null;
    j++;
  }
  return b.length > a.length;
}

/** Buckets of layout `from` expressed in the wider layout `to` (deltas or absolute counts), new buckets empty. */
export function widen(
  from: readonly Span[],
  buckets: readonly number[],
  to: readonly Span[],
  deltas: boolean,
): number[] {
  const a = indexes(from);
  const b = indexes(to);
  const abs = new Map<number, number>();
  let c = 0;
  for (let i = 0; i < a.length; i++) {
    c = deltas ? c + buckets[i]! : buckets[i]!;
    abs.set(a[i]!, c);
  }
  const out = new Array<number>(b.length);
  let prev = 0;
  for (let i = 0; i < b.length; i++) {
    const v = abs.get(b[i]!) ?? 0;
    out[i] = deltas ? v - prev : v;
    prev = v;
  }
  return out;
}

/** The spans of every bucket in a or b, as maximal runs (the first offset absolute, as Prometheus merges gauge layouts). */
export function unionSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const set = [...new Set([...indexes(a), ...indexes(b)])].sort((x, y) => x - y);
  const out: Span[] = [];
  let last = 0;
  for (const idx of set) {
    if (out.length > 0 && idx === last + 1) out[out.length - 1]!.length++;
    else out.push({ offset: out.length === 0 ? idx : idx - last - 1, length: 1 });
    last = idx;
  }
  return out;
}

/** Bucket index → absolute count. */
export function absoluteByIndex(
  spans: readonly Span[],
  buckets: readonly number[],
  deltas: boolean,
): Map<number, number> {
  const out = new Map<number, number>();
  let idx = 0;
  let k = 0;
  let c = 0;
  for (const s of spans) {
    idx += s.offset;
    for (let j = 0; j < s.length; j++) {
      c = deltas ? c + buckets[k]! : buckets[k]!;
      k++;
      out.set(idx++, c);
    }
  }
  return out;
}
