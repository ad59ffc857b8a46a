// Persisted blocks: a ULID-named directory with meta.json, index, chunks/ and tombstones, in
// Prometheus's on-disk format. BlockWriter writes one from sorted series; Block opens one
// (verifying its checksums) and serves it as a ChunkQuerier.
import {
  existsSync,
  fsyncSync,
  closeSync,
  openSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Labels, Matcher } from '../model/labels/index.js';
import { chunkNumSamples } from './chunkenc/index.js';
import {
  ChunkFileError,
  ChunkReader,
  ChunkWindow,
  ChunkWriter,
  READ_AHEAD,
} from './chunks/index.js';
import {
  IndexError,
  IndexReader,
  postingsForMatchers,
  writeIndex,
  type ChunkMeta,
  type IndexSeries,
} from './index/index.js';
import { StorageReadError } from '../storage/index.js';
import {
  cmpStr,
  type ChunkData,
  type ChunkQuerier,
  type ChunkSeries,
  type Interval,
} from './series.js';
import {
  TOMBSTONES_FILE,
  readTombstones,
  writeReplacing,
  writeTombstones,
  type TombstoneMap,
} from './tombstones/index.js';
import { newULID } from './ulid.js';

export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

export interface BlockStats {
  numSamples: number;
  numSeries: number;
  numChunks: number;
  numTombstones?: number;
}

export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: {
    level: number;
    sources: string[];
    deletable?: boolean;
    parents?: BlockDesc[];
    failed?: boolean;
  };
  version: number;
}

export interface SeriesChunks {
  labels: Labels;
  chunks: ChunkData[];
}

export class BlockError extends Error {}

export function readMeta(dir: string): BlockMeta {
  const p = join(dir, 'meta.json');
  let m: BlockMeta;
  try {
    m = JSON.parse(readFileSync(p, 'utf8')) as BlockMeta;
  } catch (e) {
    throw new BlockError(`read meta ${p}: ${(e as Error).message}`);
  }
  if (m.version !== 1) throw new BlockError(`${p}: unexpected meta file version ${m.version}`);
  return m;
}

export function writeMeta(dir: string, m: BlockMeta): number {
  const text = JSON.stringify(m, null, '\t');
  writeReplacing(join(dir, 'meta.json'), text);
  return Buffer.byteLength(text);
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    fsyncSync(fd);
    closeSync(fd);
  } catch {
    /* not all platforms allow fsync on directories */
  }
}

/**
 * Writes a block from series sorted by labels (chunks in time order, not overlapping) into
 * parent/<ulid>. Returns its meta. Written under a .tmp-for-creation name and renamed when complete.
 */
