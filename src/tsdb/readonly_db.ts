// A data directory opened for reading only — its blocks and its WAL replayed into a memory-only
// head — with nothing repaired, compacted or written: what the backtest reads history from, safe
// beside a server running on the same directory.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Block } from './block.js';
import type { Head } from './head.js';
import { readTsdbWAL } from './readonly.js';
import { MergeQuerier, type ChunkQuerier } from './series.js';
import type { Querier, Queryable } from '../storage/index.js';
import { isULID } from './ulid.js';

export class ReadOnlyDataDir implements Queryable {
  private constructor(
    readonly blocks: readonly Block[],
    readonly head: Head,
  ) {}

  static open(dir: string): ReadOnlyDataDir {
    const blocks: Block[] = [];
    for (const f of readdirSync(dir).sort()) {
      if (isULID(f) && statSync(join(dir, f)).isDirectory()) blocks.push(new Block(join(dir, f)));
    }
    blocks.sort((a, b) => a.minTime - b.minTime);
    const head = readTsdbWAL(
      join(dir, 'wal'),
      blocks.length > 0 ? Math.max(...blocks.map((b) => b.maxTime)) : Number.MIN_SAFE_INTEGER,
    );
    return new ReadOnlyDataDir(blocks, head);
  }

  /** The blocks overlapping [mint, maxt] and the head, as chunk sources. */
  chunkQueriers(mint: number, maxt: number): ChunkQuerier[] {
    const out = this.blocks
      .filter((b) => b.overlaps(mint, maxt))
      .map((b) => b.chunkQuerier(mint, maxt));
    if (this.head.numSeries() > 0) out.push(this.head.chunkQuerier(mint, maxt));
    return out;
  }

  querier(mint: number, maxt: number): Querier {
    return new MergeQuerier(this.chunkQueriers(mint, maxt), mint, maxt);
  }

  async close(): Promise<void> {
    for (const b of this.blocks) await b.close();
  }
}
