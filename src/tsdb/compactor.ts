// The compactor: hands block writes and block merges to a worker thread (falls back to doing them
// inline if a worker cannot start), one job at a time, and resolves with the new block's meta.
import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { BlockMeta, SeriesChunks } from './block.js';
import { writeBlock } from './block.js';
import { compactBlockDirs, finalizeChunks } from './compact.js';
import { HeadChunkReader } from './chunks/index.js';
import { Labels } from '../model/labels/index.js';
import type { ChunkData, Interval } from './series.js';
import { newULID } from './ulid.js';
import { writeCheckpoint } from './wal/index.js';

export type CompactJob =
  | { kind: 'blocks'; id: number; parent: string; dirs: string[]; ulid: string }
  | {
      kind: 'write';
      id: number;
      parent: string;
      series: { flat: string[]; chunks: ChunkData[] }[];
      mint: number;
      maxt: number;
      ulid: string;
    }
  | {
      kind: 'head';
      id: number;
      parent: string;
      chunksHead: string;
      series: HeadSeriesJob[];
      mint: number;
      maxt: number;
      ulid: string;
    }
  | {
      kind: 'checkpoint';
      id: number;
      walDir: string;
      upTo: number;
      mint: number;
      live: Uint32Array;
    };

/** A head series as the worker needs it: labels, full chunks by ref, the open chunk's bytes, deletions. */
export interface HeadSeriesJob {
  flat: string[];
  refs: { mint: number; maxt: number; enc: number; ref: number; data: Uint8Array | null }[];
  open: ChunkData | null;
  ivs: Interval[];
}

/** Reads the chunks of head series and writes them as a block (in the worker, or inline). */
export function writeHeadBlock(
  parent: string,
  chunksHead: string,
  series: HeadSeriesJob[],
  mint: number,
  maxt: number,
  ulid: string,
): BlockMeta {
  const reader = new HeadChunkReader(chunksHead);
  try {
    function* gen(): Generator<SeriesChunks> {
      for (const s of series) {
        const cs: ChunkData[] = s.refs.map((c) => ({
          mint: c.mint,
          maxt: c.maxt,
          enc: c.enc,
          data: c.data ?? reader.read(c.ref),
        }));
        if (s.open) cs.push(s.open);
        const chunks = finalizeChunks([{ chunks: cs, ivs: s.ivs }], mint, maxt);
        if (chunks.length > 0) yield { labels: Labels.fromSortedFlat(s.flat), chunks };
      }
    }
    return writeBlock(parent, gen(), mint, maxt, null, ulid);
  } finally {
    reader.close();
  }
}

export type CompactResult =
  | { id: number; meta: BlockMeta | null; error?: undefined }
  | { id: number; error: string; meta?: undefined };

export class Compactor {
  private worker: Worker | null = null;
  private seq = 0;
  private readonly waiting = new Map<
    number,
    {
      resolve: (m: BlockMeta | null) => void;
      reject: (e: Error) => void;
      inline: () => BlockMeta | null;
    }
  >();
  private failed = false;

  constructor(private readonly useWorker = true) {}

  private ensureWorker(): Worker | null {
    if (!this.useWorker || this.failed) return null;
    if (this.worker) return this.worker;
    try {
      const self = import.meta.url;
      let w: Worker;
      if (self.endsWith('.ts')) {
        // Running from sources (tests, tsx): the worker registers tsx before loading the module.
        const target = new URL('./compact_worker.ts', self).href;
        w = new Worker(
          `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(target)}); });`,
          { eval: true },
        );
      } else w = new Worker(fileURLToPath(new URL('./compact_worker.js', self)));
      w.unref();
      w.on('message', (r: CompactResult) => {
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if (r.error !== undefined) p.reject(new Error(r.error));
        else p.resolve(r.meta);
      });
      w.on('error', () => {
        // A broken worker must not stop compaction: the waiting jobs run inline instead.
        const waiting = [...this.waiting.values()];
        this.waiting.clear();
        this.worker = null;
        this.failed = true;
        for (const p of waiting) {
          try {
            p.resolve(p.inline());
          } catch (err) {
            p.reject(err as Error);
          }
        }
      });
      this.worker = w;
      return w;
    } catch {
      this.failed = true;
      return null;
    }
  }

  private run(job: CompactJob, inline: () => BlockMeta | null): Promise<BlockMeta | null> {
    const w = this.ensureWorker();
    if (w === null) {
      try {
        return Promise.resolve(inline());
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    return new Promise((resolve, reject) => {
      this.waiting.set(job.id, { resolve, reject, inline });
      w.postMessage(job);
    });
  }

  async write(
    parent: string,
    series: SeriesChunks[],
    mint: number,
    maxt: number,
  ): Promise<BlockMeta> {
    const ulid = newULID();
    const job: CompactJob = {
      kind: 'write',
      id: ++this.seq,
      parent,
      mint,
      maxt,
      ulid,
      series: series.map((s) => ({ flat: [...s.labels.flat], chunks: s.chunks })),
    };
    return (await this.run(job, () => writeBlock(parent, series, mint, maxt, null, ulid)))!;
  }

  /** Head series (sorted by labels) in [mint, maxt) to a block; chunk reads happen in the worker. */
  async writeHead(
    parent: string,
    chunksHead: string,
    series: HeadSeriesJob[],
    mint: number,
    maxt: number,
  ): Promise<BlockMeta> {
    const ulid = newULID();
    return (await this.run(
      { kind: 'head', id: ++this.seq, parent, chunksHead, series, mint, maxt, ulid },
      () => writeHeadBlock(parent, chunksHead, series, mint, maxt, ulid),
    ))!;
  }

  async compact(parent: string, dirs: string[]): Promise<BlockMeta> {
    const ulid = newULID();
    return (await this.run({ kind: 'blocks', id: ++this.seq, parent, dirs, ulid }, () =>
      compactBlockDirs(parent, dirs, ulid),
    ))!;
  }

  async checkpoint(walDir: string, upTo: number, mint: number, live: Uint32Array): Promise<void> {
    await this.run({ kind: 'checkpoint', id: ++this.seq, walDir, upTo, mint, live }, () => {
      writeCheckpoint(walDir, upTo, mint, live);
      return null;
    });
  }

  async close(): Promise<void> {
    if (this.worker) {
      await this.worker.terminate();
      this.worker = null;
    }
  }
}
