// histogram_quantile over classic (le-bucketed) histograms.
export interface Bucket {
  upper: number;
  count: number;
}

/** The quantile of a classic histogram's cumulative buckets (Prometheus's bucketQuantile). */
/** What bucketQuantile reports beside the value: whether it evened out decreasing counts. */
export interface QuantileNotes {
  monotonicityForced: boolean;
}

export function bucketQuantile(q: number, buckets: Bucket[], notes: QuantileNotes): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  buckets.sort((a, b) => a.upper - b.upper);
  if (buckets.length === 0 || buckets[buckets.length - 1]!.upper !== Infinity) return NaN;
  // Buckets with the same bound (le="1" and le="1.0") are merged.
  const merged: Bucket[] = [];
  for (const b of buckets) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.upper === b.upper) last.count += b.count;
    else merged.push({ upper: b.upper, count: b.count });
  }
  // Counts must not decrease with the bound; scraping races can make them, so they are evened.
  let max = merged[0]!.count;
  for (let i = 1; i < merged.length; i++) {
    const b = merged[i]!;
    if (b.count > max) max = b.count;
    else if (b.count < max) {
      b.count = max;
      notes.monotonicityForced = true;
    }
  }
  if (merged.length < 2) return NaN;
  const observations = merged[merged.length - 1]!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  let b = 0;
  while (b < merged.length - 1 && !(merged[b]!.count >= rank)) b++;
  if (b === merged.length - 1) return merged[merged.length - 2]!.upper;
  if (b === 0 && merged[0]!.upper <= 0) return merged[0]!.upper;
  let bucketStart = 0;
  const bucketEnd = merged[b]!.upper;
  let count = merged[b]!.count;
  if (b > 0) {
    bucketStart = merged[b - 1]!.upper;
    count -= merged[b - 1]!.count;
    rank -= merged[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
