// What promtool's tsdb commands share with the sub-commands loaded on demand (create-blocks-from
// openmetrics and rules, bench write): block sizing, and one block window's samples held
// compactly until written.
import { Labels, compareLabels } from '../../model/labels/index.js';
import {
  encodeChunksLikeHead,
  writeBlock,
  type BlockMeta,
  type SeriesChunks,
} from '../../tsdb/index.js';

const HOUR = 3600_000;

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
 * A copy of `s` that does not keep the string it was sliced from alive: V8 slices point into
 * their parent, and a series' text kept as a key would otherwise hold a whole megabyte of input.
 */
export function detached(s: string): string {
  return (' ' + s).slice(1);
}

/** One series' samples in growable typed arrays: 16 bytes a sample, no object per sample. */
class SeriesSamples {
  ts = new Float64Array(16);
  vs = new Float64Array(16);
  n = 0;
  constructor(readonly labels: Labels) {}

  push(t: number, v: number): void {
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
  }
}

/**
 * The samples of one block to be written, by series, appended as Prometheus's BlockWriter takes
 * them: in time order per series, a repeated timestamp only with the same value. Series are
 * found by a caller's key (the label set's key, or the raw series text of an exposition line),
 * so a known series costs a map lookup, not a parse.
 */
export class BlockSamples {
  /** By the label set's key: one entry per series, however its text was spelled. */
  private readonly series = new Map<string, SeriesSamples>();
  /** By the caller's key (raw series text), pointing into `series`. */
  private readonly byKey = new Map<string, SeriesSamples>();

  /** `context` prefixes the error, as the caller's Go code wraps it. */
  add(labels: Labels, t: number, v: number, context: string): void {
    this.addByKey(labels.key(), () => labels, t, v, context);
  }

  /** As add, with the series found by `key`; `labels()` is called only for a key not seen yet. */
  addByKey(key: string, labels: () => Labels, t: number, v: number, context: string): void {
    let e = this.byKey.get(key);
    if (e === undefined) {
      const ls = labels();
      const canonical = ls.key();
      e = this.series.get(canonical);
      if (e === undefined) this.series.set(canonical, (e = new SeriesSamples(ls)));
      this.byKey.set(detached(key), e);
    }
    if (e.n > 0) {
      const last = e.ts[e.n - 1]!;
      if (t <= last) {
        if (t < last) throw new Error(`${context}: out of order sample`);
        if (!Object.is(e.vs[e.n - 1], v))
          throw new Error(`${context}: duplicate sample for timestamp`);
        return;
      }
    }
    e.push(t, v);
  }

  /** Writes the block (chunks cut as the head cuts them for chunkRange); null when it has no samples. */
  write(outDir: string, chunkRange: number): BlockMeta | null {
    const series: SeriesChunks[] = [];
    let mint = Number.MAX_SAFE_INTEGER;
    let maxt = Number.MIN_SAFE_INTEGER;
    for (const e of this.series.values()) {
      if (e.n === 0) continue;
      series.push({ labels: e.labels, chunks: encodeChunksLikeHead(e.ts, e.vs, e.n, chunkRange) });
      mint = Math.min(mint, e.ts[0]!);
      maxt = Math.max(maxt, e.ts[e.n - 1]!);
    }
    if (series.length === 0) return null;
    series.sort((a, b) => compareLabels(a.labels, b.labels));
    return writeBlock(outDir, series, mint, maxt + 1, null);
  }
}
