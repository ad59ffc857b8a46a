// prometheus_tsdb_* metrics, named and typed as Prometheus 2.48 names them.
import { client, type Registry } from '../util/metrics.js';
import { encodingName, undecodedChunkReads } from './chunkenc/index.js';

export interface DBStateView {
  headSeries(): number;
  headChunks(): number;
  headMinTime(): number;
  headMaxTime(): number;
  blocksLoaded(): number;
  blocksBytes(): number;
  walBytes(): number;
  lowestTimestamp(): number;
  retentionLimitBytes(): number;
  headChunksBytes(): number;
  walSegmentCurrent(): number;
  symbolTableBytes(): number;
  activeAppenders(): number;
}

export class TSDBMetrics {
  readonly samplesAppended: client.Counter<'type'>;
  readonly outOfOrder: client.Counter<'type'>;
  readonly outOfBounds: client.Counter<'type'>;
  readonly seriesCreated: client.Counter;
  readonly seriesRemoved: client.Counter;
  readonly chunksCreated: client.Counter;
  readonly chunksRemoved: client.Counter;
  readonly headTruncations: client.Counter;
  readonly compactions: client.Counter;
  readonly compactionsFailed: client.Counter;
  readonly compactionsTriggered: client.Counter;
  readonly reloads: client.Counter;
  readonly reloadsFailed: client.Counter;
  readonly walCorruptions: client.Counter;
  readonly walWritesFailed: client.Counter;
  readonly walTruncations: client.Counter;
  readonly checkpoints: client.Counter;
  readonly timeRetentions: client.Counter;
  readonly sizeRetentions: client.Counter;
  readonly replayDuration: client.Gauge;
  readonly compactionDuration: client.Histogram;
  readonly headTruncationsFailed: client.Counter;
  readonly checkpointsFailed: client.Counter;
  readonly checkpointDeletions: client.Counter;
  readonly walFsyncDuration: client.Summary;
  readonly walTruncateDuration: client.Summary;
  readonly walTruncationsFailed: client.Counter;
  readonly walPageFlushes: client.Counter;
  readonly walCompletedPages: client.Counter;
  readonly headGCDuration: client.Summary;
  readonly populatingBlock: client.Gauge;
  readonly tombstoneCleanup: client.Histogram;
  /** Not Prometheus's: data this server cannot interpret, left intact (docs/operations.md). */
  readonly walUnsupportedRecords: client.Counter<'type'>;

