// Postings: sorted lists of series refs, and the matcher → postings logic shared by the head and
// persisted blocks, with Prometheus's semantics (a matcher that accepts '' also selects series
// without the label; `=~"a|b"` is looked up value by value instead of scanning every value).
import { MatchType, type Matcher } from '../../model/labels/index.js';

export type PostingsList = ArrayLike<number>;

/** What a head or a block index offers for matcher lookups. */
export interface PostingsSource {
  /** Sorted refs of series with name=value (empty when none). */
  postings(name: string, value: string): PostingsList;
  /** Sorted distinct values of a label (no empty string). */
  labelValuesFor(name: string): readonly string[];
  /** Sorted refs of every series. */
  allPostings(): PostingsList;
}

export function intersect(a: PostingsList, b: PostingsList): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out;
}

export function subtract(a: PostingsList, b: PostingsList): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out.push(x);
  }
  return out;
}

export function union(lists: PostingsList[]): PostingsList {
  if (lists.length === 0) return [];
  if (lists.length === 1) return lists[0]!;
  let n = 0;
  for (const l of lists) n += l.length;
  const all = new Float64Array(n);
  let k = 0;
  for (const l of lists) for (let i = 0; i < l.length; i++) all[k++] = l[i]!;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]!);
  return out;
}

/** Union of the postings of every value of `m.name` that `accept` says yes to. */
function postingsForValues(src: PostingsSource, m: Matcher, accept: boolean): PostingsList {
  if (m.type === MatchType.Equal && accept) return src.postings(m.name, m.value);
  if (m.type === MatchType.NotEqual && !accept) return src.postings(m.name, m.value);
  if (m.re !== null && (m.type === MatchType.Regexp) === accept) {
    const set = m.re.setMatches();
    if (set !== null) return union(set.filter((v) => v !== '').map((v) => src.postings(m.name, v)));
  }
  const lists: PostingsList[] = [];
  for (const v of src.labelValuesFor(m.name))
    if (m.matches(v) === accept) lists.push(src.postings(m.name, v));
  return union(lists);
}

/** Sorted refs of series that every matcher accepts. */
export function postingsForMatchers(
  src: PostingsSource,
  matchers: readonly Matcher[],
): PostingsList {
  if (matchers.length === 0) return src.allPostings();
  const positive: PostingsList[] = [];
  const negative: PostingsList[] = [];
  for (const m of matchers) {
    if (m.matchesEmpty()) {
      // Series lacking the label match; drop only those whose value the matcher rejects.
      negative.push(postingsForValues(src, m, false));
    } else {
      positive.push(postingsForValues(src, m, true));
    }
  }
  let res: PostingsList;
  if (positive.length === 0) res = src.allPostings();
  else {
    positive.sort((a, b) => a.length - b.length);
    res = positive[0]!;
    for (let i = 1; i < positive.length && res.length > 0; i++) res = intersect(res, positive[i]!);
  }
  for (const n of negative) if (n.length > 0 && res.length > 0) res = subtract(res, n);
  return res;
}
