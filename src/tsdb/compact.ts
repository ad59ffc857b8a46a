// Compaction: head ranges and groups of blocks become new blocks. Merging series from several
// blocks keeps chunks as they are unless they overlap or carry deletions, in which case the
// samples are decoded, deduplicated and re-encoded. Also the leveled planner (ranges ×3).
import { Labels, compareLabels } from '../model/labels/index.js';
import { ValueType } from '../storage/index.js';
import { Block, writeBlock, type BlockMeta, type SeriesChunks } from './block.js';
import { SAMPLES_PER_CHUNK, XORAppender, xorNumSamples } from './chunkenc/index.js';
import { ChunksIterator, sortedUnique, type ChunkData, type Interval } from './series.js';

/** Re-encodes samples into chunks of up to 120 samples. */
export function encodeChunks(ts: ArrayLike<number>, vs: ArrayLike<number>, n = ts.length): ChunkData[] {
  const out: ChunkData[] = [];
  for (let i = 0; i < n; i += SAMPLES_PER_CHUNK) {
    const a = new XORAppender(256);
    const end = Math.min(n, i + SAMPLES_PER_CHUNK);
    for (let j = i; j < end; j++) a.append(ts[j]!, vs[j]!);
    out.push({ mint: ts[i]!, maxt: ts[end - 1]!, data: a.bytes() });
  }
  return out;
}

function needsRewrite(chunks: ChunkData[], ivs: readonly Interval[], mint: number, maxt: number): boolean {
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i]!;
    if (c.num !== undefined || c.mint < mint || c.maxt >= maxt) return true;
    if (i > 0 && c.mint <= chunks[i - 1]!.maxt) return true;
    for (const iv of ivs) if (iv.mint <= c.maxt && iv.maxt >= c.mint) return true;
  }
  return false;
}

/** The series' chunks clipped to [mint, maxt), deletions applied; re-encoded only when needed. */
export function finalizeChunks(parts: { chunks: ChunkData[]; ivs: readonly Interval[] }[], mint: number, maxt: number): ChunkData[] {
  const all = parts.flatMap((p) => p.chunks.map((c) => ({ c, ivs: p.ivs })));
  all.sort((a, b) => a.c.mint - b.c.mint);
  const cs = all.map((x) => x.c);
  if (parts.length === 1 && !needsRewrite(cs, parts[0]!.ivs, mint, maxt)) return cs;
  if (parts.length > 1 && parts.every((p) => p.ivs.length === 0) && !needsRewrite(cs, [], mint, maxt)) return cs;
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
    const iters = blocks.map((b) => ({ b, it: b.allSeries(), cur: null as (SeriesChunks & { ref: number }) | null }));
    for (const x of iters) x.cur = x.it.next().value ?? null;
    function* merged(): Generator<SeriesChunks> {
      for (;;) {
        let min: Labels | null = null;
        for (const x of iters) if (x.cur && (min === null || compareLabels(x.cur.labels, min) < 0)) min = x.cur.labels;
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
    const level = Math.max(...blocks.map((b) => b.meta.compaction.level)) + (blocks.length > 1 ? 1 : 0);
    return writeBlock(parent, merged(), mint, maxt, {
      level,
      sources,
      parents: blocks.map((b) => ({ ulid: b.ulid, minTime: b.minTime, maxTime: b.maxTime })),
    }, ulid);
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
