// Compaction: head ranges and groups of blocks become new blocks. Merging series from several
// blocks keeps chunks as they are unless they overlap or carry deletions, in which case the
// samples are decoded, deduplicated and re-encoded. Also the leveled planner (ranges ×3).
import { Labels, compareLabels } from '../model/labels/index.js';
import { ValueType } from '../storage/index.js';
import { Block, writeBlock, type BlockMeta, type SeriesChunks } from './block.js';
import { CounterResetHint, type FloatHistogram, type Histogram } from '../model/histogram/index.js';
import {
  CounterResetHeader,
  ENC_FLOAT_HISTOGRAM,
  ENC_HISTOGRAM,
  ENC_XOR,
  FloatHistogramAppender,
  HistogramAppender,
  HistogramChunkAppender,
  SAMPLES_PER_CHUNK,
  XORAppender,
  xorNumSamples,
} from './chunkenc/index.js';
import {
  ChunksIterator,
  decodeMixed,
  sortedUnique,
  type ChunkData,
  type Interval,
  type MixedSample,
} from './series.js';

/** Re-encodes samples into chunks of up to 120 samples. */
export function encodeChunks(
  ts: ArrayLike<number>,
  vs: ArrayLike<number>,
  n = ts.length,
): ChunkData[] {
  const out: ChunkData[] = [];
  for (let i = 0; i < n; i += SAMPLES_PER_CHUNK) {
    const a = new XORAppender(256);
    const end = Math.min(n, i + SAMPLES_PER_CHUNK);
    for (let j = i; j < end; j++) a.append(ts[j]!, vs[j]!);
    out.push({ mint: ts[i]!, maxt: ts[end - 1]!, enc: ENC_XOR, data: a.bytes() });
  }
  return out;
}

function needsRewrite(
  chunks: ChunkData[],
  ivs: readonly Interval[],
  mint: number,
  maxt: number,
): boolean {
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.num !== undefined || c.mint < mint || c.maxt >= maxt) return true;
    if (i > 0 && c.mint <= chunks[i - 1]!.maxt) return true;
    for (const iv of ivs) if (iv.mint <= c.maxt && iv.maxt >= c.mint) return true;
  }
  return false;
}

/**
 * The series' chunks clipped to [mint, maxt), deletions applied; re-encoded only when needed.
 * Chunks of an encoding this server cannot re-encode go through byte for byte, whatever the
 * rest needs: deletions over them are not applied rather than their data lost.
 */
