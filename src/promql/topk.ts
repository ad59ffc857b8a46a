// topk and bottomk's selection of k series.
/**
 * topk/bottomk exactly as Prometheus selects: a binary heap of k (Go's container/heap moves),
 * where an element equal to the heap's top does not replace it, then the heap sorted for output
 * (Go sorts small slices by insertion, so ties keep their heap order).
 */
export function selectK(
  members: readonly number[],
  val: (s: number) => number,
  k: number,
  top: boolean,
): number[] {
  // less(a, b): a is "smaller" for the heap; NaN is always smallest, so it goes first.
  const less = (a: number, b: number): boolean => {
    const x = val(a);
    if (Number.isNaN(x)) return true;
    return top ? x < val(b) : x > val(b);
  };
  const h: number[] = [];
  const up = (j: number): void => {
    while (j > 0) {
      const i = (j - 1) >> 1;
      if (!less(h[j]!, h[i]!)) break;
      [h[i], h[j]] = [h[j]!, h[i]!];
      j = i;
    }
  };
  const down = (i0: number): boolean => {
    let i = i0;
    const n = h.length;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
      if (!less(h[j]!, h[i]!)) break;
      [h[i], h[j]] = [h[j]!, h[i]!];
      i = j;
    }
    return i > i0;
  };
  for (const s of members) {
    if (h.length < k) {
      h.push(s);
      up(h.length - 1);
      continue;
    }
    const x = val(s);
    const topV = val(h[0]!);
    const replace = top
      ? topV < x || (Number.isNaN(topV) && !Number.isNaN(x))
      : topV > x || (Number.isNaN(topV) && !Number.isNaN(x));
    if (replace) {
      h[0] = s;
      if (k > 1 && !down(0)) up(0);
    }
  }
  // sort.Sort(sort.Reverse(heap)): largest-first for topk, smallest-first for bottomk.
  for (let i = 1; i < h.length; i++) {
    for (let j = i; j > 0 && less(h[j - 1]!, h[j]!); j--) [h[j], h[j - 1]] = [h[j - 1]!, h[j]!];
  }
  return h;
}