export function writeBlock(
  parent: string,
  series: Iterable<SeriesChunks>,
  mint: number,
  maxt: number,
  compaction: BlockMeta['compaction'] | null,
  ulid = newULID(),
): BlockMeta {
  const tmp = join(parent, ulid + '.tmp-for-creation');
  rmSync(tmp, { recursive: true, force: true });
  try {
    return writeBlockIn(tmp, parent, series, mint, maxt, compaction, ulid);
  } catch (e) {
    // A block that could not be written whole (a full disk) leaves nothing behind.
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function writeBlockIn(
  tmp: string,
  parent: string,
  series: Iterable<SeriesChunks>,
  mint: number,
  maxt: number,
  compaction: BlockMeta['compaction'] | null,
  ulid: string,
): BlockMeta {
  mkdirSync(tmp, { recursive: true });
  const cw = new ChunkWriter(join(tmp, 'chunks'));
  const idx: IndexSeries[] = [];
  let numSamples = 0;
  let numChunks = 0;
  try {
    for (const s of series) {
      const metas: ChunkMeta[] = [];
      for (const c of s.chunks) {
        const ref = cw.write(c.enc, c.data);
        metas.push({ mint: c.mint, maxt: c.maxt, ref });
        numSamples += chunkNumSamples(c.data);
      }
      if (metas.length === 0) continue;
      numChunks += metas.length;
      idx.push({ labels: s.labels, chunks: metas });
    }
    cw.close();
  } catch (e) {
    cw.abort();
    throw e;
  }
  writeIndex(join(tmp, 'index'), idx);
  writeTombstones(join(tmp, TOMBSTONES_FILE), new Map());
  const meta: BlockMeta = {
    ulid,
    minTime: mint,
    maxTime: maxt,
    stats: { numSamples, numSeries: idx.length, numChunks },
    compaction: compaction ?? { level: 1, sources: [ulid] },
    version: 1,
  };
  writeMeta(tmp, meta);
  syncDir(tmp);
  const final = join(parent, ulid);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  syncDir(parent);
  return meta;
}

export function dirSize(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    n += f.isDirectory() ? dirSize(p) : statSync(p).size;
  }
  return n;
}

export class Block {
  readonly dir: string;
  meta: BlockMeta;
  readonly index: IndexReader;
  readonly chunks: ChunkReader;
  tombstones: TombstoneMap;
  private pending = 0;
  private closeWhenIdle = false;

  /**
   * Opens a block; throws an error naming the file at fault. What Prometheus checks at open is
   * checked here (meta, chunk file headers, the index's TOC, symbols and postings table); series
   * entries and chunks are verified as they are read, and a damaged one fails the query that
   * reads it (StorageReadError) — as in Prometheus, where a block with a bad series still opens.
   */
  constructor(dir: string) {
    this.dir = dir;
    this.meta = readMeta(dir);
    const chunkDir = join(dir, 'chunks');
    const files = existsSync(chunkDir)
      ? readdirSync(chunkDir)
          .filter((f) => /^\d{6}$/.test(f))
          .sort()
      : [];
    this.chunks = new ChunkReader(chunkDir, files);
    try {
      this.index = new IndexReader(join(dir, 'index'));
      this.tombstones = readTombstones(join(dir, TOMBSTONES_FILE)).map;
    } catch (e) {
      this.chunks.close();
      throw e;
    }
  }

  get ulid(): string {
    return this.meta.ulid;
  }
  get minTime(): number {
    return this.meta.minTime;
  }
  get maxTime(): number {
    return this.meta.maxTime;
  }

  size(): number {
    try {
      return dirSize(this.dir);
    } catch {
      return 0; // the directory was deleted under the server; the next reload drops the block
    }
  }

  overlaps(mint: number, maxt: number): boolean {
    // Block ranges are half-open [minTime, maxTime); queries are closed [mint, maxt].
    return this.meta.minTime <= maxt && mint < this.meta.maxTime;
  }

  /** Marks a read in progress so close() waits for it. */
  acquire(): () => void {
    this.pending++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.pending--;
      if (this.pending === 0 && this.closeWhenIdle) this.chunks.close();
    };
  }

  chunkQuerier(mint: number, maxt: number): ChunkQuerier {
    return new BlockChunkQuerier(this, mint, maxt);
  }

  /** Every series with all its chunks (decoded bytes), in label order: for compaction and dump. */
  *allSeries(): Generator<SeriesChunks & { ref: number }> {
    const all = this.index.allPostings();
    const win = new ChunkWindow();
    for (let i = 0; i < all.length; i++) {
      const metas: ChunkMeta[] = [];
      const labels = this.index.series(all[i]!, metas);
      const encs: number[] = [];
      const data = this.chunks.chunks(
        metas.map((m) => m.ref),
        win,
        READ_AHEAD,
        encs,
      );
      yield {
        ref: all[i]!,
        labels,
        chunks: metas.map((m, k) => ({
          mint: m.mint,
          maxt: m.maxt,
          enc: encs[k]!,
          data: data[k]!,
        })),
      };
    }
  }

  setTombstones(ts: TombstoneMap): void {
    writeTombstones(join(this.dir, TOMBSTONES_FILE), ts);
    this.tombstones = ts;
    let n = 0;
    for (const l of ts.values()) n += l.length;
    this.meta.stats.numTombstones = n;
    writeMeta(this.dir, this.meta);
  }

  /** Closes the chunk files now, or when the last open querier is done (never waits). */
  close(): Promise<void> {
    if (this.pending > 0) this.closeWhenIdle = true;
    else this.chunks.close();
    return Promise.resolve();
  }
}

