// The TSDB's face: open a database, and the block-level pieces promtool and tests need.
export {
  DB,
  openDB,
  createDB,
  LockError,
  DEFAULT_OPTIONS,
  type DBOptions,
  type DBDeps,
} from './db.js';
export {
  Block,
  writeBlock,
  readMeta,
  BlockError,
  type BlockMeta,
  type BlockStats,
  type SeriesChunks,
} from './block.js';
export { Head, MemSeries, encodeChunksLikeHead } from './head.js';
export { XORAppender, XORIterator, SAMPLES_PER_CHUNK } from './chunkenc/index.js';
export { encodeChunks, compactBlockDirs } from './compact.js';
export { newULID, isULID } from './ulid.js';
export type { ChunkData, Interval } from './series.js';
export { MergeQuerier, type ChunkQuerier } from './series.js';
export { readTsdbWAL } from './readonly.js';
export { ReadOnlyDataDir } from './readonly_db.js';