  constructor(reg: Registry, view: DBStateView) {
    const registers = [reg];
    const counter = <L extends string = string>(
      name: string,
      help: string,
      labelNames: L[] = [],
    ): client.Counter<L> => new client.Counter<L>({ name, help, labelNames, registers });
    const gauge = (name: string, help: string, get: () => number): client.Gauge =>
      new client.Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(get());
        },
      });
    this.samplesAppended = counter(
      'prometheus_tsdb_head_samples_appended_total',
      'Total number of appended samples.',
      ['type'],
    );
    this.outOfOrder = counter(
      'prometheus_tsdb_out_of_order_samples_total',
      'Total number of out of order samples ingestion failed attempts due to out of order being disabled.',
      ['type'],
    );
    this.outOfBounds = counter(
      'prometheus_tsdb_out_of_bound_samples_total',
      'Total number of out of bound samples ingestion failed attempts with out of order support disabled.',
      ['type'],
    );
    this.seriesCreated = counter(
      'prometheus_tsdb_head_series_created_total',
      'Total number of series created in the head',
    );
    this.seriesRemoved = counter(
      'prometheus_tsdb_head_series_removed_total',
      'Total number of series removed in the head',
    );
    this.chunksCreated = counter(
      'prometheus_tsdb_head_chunks_created_total',
      'Total number of chunks created in the head',
    );
    this.chunksRemoved = counter(
      'prometheus_tsdb_head_chunks_removed_total',
      'Total number of chunks removed in the head',
    );
    this.headTruncations = counter(
      'prometheus_tsdb_head_truncations_total',
      'Total number of head truncations attempted.',
    );
    this.compactions = counter(
      'prometheus_tsdb_compactions_total',
      'Total number of compactions that were executed for the partition.',
    );
    this.compactionsFailed = counter(
      'prometheus_tsdb_compactions_failed_total',
      'Total number of compactions that failed for the partition.',
    );
    this.compactionsTriggered = counter(
      'prometheus_tsdb_compactions_triggered_total',
      'Total number of triggered compactions for the partition.',
    );
    this.reloads = counter(
      'prometheus_tsdb_reloads_total',
      'Number of times the database reloaded block data from disk.',
    );
    this.reloadsFailed = counter(
      'prometheus_tsdb_reloads_failures_total',
      'Number of times the database failed to reloadBlocks block data from disk.',
    );
    this.walCorruptions = counter(
      'prometheus_tsdb_wal_corruptions_total',
      'Total number of WAL corruptions.',
    );
    this.walWritesFailed = counter(
      'prometheus_tsdb_wal_writes_failed_total',
      'Total number of write log writes that failed.',
    );
    this.walTruncations = counter(
      'prometheus_tsdb_wal_truncations_total',
      'Total number of write log truncations attempted.',
    );
    this.checkpoints = counter(
      'prometheus_tsdb_checkpoint_creations_total',
      'Total number of checkpoint creations attempted.',
    );
    this.timeRetentions = counter(
      'prometheus_tsdb_time_retentions_total',
      'The number of times that blocks were deleted because the maximum time limit was exceeded.',
    );
    this.sizeRetentions = counter(
      'prometheus_tsdb_size_retentions_total',
      'The number of times that blocks were deleted because the maximum number of bytes was exceeded.',
    );
    this.replayDuration = new client.Gauge({
      name: 'prometheus_tsdb_data_replay_duration_seconds',
      help: 'Time taken to replay the data on disk.',
      registers,
    });
    this.compactionDuration = new client.Histogram({
      name: 'prometheus_tsdb_compaction_duration_seconds',
      help: 'Duration of compaction runs',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192],
      registers,
    });
    this.headTruncationsFailed = counter(
      'prometheus_tsdb_head_truncations_failed_total',
      'Total number of head truncations that failed.',
    );
    this.checkpointsFailed = counter(
      'prometheus_tsdb_checkpoint_creations_failed_total',
      'Total number of checkpoint creations that failed.',
    );
    this.walFsyncDuration = new client.Summary({
      name: 'prometheus_tsdb_wal_fsync_duration_seconds',
      help: 'Duration of write log fsync.',
      percentiles: [0.5, 0.9, 0.99],
      registers,
    });
    const summary = (name: string, help: string): client.Summary =>
      new client.Summary({ name, help, percentiles: [0.5, 0.9, 0.99], registers });
    this.walTruncateDuration = summary(
      'prometheus_tsdb_wal_truncate_duration_seconds',
      'Duration of WAL truncation.',
    );
    this.walTruncationsFailed = counter(
      'prometheus_tsdb_wal_truncations_failed_total',
      'Total number of write log truncations that failed.',
    );
    this.walPageFlushes = counter(
      'prometheus_tsdb_wal_page_flushes_total',
      'Total number of page flushes.',
    );
    this.walCompletedPages = counter(
      'prometheus_tsdb_wal_completed_pages_total',
      'Total number of completed pages.',
    );
    this.headGCDuration = summary(
      'prometheus_tsdb_head_gc_duration_seconds',
      'Runtime of garbage collection in the head block.',
    );
    this.populatingBlock = new client.Gauge({
      name: 'prometheus_tsdb_compaction_populating_block',
      help: 'Set to 1 when a block is currently being written to the disk.',
      registers,
    });
    this.tombstoneCleanup = new client.Histogram({
      name: 'prometheus_tsdb_tombstone_cleanup_seconds',
      help: 'The time taken to recompact blocks to remove tombstones.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.checkpointDeletions = counter(
      'prometheus_tsdb_checkpoint_deletions_total',
      'Total number of checkpoint deletions attempted.',
    );
    this.walUnsupportedRecords = counter(
      'prometheus_tsdb_wal_unsupported_records_total',
      'WAL records read at replay of a type this server does not apply; they are left in the WAL and kept by checkpoints.',
      ['type'],
    );
    const seen = new Map<number, number>();
    new client.Counter<'encoding'>({
      name: 'prometheus_tsdb_unsupported_chunks_read_total',
      help: 'Chunks a query read of an encoding this server cannot decode; left out of the result, never rewritten.',
      labelNames: ['encoding'],
      registers,
      collect() {
        for (const [enc, n] of undecodedChunkReads) {
          const d = n - (seen.get(enc) ?? 0);
          if (d > 0) this.inc({ encoding: encodingName(enc) }, d);
          seen.set(enc, n);
        }
      },
    });
    gauge(
      'prometheus_tsdb_head_chunks_storage_size_bytes',
      'Size of the chunks_head directory.',
      () => view.headChunksBytes(),
    );
    gauge(
      'prometheus_tsdb_wal_segment_current',
      'Write log segment index that TSDB is currently writing to.',
      () => view.walSegmentCurrent(),
    );
    gauge(
      'prometheus_tsdb_symbol_table_size_bytes',
      'Size of symbol table in memory for loaded blocks',
      () => view.symbolTableBytes(),
    );
    gauge(
      'prometheus_tsdb_head_active_appenders',
      'Number of currently active appender transactions',
      () => view.activeAppenders(),
    );
    gauge('prometheus_tsdb_head_series', 'Total number of series in the head block.', () =>
      view.headSeries(),
    );
    gauge('prometheus_tsdb_head_chunks', 'Total number of chunks in the head block.', () =>
      view.headChunks(),
    );
    gauge(
      'prometheus_tsdb_head_min_time',
      'Minimum time bound of the head block. The unit is decided by the library consumer.',
      () => view.headMinTime(),
    );
    gauge(
      'prometheus_tsdb_head_max_time',
      'Maximum timestamp of the head block. The unit is decided by the library consumer.',
      () => view.headMaxTime(),
    );
    gauge(
      'prometheus_tsdb_head_min_time_seconds',
      'Minimum time bound of the head block.',
      () => view.headMinTime() / 1000,
    );
    gauge(
      'prometheus_tsdb_head_max_time_seconds',
      'Maximum timestamp of the head block.',
      () => view.headMaxTime() / 1000,
    );
    gauge('prometheus_tsdb_blocks_loaded', 'Number of currently loaded data blocks', () =>
      view.blocksLoaded(),
    );
    gauge(
      'prometheus_tsdb_storage_blocks_bytes',
      'The number of bytes that are currently used for local storage by all blocks.',
      () => view.blocksBytes(),
    );
    gauge('prometheus_tsdb_wal_storage_size_bytes', 'Size of the write log directory.', () =>
      view.walBytes(),
    );
    gauge(
      'prometheus_tsdb_retention_limit_bytes',
      'Max number of bytes to be retained in the tsdb blocks, configured 0 means disabled',
      () => view.retentionLimitBytes(),
    );
    gauge(
      'prometheus_tsdb_lowest_timestamp',
      'Lowest timestamp value stored in the database. The unit is decided by the library consumer.',
      () => view.lowestTimestamp(),
    );
    gauge(
      'prometheus_tsdb_lowest_timestamp_seconds',
      'Lowest timestamp value stored in the database.',
      () => view.lowestTimestamp() / 1000,
    );
    this.samplesAppended.inc({ type: 'float' }, 0);
    this.outOfOrder.inc({ type: 'float' }, 0);
    this.outOfBounds.inc({ type: 'float' }, 0);
  }
}