export function finalizeChunks(
  parts: { chunks: ChunkData[]; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): ChunkData[] {
  let kept: ChunkData[] | null = null;
  let histograms = false;
  for (const p of parts) {
    for (const c of p.chunks) {
      if (c.enc === ENC_HISTOGRAM || c.enc === ENC_FLOAT_HISTOGRAM) histograms = true;
      else if (c.enc !== ENC_XOR) (kept ??= []).push(c);
    }
  }
  if (kept === null && !histograms) return finalizeFloatChunks(parts, mint, maxt);
  const known =
    kept === null
      ? parts
      : parts.map((p) => ({
          chunks: p.chunks.filter((c) => c.enc <= ENC_FLOAT_HISTOGRAM && c.enc !== 0),
          ivs: p.ivs,
        }));
  const out = histograms
    ? finalizeMixedChunks(known, mint, maxt)
    : finalizeFloatChunks(known, mint, maxt);
  return kept === null ? out : out.concat(kept).sort((a, b) => a.mint - b.mint);
}

/** As finalizeFloatChunks, for a series with histogram chunks: samples of every kind decoded, merged and re-encoded (see encodeMixed). */
function finalizeMixedChunks(
  parts: { chunks: ChunkData[]; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): ChunkData[] {
  const all = parts.flatMap((p) => p.chunks.map((c) => ({ c, ivs: p.ivs })));
  all.sort((a, b) => a.c.mint - b.c.mint);
  const cs = all.map((x) => x.c);
  // An open head histogram chunk's bytes are whole as they are (their count is written with each
  // sample): as Prometheus, they go into the block unchanged unless something else asks for a rewrite.
  const judged = cs.map((c) =>
    c.num !== undefined && c.enc !== ENC_XOR ? { ...c, num: undefined } : c,
  );
  if (
    !needsRewrite(
      judged,
      parts.length === 1 ? parts[0]!.ivs : parts.flatMap((p) => p.ivs),
      mint,
      maxt,
    )
  )
    return cs.map((c) =>
      c.num === undefined ? c : { mint: c.mint, maxt: c.maxt, enc: c.enc, data: c.data },
    );
  return encodeMixed(decodeMixed(all, mint, maxt - 1));
}

/**
 * Encodes samples of any kinds into chunks, as Prometheus's compaction re-encodes a merged series:
 * a new chunk at a change of kind, every 120 samples, and where a histogram cannot join the
 * chunk (other schema, counter reset — flagged in the header); a wider bucket layout re-codes
 * the chunk. NaN payloads survive (values go through Float64Arrays and XOR bits).
 */
/** One histogram chunk from samples[i] on: up to where a sample of another kind or one that cannot join starts (reset: it was a counter reset). */
function histogramRun<H extends Histogram | FloatHistogram>(
  samples: MixedSample[],
  i: number,
  pick: (s: MixedSample) => H | null,
  first: HistogramChunkAppender<H>,
  reset: boolean,
): { end: number; data: Uint8Array; reset: boolean } {
  let a = first;
  const h0 = pick(samples[i]!)!;
  a.append(samples[i]!.t, h0);
  if (h0.counterResetHint === CounterResetHint.Gauge) a.setHeader(CounterResetHeader.Gauge);
  else if (reset || h0.counterResetHint === CounterResetHint.CounterReset)
    a.setHeader(CounterResetHeader.CounterReset);
  let j = i + 1;
  let next = false;
  for (; j < samples.length && a.num < SAMPLES_PER_CHUNK; j++) {
    let h = pick(samples[j]!);
    if (h === null) break;
    if (h.counterResetHint === CounterResetHint.Gauge && a.header() === CounterResetHeader.Gauge)
      h = a.gaugeAligned(h);
    const k = a.appendable(h);
    if (k === 'widen') a = a.widenedFor(h);
    else if (k !== 'ok') {
      next = k === 'reset';
      break;
    }
    a.append(samples[j]!.t, h);
  }
  return { end: j, data: a.bytes(), reset: next };
}

function encodeMixed(samples: MixedSample[]): ChunkData[] {
  const out: ChunkData[] = [];
  let i = 0;
  /** The previous chunk ended at a counter reset: the next one says so in its header. */
  let reset = false;
  while (i < samples.length) {
    const s0 = samples[i]!;
    let j = i;
    let next = false;
    if (s0.h === null && s0.fh === null) {
      const a = new XORAppender(256);
      while (
        j < samples.length &&
        samples[j]!.h === null &&
        samples[j]!.fh === null &&
        a.num < SAMPLES_PER_CHUNK
      )
        a.append(samples[j]!.t, samples[j++]!.f);
      out.push({ mint: s0.t, maxt: samples[j - 1]!.t, enc: ENC_XOR, data: a.bytes() });
    } else {
      const r: { end: number; data: Uint8Array; reset: boolean } =
        s0.h !== null
          ? histogramRun(samples, i, (x) => x.h, new HistogramAppender(), reset)
          : histogramRun(samples, i, (x) => x.fh, new FloatHistogramAppender(), reset);
      out.push({
        mint: s0.t,
        maxt: samples[r.end - 1]!.t,
        enc: s0.h !== null ? ENC_HISTOGRAM : ENC_FLOAT_HISTOGRAM,
        data: r.data,
      });
      j = r.end;
      next = r.reset;
    }
    reset = next;
    i = j;
  }
  return out;
}

function finalizeFloatChunks(
  parts: { chunks: ChunkData[]; ivs: readonly Interval[] }[],
  mint: number,
  maxt: number,
): ChunkData[] {
  const all = parts.flatMap((p) => p.chunks.map((c) => ({ c, ivs: p.ivs })));
  all.sort((a, b) => a.c.mint - b.c.mint);
  const cs = all.map((x) => x.c);
  if (parts.length === 1 && !needsRewrite(cs, parts[0]!.ivs, mint, maxt)) return cs;
  if (
    parts.length > 1 &&
    parts.every((p) => p.ivs.length === 0) &&
    !needsRewrite(cs, [], mint, maxt)
  )
    return cs;
  // Float64Arrays, not number[]: V8 canonicalizes NaNs stored in double arrays, which would
  // turn staleness markers into ordinary NaNs.
  let cap = 0;
  for (const c of cs) cap += c.num ?? xorNumSamples(c.data);
  const ts = new Float64Array(cap);
  const vs = new Float64Array(cap);
  let k = 0;
  for (const x of all) {
    const it = new ChunksIterator([x.c], mint, maxt - 1, x.ivs);
    while (it.next() !== ValueType.None) {
      ts[k] = it.atT();
      vs[k++] = it.atF();
    }
    const e = it.err();
    if (e) throw e;
  }
  const [ot, ov] = sortedUnique(ts, vs, k);
  return encodeChunks(ot, ov, ot.length);
}

/** Merges blocks (which may overlap) into one new block in parent; returns its meta. */
export function compactBlockDirs(parent: string, dirs: string[], ulid?: string): BlockMeta {
  const blocks = dirs.map((d) => new Block(d));
  try {
    const mint = Math.min(...blocks.map((b) => b.minTime));
    const maxt = Math.max(...blocks.map((b) => b.maxTime));
    const iters = blocks.map((b) => ({
      b,
      it: b.allSeries(),
      cur: null as (SeriesChunks & { ref: number }) | null,
    }));
    for (const x of iters) x.cur = x.it.next().value ?? null;
    function* merged(): Generator<SeriesChunks> {
      for (;;) {
        let min: Labels | null = null;
        for (const x of iters)
          if (x.cur && (min === null || compareLabels(x.cur.labels, min) < 0)) min = x.cur.labels;
        if (min === null) return;
        const parts: { chunks: ChunkData[]; ivs: readonly Interval[] }[] = [];
        for (const x of iters) {
          if (x.cur && compareLabels(x.cur.labels, min) === 0) {
            parts.push({ chunks: x.cur.chunks, ivs: x.b.tombstones.get(x.cur.ref) ?? [] });
            x.cur = x.it.next().value ?? null;
          }
        }
        const chunks = finalizeChunks(parts, mint, maxt);
        if (chunks.length > 0) yield { labels: min, chunks };
      }
    }
    const sources = [...new Set(blocks.flatMap((b) => b.meta.compaction.sources))].sort();
    const level =
      Math.max(...blocks.map((b) => b.meta.compaction.level)) + (blocks.length > 1 ? 1 : 0);
    return writeBlock(
      parent,
      merged(),
      mint,
      maxt,
      {
        level,
        sources,
        parents: blocks.map((b) => ({ ulid: b.ulid, minTime: b.minTime, maxTime: b.maxTime })),
      },
      ulid,
    );
  } finally {
    for (const b of blocks) void b.close();
  }
}

/** Block ranges for the leveled planner: min, ×3, … up to max. */
export function exponentialRanges(min: number, max: number): number[] {
  const out = [min];
  for (let r = min * 3; r <= max; r *= 3) out.push(r);
  return out;
}

interface PlanBlock {
  dir: string;
  minTime: number;
  maxTime: number;
}

/** Picks one group of block dirs to compact next, or [] when nothing is due. */
export function plan(blocks: PlanBlock[], ranges: number[]): string[] {
  const sorted = [...blocks].sort((a, b) => a.minTime - b.minTime);
  // Overlapping blocks first (vertical compaction).
  for (let i = 1; i < sorted.length; i++) {
    const group = [sorted[i - 1]!];
    let gmax = sorted[i - 1]!.maxTime;
    let j = i;
    while (j < sorted.length && sorted[j]!.minTime < gmax) {
      group.push(sorted[j]!);
      gmax = Math.max(gmax, sorted[j]!.maxTime);
      j++;
    }
    if (group.length > 1) return group.map((b) => b.dir);
  }
  if (sorted.length < 2) return [];
  // Leave the newest block alone: it was just cut from the head.
  const cand = sorted.slice(0, -1);
  // A group is due when it fills its range, or lies wholly before the newest candidate.
  const highTime = cand[cand.length - 1]!.minTime;
  for (const r of ranges.slice(1)) {
    const groups = new Map<number, PlanBlock[]>();
    for (const b of cand) {
      const start = Math.floor(b.minTime / r) * r;
      if (b.maxTime > start + r) continue; // spans beyond this range already
      const g = groups.get(start);
      if (g) g.push(b);
      else groups.set(start, [b]);
    }
    for (const [, g] of [...groups].sort((a, b) => a[0] - b[0])) {
      if (g.length < 2) continue;
      const full = g[g.length - 1]!.maxTime - g[0]!.minTime === r;
      if (full || g[g.length - 1]!.maxTime <= highTime) return g.map((b) => b.dir);
    }
  }
  return [];
}