const NO_INTERVALS: readonly Interval[] = [];

/** The metas overlapping [mint, maxt]: the same array when all do (the common case), else a filtered copy. */
function metasIn(metas: ChunkMeta[], mint: number, maxt: number): ChunkMeta[] {
  for (let i = 0; i < metas.length; i++) {
    const m = metas[i]!;
    if (m.maxt < mint || m.mint > maxt)
      return metas.filter((x) => x.maxt >= mint && x.mint <= maxt);
  }
  return metas;
}

/** A block series and its chunks in the queried range; the chunks are read when iterated, not kept (their views hold a read-ahead window). */
class BlockSeries implements ChunkSeries {
  constructor(
    readonly labels: Labels,
    readonly intervals: readonly Interval[],
    private readonly metas: ChunkMeta[],
    private readonly q: BlockChunkQuerier,
  ) {}
  chunks(): ChunkData[] {
    return this.q.read(this.metas);
  }
}

class BlockChunkQuerier implements ChunkQuerier {
  /** Shared by the querier's series: they are iterated in the order their chunks lie in the files. */
  private readonly win = new ChunkWindow();

  constructor(
    private readonly b: Block,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  selectChunks(matchers: readonly Matcher[]): ChunkSeries[] {
    const refs = postingsForMatchers(this.b.index, matchers);
    const out: ChunkSeries[] = [];
    const tombstones = this.b.tombstones;
    for (let i = 0; i < refs.length; i++) {
      const metas: ChunkMeta[] = [];
      let labels: Labels;
      try {
        labels = this.b.index.series(refs[i]!, metas);
      } catch (e) {
        if (!(e instanceof IndexError)) throw e;
        throw new StorageReadError(`get series ${refs[i]}: block: ${this.b.ulid}: ${e.reason}`);
      }
      const sel = metasIn(metas, this.mint, this.maxt);
      if (sel.length === 0) continue;
      const ivs = tombstones.size === 0 ? NO_INTERVALS : (tombstones.get(refs[i]!) ?? NO_INTERVALS);
      if (
        ivs.length > 0 &&
        ivs.some((iv) => iv.mint <= sel[0]!.mint && iv.maxt >= sel[sel.length - 1]!.maxt)
      )
        continue;
      out.push(new BlockSeries(labels, ivs, sel, this));
    }
    return out;
  }

  read(metas: readonly ChunkMeta[]): ChunkData[] {
    let data: Uint8Array[];
    const encs: number[] = [];
    try {
      data = this.b.chunks.chunks(
        metas.map((m) => m.ref),
        this.win,
        READ_AHEAD,
        encs,
      );
    } catch (e) {
      if (!(e instanceof ChunkFileError)) throw e;
      throw new StorageReadError(
        `cannot populate chunk ${this.failingRef(metas) ?? metas[0]?.ref} from block ${this.b.ulid}: ${e.reason}`,
      );
    }
    return metas.map((m, k) => ({ mint: m.mint, maxt: m.maxt, enc: encs[k]!, data: data[k]! }));
  }

  /** Which of a series' chunks is the damaged one (read one at a time; only on the error path). */
  private failingRef(metas: readonly ChunkMeta[]): number | undefined {
    for (const m of metas) {
      try {
        this.b.chunks.chunk(m.ref);
      } catch {
        return m.ref;
      }
    }
    return undefined;
  }

  labelValues(name: string, matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return [...this.b.index.labelValuesFor(name)];
    const set = new Set<string>();
    for (const s of this.selectChunks(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') set.add(v);
    }
    return [...set].sort(cmpStr);
  }

  labelNames(matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return this.b.index.labelNamesAll().sort(cmpStr);
    const set = new Set<string>();
    for (const s of this.selectChunks(matchers)) for (const n of s.labels.names()) set.add(n);
    return [...set].sort(cmpStr);
  }
}
