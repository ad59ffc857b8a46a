// What promtool's tsdb commands share with the sub-commands loaded on demand (create-blocks-from
// rules, bench write): block sizing, the block writer, Go's duration format.
import { compareLabels, type Labels } from '../../model/labels/index.js';
import { encodeChunksLikeHead, writeBlock, type BlockMeta, type SeriesChunks } from '../../tsdb/index.js';

const HOUR = 3600_000;

/** Go's time.Duration.String() for a duration in milliseconds. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let x = Math.abs(ms);
  let out: string;
  if (x < 1000) out = `${x}ms`;
  else {
    const h = Math.floor(x / HOUR);
    x -= h * HOUR;
    const m = Math.floor(x / 60_000);
    x -= m * 60_000;
    const s = Math.floor(x / 1000);
    const frac = x - s * 1000;
    const secs = frac === 0 ? String(s) : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
    out = (h > 0 ? `${h}h${m}m` : m > 0 ? `${m}m` : '') + secs + 's';
  }
  return neg ? '-' + out : out;
}

/** promtool's getCompatibleBlockDuration: 2h, or the largest of 2h·3^i (i < 10) not above maxMs. */
export function compatibleBlockDuration(maxMs: number): number {
  let bd = 2 * HOUR;
  if (maxMs > bd) {
    const ranges = [2 * HOUR];
    for (let i = 1; i < 10; i++) ranges.push(ranges[i - 1]! * 3);
    let idx = ranges.length - 1;
    for (let i = 0; i < ranges.length; i++) {
      if (ranges[i]! > maxMs) {
        idx = i - 1;
        break;
      }
    }
    bd = ranges[idx]!;
  }
  return bd;
}

/**
 * The samples of one block to be written, by series, appended as Prometheus's BlockWriter takes
 * them: in time order per series, a repeated timestamp only with the same value.
 */
export class BlockSamples {
  private readonly series = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();

  /** `context` prefixes the error, as the caller's Go code wraps it. */
  add(labels: Labels, t: number, v: number, context: string): void {
    const k = labels.key();
    let e = this.series.get(k);
    if (!e) this.series.set(k, (e = { labels, ts: [], vs: [] }));
    const last = e.ts[e.ts.length - 1];
    if (last !== undefined && t <= last) {
      if (t < last) throw new Error(`${context}: out of order sample`);
      if (!Object.is(e.vs[e.vs.length - 1], v)) throw new Error(`${context}: duplicate sample for timestamp`);
      return;
    }
    e.ts.push(t);
    e.vs.push(v);
  }

  /** Writes the block (chunks cut as the head cuts them for chunkRange); null when it has no samples. */
  write(outDir: string, chunkRange: number): BlockMeta | null {
    const series: SeriesChunks[] = [];
    let mint = Number.MAX_SAFE_INTEGER;
    let maxt = Number.MIN_SAFE_INTEGER;
    for (const e of this.series.values()) {
      if (e.ts.length === 0) continue;
      series.push({ labels: e.labels, chunks: encodeChunksLikeHead(Float64Array.from(e.ts), Float64Array.from(e.vs), e.ts.length, chunkRange) });
      mint = Math.min(mint, e.ts[0]!);
      maxt = Math.max(maxt, e.ts[e.ts.length - 1]!);
    }
    if (series.length === 0) return null;
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return writeBlock(outDir, series, mint, maxt + 1, null);
  }
}
