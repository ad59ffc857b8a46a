// The database: head (+WAL) and persisted blocks in one data directory, with a lock file,
// background compaction (in a worker) and retention by time and size, deletions via tombstones,
// snapshots by hard links. Implements the project's Storage interface.
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { compareLabels, type Labels, type Matcher } from '../model/labels/index.js';
import type { Appender, Querier, Storage, WALSource } from '../storage/index.js';
import { ioError } from '../util/ioerror.js';
import { nopLogger, type Logger } from '../util/log.js';
import { newRegistry, type Registry } from '../util/metrics.js';
import { Block, writeBlock, type BlockMeta, type SeriesChunks } from './block.js';
import { exponentialRanges, finalizeChunks, plan } from './compact.js';
import { ChunkDiskMapper, ChunkFileError } from './chunks/index.js';
import { IndexError, postingsForMatchers } from './index/index.js';
import { Compactor, type HeadSeriesJob } from './compactor.js';
import { Head } from './head.js';
import { TSDBMetrics } from './metrics.js';
import { MergeQuerier, type ChunkQuerier } from './series.js';
import { addInterval, type TombstoneMap } from './tombstones/index.js';
import { isULID } from './ulid.js';
import { DEFAULT_SEGMENT_SIZE, WAL, recordTypeName, type WALPosition } from './wal/index.js';
import { formatGoDuration } from '../model/value/index.js';

export interface DBOptions {
  /** ms, 0 = none */
  retentionDuration: number;
  /** bytes, 0 = none */
  maxBytes: number;
  /** ms */
  minBlockDuration: number;
  /** ms */
  maxBlockDuration: number;
  noLockfile: boolean;
  walSegmentSize?: number;
  /** Appenders take native histograms (--enable-feature=native-histograms). */
  enableNativeHistograms?: boolean;
  /** Snappy-compress WAL records (Prometheus 2.48's default: --storage.tsdb.wal-compression). */
  walCompression?: boolean;
}

export interface DBDeps {
  logger?: Logger;
  registry?: Registry;
  /** Run compactions inline instead of in a worker thread (tests, promtool). */
  inlineCompaction?: boolean;
  /** Disable the background compaction/retention timer (tests drive compact() themselves). */
  noBackground?: boolean;
}

const HOUR = 3600_000;
export const DEFAULT_OPTIONS: DBOptions = {
  retentionDuration: 15 * 24 * HOUR,
  maxBytes: 0,
  minBlockDuration: 2 * HOUR,
  maxBlockDuration: 36 * HOUR,
  noLockfile: false,
};

export class LockError extends Error {}

/** The pid of another process holding a POSIX/flock lock on the file (Prometheus flocks `lock`), from /proc/locks. */
function flockHolder(path: string): number | null {
  let text: string;
  try {
    text = readFileSync('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  const ino = statSync(path).ino;
  for (const line of text.split('\n')) {
    // "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"
    const f = line.trim().split(/\s+/);
    if (f.length < 6) continue;
    const pid = Number(f[4]);
    const inode = Number(f[5]!.split(':')[2]);
    if (inode === ino && pid !== process.pid) return pid;
  }
  return null;
}

/**
 * Whether the process `pid` holds the lock file `p`. Node has no flock, so a lock is held while
 * the process that wrote its pid keeps the file open: on Linux that is read from /proc/<pid>/fd,
 * which is empty once the process has died (a zombie not reaped yet holds nothing) and does not
 * list the file for an unrelated process that got the pid later.
 */
function holdsLock(pid: number, p: string): boolean {
  let st;
  try {
    st = statSync(p);
  } catch {
    return false; // removed meanwhile by its holder's close
  }
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return existsSync('/proc/self/fd') ? false : processAlive(pid);
    // Another user's process: it can only be the writer if it started before the file was written.
    return startedBefore(pid, st.mtimeMs);
  }
  for (const fd of fds) {
    try {
      const f = statSync(`/proc/${pid}/fd/${fd}`);
      if (f.ino === st.ino && f.dev === st.dev) return true;
    } catch {
      /* closed meanwhile, or not a file */
    }
  }
  return false;
}

/** Without /proc: any live process with the pid counts (the best a pid file can say). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process started before (or about when) the given wall-clock time, from /proc. */
function startedBefore(pid: number, ms: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return false;
    const ticks = Number(fields[19]); // starttime, in clock ticks since boot (USER_HZ is 100 on Linux)
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    if (!Number.isFinite(ticks) || !Number.isFinite(btime)) return true;
    return btime * 1000 + ticks * 10 <= ms + 2000;
  } catch {
    return false;
  }
}

/**
 * Takes the directory's lock: writes our pid to `lock` and keeps the file open until release.
 * A missing lock file is created exclusively, so of two servers starting at once on a fresh
 * directory one fails; a stale one is taken over in place.
 */
function acquireLock(dir: string): { path: string; fd: number } {
  const p = join(dir, 'lock');
  let fd: number;
  try {
    fd = openSync(p, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = flockHolder(p);
    if (holder !== null)
      throw new LockError(
        `lock DB directory: resource temporarily unavailable (${p} is locked by process ${holder})`,
      );
    const text = readFileSync(p, 'utf8').trim();
    // Created an instant ago and not written yet: another server is taking it now.
    if (text === '' && Date.now() - statSync(p).mtimeMs < 2000)
      throw new LockError(
        `lock DB directory: resource temporarily unavailable (${p} is being taken by another process)`,
      );
    const pid = Number(text);
    if (Number.isInteger(pid) && pid > 0 && holdsLock(pid, p)) {
      throw new LockError(
        `lock DB directory: resource temporarily unavailable (${p} held by process ${pid}${pid === process.pid ? ', this one' : ''})`,
      );
    }
    fd = openSync(p, 'w');
  }
  writeSync(fd, String(process.pid));
  return { path: p, fd };
}

export class DB implements Storage, WALSource {
  readonly dir: string;
  readonly opts: DBOptions;
  readonly head: Head;
  private readonly wal: WAL;
  private blocks: Block[] = [];
  private readonly logger: Logger;
  readonly metrics: TSDBMetrics;
  private readonly compactor: Compactor;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private lock: { path: string; fd: number } | null = null;
  private closed = false;
  private replay = { min: 0, max: 0, current: 0 };
  private blocksBytesCache = 0;
  /** Samples appended since open, and the highest timestamp among them (for remote write's lag metrics). */
  private appendedSinceOpen = 0;

  /** Use openDB(), or createDB() then init(). */
  constructor(dir: string, opts: DBOptions, deps: DBDeps) {
    this.dir = dir;
    this.opts = opts;
    this.logger = deps.logger ?? nopLogger;
    const reg = deps.registry ?? newRegistry();
    this.wal = new WAL(
      join(dir, 'wal'),
      opts.walSegmentSize ?? DEFAULT_SEGMENT_SIZE,
      opts.walCompression ?? true,
    );
    this.metrics = new TSDBMetrics(reg, {
      headSeries: () => this.head.numSeries(),
      headChunks: () => this.head.numChunks(),
      headMinTime: () => this.headMinTime(),
      headMaxTime: () => this.headMaxTime(),
      blocksLoaded: () => this.blocks.length,
      blocksBytes: () => this.blocksBytesCache,
      walBytes: () => this.wal.sizeBytes(),
      lowestTimestamp: () => this.startTime(),
      retentionLimitBytes: () => this.opts.maxBytes,
      headChunksBytes: () => this.mapper?.size() ?? 0,
      walSegmentCurrent: () => this.wal.currentSegment(),
      symbolTableBytes: () => this.blocks.reduce((n, b) => n + b.index.symbolBytes(), 0),
      activeAppenders: () => this.head.activeAppenders,
    });
    const m = this.metrics;
    this.head = new Head(opts.minBlockDuration, this.wal, {
      samplesAppended: (n) => {
        m.samplesAppended.inc({ type: 'float' }, n);
        this.appendedSinceOpen += n;
      },
      histogramsAppended: (n) => {
        m.samplesAppended.inc({ type: 'histogram' }, n);
        this.appendedSinceOpen += n;
      },
      outOfOrder: (n) => m.outOfOrder.inc({ type: 'float' }, n),
      outOfBounds: (n) => m.outOfBounds.inc({ type: 'float' }, n),
      seriesCreated: (n) => m.seriesCreated.inc(n),
      seriesRemoved: (n) => m.seriesRemoved.inc(n),
      chunksCreated: (n) => m.chunksCreated.inc(n),
      chunksRemoved: (n) => m.chunksRemoved.inc(n),
      walWriteFailed: () => m.walWritesFailed.inc(),
      walUnsupportedRecord: (type) => {
        m.walUnsupportedRecords.inc({ type: recordTypeName(type) });
        this.unsupportedReplayed.set(type, (this.unsupportedReplayed.get(type) ?? 0) + 1);
      },
    });
    this.head.nativeHistograms = opts.enableNativeHistograms === true;
    this.compactor = new Compactor(!deps.inlineCompaction);
  }
  /** WAL records replayed of types the head does not apply, by type (reported once replay ends). */
  private readonly unsupportedReplayed = new Map<number, number>();
  /** Created in init(), after the lock: it clears chunks_head/, which WAL replay refills. */
  private mapper: ChunkDiskMapper | null = null;

  /** Opening work: lock, leftovers, blocks, WAL replay. */
  async init(deps: DBDeps): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    // Said first and plainly: later steps would fail on a read-only directory with a less clear
    // error (node's recursive mkdir reports ENOENT there).
    try {
      accessSync(this.dir, constants.W_OK);
    } catch (e) {
      throw ioError('open', this.dir, e);
    }
    if (!this.opts.noLockfile) this.lock = acquireLock(this.dir);
    for (const f of readdirSync(this.dir)) {
      if (f.endsWith('.tmp-for-creation') || f.endsWith('.tmp-for-deletion'))
        rmSync(join(this.dir, f), { recursive: true, force: true });
    }
    this.mapper = new ChunkDiskMapper(join(this.dir, 'chunks_head'));
    this.mapper.onWriteError = (err) => {
      if (err)
        this.logger.error(
          'Writing head chunks failed; full chunks stay in memory until the disk takes writes again',
          { dir: this.mapper!.dir, err: err.message },
        );
      else this.logger.info('Writing head chunks works again', { dir: this.mapper!.dir });
    };
    this.head.mapper = this.mapper;
    this.reloadBlocks();
    const start = performance.now();
    // Prometheus's replay lines: the mmapped head chunks (read lazily here, so there is nothing to
    // replay but the listing), then the WAL segment by segment.
    this.logger.info('Replaying on-disk memory mappable chunks if any');
    this.logger.info('On-disk memory mappable chunks replay completed', {
      duration: formatGoDuration(performance.now() - start),
    });
    this.logger.info('Replaying WAL, this may take a while');
    this.wal.onFsync = (s) => this.metrics.walFsyncDuration.observe(s);
    this.wal.onPages = (completed) => {
      this.metrics.walPageFlushes.inc();
      if (completed > 0) this.metrics.walCompletedPages.inc(completed);
    };
    let checkpointMs = 0;
    const walStart = performance.now();
    this.head.minValidTime =
      this.blocks.length > 0
        ? Math.max(...this.blocks.map((b) => b.maxTime))
        : Number.MIN_SAFE_INTEGER;
    const corruptions = await this.wal.replay(
      (r) => this.head.replayRecord(r),
      (seg, min, max) => (this.replay = { min, max, current: seg }),
      {
        checkpointDone: (ms) => (checkpointMs = ms),
        segmentLoaded: (segment, maxSegment) =>
          this.logger.info('WAL segment loaded', { segment, maxSegment }),
      },
    );
    this.head.endReplay();
    // Closed while the WAL replayed (a SIGTERM at startup): nothing more to start.
    if (this.closed) return;
    for (const c of corruptions) {
      this.metrics.walCorruptions.inc();
      this.logger.warn('Encountered WAL read error, attempting repair', {
        segment: c.segment,
        offset: c.offset,
        err: c.reason,
      });
    }
    for (const [type, n] of this.unsupportedReplayed) {
      this.logger.warn(
        'WAL records of a type this server does not apply were left in the WAL untouched',
        { type: recordTypeName(type), records: n },
      );
    }
    const secs = (performance.now() - start) / 1000;
    this.metrics.replayDuration.set(secs);
    this.logger.info('WAL replay completed', {
      checkpoint_replay_duration: formatGoDuration(checkpointMs),
      wal_replay_duration: formatGoDuration(performance.now() - walStart - checkpointMs),
      wbl_replay_duration: formatGoDuration(0),
      total_replay_duration: formatGoDuration(secs * 1000),
    });
    if (!deps.noBackground) {
      this.timer = setInterval(() => this.tick(), 5_000);
      this.timer.unref();
    }
  }

  /** Monotonic ms: wall-clock jumps must not stall or rush the background work. */
  private lastReload = performance.now();
  private retryAt = 0;
  private backoff = 0;

  /**
   * Background work, as Prometheus's DB.run: the block set is re-read every minute (a block
   * deleted or damaged under the server is noticed), and compaction runs unless it failed
   * recently: after a failure it waits 1 s, 2 s, 4 s, … up to 1 min before it tries again.
   */
  private tick(): void {
    if (this.closed || this.running) return;
    const now = performance.now();
    if (now - this.lastReload >= 60_000) {
      this.lastReload = now;
      try {
        this.reloadBlocks();
      } catch (e) {
        this.logger.error('reloadBlocks', { err: (e as Error).message });
      }
    }
    if (now < this.retryAt) return;
    void this.compact().then(
      () => (this.backoff = 0),
      (e: Error) => {
        this.backoff = Math.min(60_000, Math.max(1_000, this.backoff * 2));
        this.retryAt = performance.now() + this.backoff;
        this.logger.error('compaction failed', { err: e.message });
      },
    );
  }

  /** Re-reads the block set now (what the background does every minute). */
  reload(): void {
    this.reloadBlocks();
  }

  /**
   * Re-reads the block set, as Prometheus's reloadBlocks: a block that fails to open is a
   * corrupted block, and unless a loaded block supersedes it (a compaction interrupted before
   * deleting its parents) the reload fails — the block set stays as it was, the failure is
   * counted, and at startup the storage does not open. A block is never silently left out.
   */
  private reloadBlocks(): void {
    this.metrics.reloads.inc();
    const loaded = new Map(this.blocks.map((b) => [b.ulid, b]));
    const next: Block[] = [];
    const opened: Block[] = [];
    const corrupted = new Map<string, Error>();
    for (const f of readdirSync(this.dir).sort()) {
      if (!isULID(f)) continue;
      const dir = join(this.dir, f);
      try {
        if (!statSync(dir).isDirectory()) continue;
      } catch {
        continue; // deleted between the listing and here
      }
      const ex = loaded.get(f);
      if (ex) {
        next.push(ex);
        continue;
      }
      try {
        const b = new Block(dir);
        next.push(b);
        opened.push(b);
      } catch (e) {
        corrupted.set(f, e as Error);
      }
    }
    // A block that is the parent of another loaded block is a leftover of an interrupted compaction.
    const parents = new Set(
      next.flatMap((b) => (b.meta.compaction.parents ?? []).map((p) => p.ulid)),
    );
    for (const ulid of [...corrupted.keys()]) {
      if (!parents.has(ulid)) continue;
      corrupted.delete(ulid);
      this.logger.warn(
        "Found corrupted block, but replaced by compacted one so it's safe to delete. This should not happen with atomic deletes.",
        { block: ulid },
      );
      rmSync(join(this.dir, ulid), { recursive: true, force: true });
    }
    if (corrupted.size > 0) {
      this.metrics.reloadsFailed.inc();
      for (const b of opened) void b.close();
      const [ulid, err] = [...corrupted][0]!;
      const reason =
        err instanceof IndexError || err instanceof ChunkFileError ? err.reason : err.message;
      for (const [u, e] of corrupted)
        this.logger.error('Corrupted block', { block: u, err: e.message });
      throw new Error(`reloadBlocks: corrupted block ${ulid}: ${reason}`);
    }
    const keep: Block[] = [];
    for (const b of next) {
      if (parents.has(b.ulid)) this.deleteBlock(b, 'compacted');
      else keep.push(b);
    }
    keep.sort((a, b) => a.minTime - b.minTime);
    // Blocks whose directory went away under the server: queries already running keep reading
    // them (their files stay open); new ones no longer see them.
    for (const b of this.blocks) {
      if (next.includes(b)) continue;
      this.logger.warn('Block directory is gone, leaving the block out of queries', {
        block: b.ulid,
        dir: b.dir,
      });
      void b.close();
    }
    this.blocks = keep;
    this.blocksBytesCache = keep.reduce((n, b) => n + b.size(), 0);
  }

  private deleteBlock(b: Block, reason: string): void {
    const tmp = b.dir + '.tmp-for-deletion';
    try {
      renameSync(b.dir, tmp);
    } catch {
      return;
    }
    this.logger.info('Deleting obsolete block', { block: b.ulid, reason });
    // Open readers keep their file descriptors, so the files can go at once.
    void b.close();
    rmSync(tmp, { recursive: true, force: true });
  }

  appender(): Appender {
    return this.head.appender();
  }

  walDir(): string {
    return this.wal.dir;
  }
  walPosition(): WALPosition {
    return this.wal.position();
  }
  seriesLabels(ref: number): Labels | undefined {
    return this.head.getByRef(ref)?.labels;
  }
  onWALWrite(cb: () => void): () => void {
    return this.wal.onWrite(cb);
  }
  appendedStats(): { samples: number; maxTime: number } {
    return {
      samples: this.appendedSinceOpen,
      maxTime: this.appendedSinceOpen > 0 ? this.head.maxTime : 0,
    };
  }

  querier(mint: number, maxt: number): Querier {
    const sources: ChunkQuerier[] = [];
    const releases: (() => void)[] = [];
    for (const b of this.blocks) {
      if (!b.overlaps(mint, maxt)) continue;
      releases.push(b.acquire());
      sources.push(b.chunkQuerier(mint, maxt));
    }
    if (this.head.maxTime >= mint && this.head.numSeries() > 0)
      sources.push(this.head.chunkQuerier(mint, maxt));
    return new MergeQuerier(sources, mint, maxt, () => {
      for (const r of releases) r();
    });
  }

  startTime(): number {
    if (this.blocks.length > 0) return this.blocks[0]!.minTime;
    return this.headMinTime();
  }

  private headMinTime(): number {
    return this.head.numSeries() === 0 || this.head.minTime === Number.MAX_SAFE_INTEGER
      ? 0
      : Math.max(this.head.minTime, this.head.minValidTime);
  }
  private headMaxTime(): number {
    return this.head.maxTime === Number.MIN_SAFE_INTEGER ? 0 : this.head.maxTime;
  }

  /** Compacts what is due (head ranges, then block groups), then applies retention. */
  compact(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.doCompact().finally(() => (this.running = null));
    return this.running;
  }

  private async doCompact(): Promise<void> {
    const range = this.opts.minBlockDuration;
    const started = performance.now();
    let did = false;
    // Head: while it spans more than 1.5 block ranges, cut its oldest range into a block.
    while (
      !this.closed &&
      this.head.numSeries() > 0 &&
      this.head.maxTime - Math.max(this.head.minTime, this.head.minValidTime) > (range * 3) / 2
    ) {
      const mint = Math.floor(Math.max(this.head.minTime, this.head.minValidTime) / range) * range;
      const maxt = mint + range;
      await this.compactHead(mint, maxt);
      did = true;
    }
    // Blocks: leveled, ×3 ranges up to the max block duration.
    const ranges = exponentialRanges(range, Math.max(range, this.opts.maxBlockDuration));
    for (let i = 0; i < 100 && !this.closed; i++) {
      const dirs = plan(
        this.blocks.map((b) => ({ dir: b.dir, minTime: b.minTime, maxTime: b.maxTime })),
        ranges,
      );
      if (dirs.length === 0) break;
      this.metrics.compactionsTriggered.inc();
      try {
        this.metrics.populatingBlock.set(1);
        const meta = await this.compactor
          .compact(this.dir, dirs)
          .finally(() => this.metrics.populatingBlock.set(0));
        this.metrics.compactions.inc();
        this.logger.info('compact blocks', {
          count: dirs.length,
          mint: meta.minTime,
          maxt: meta.maxTime,
          ulid: meta.ulid,
        });
        this.reloadBlocks();
      } catch (e) {
        this.metrics.compactionsFailed.inc();
        throw e;
      }
      did = true;
    }
    if (did) this.metrics.compactionDuration.observe((performance.now() - started) / 1000);
    this.applyRetention();
  }

  /** Writes head data in [mint, maxt) to a block, then truncates the head and the WAL. */
  async compactHead(mint: number, maxt: number): Promise<BlockMeta | null> {
    this.metrics.compactionsTriggered.inc();
    const series = this.headSeriesJobs(mint, maxt);
    let meta: BlockMeta | null = null;
    if (series.length > 0) {
      try {
        this.metrics.populatingBlock.set(1);
        meta = await this.compactor
          .writeHead(this.dir, join(this.dir, 'chunks_head'), series, mint, maxt)
          .finally(() => this.metrics.populatingBlock.set(0));
      } catch (e) {
        this.metrics.compactionsFailed.inc();
        throw e;
      }
      this.metrics.compactions.inc();
      this.logger.info('write block', { mint, maxt, ulid: meta.ulid });
    }
    this.reloadBlocks();
    await this.truncateHead(maxt);
    return meta;
  }

  /** What the worker needs to write head data in [mint, maxt) as a block, in label order. */
  private headSeriesJobs(mint: number, maxt: number): HeadSeriesJob[] {
    const out: { labels: Labels; job: HeadSeriesJob }[] = [];
    for (const s of this.head.series.values()) {
      const refs = s.chunks
        .filter((c) => c.maxt >= mint && c.mint < maxt)
        .map((c) => ({ mint: c.mint, maxt: c.maxt, enc: c.enc, ref: c.ref, data: c.data }));
      const open = s.lastT >= mint && s.appMint < maxt ? s.openChunk() : null;
      if (refs.length === 0 && open === null) continue;
      out.push({
        labels: s.labels,
        job: { flat: [...s.labels.flat], refs, open, ivs: this.head.tombstones.get(s.ref) ?? [] },
      });
    }
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    return out.map((x) => x.job);
  }

  private headSeriesChunks(mint: number, maxt: number): SeriesChunks[] {
    const out: SeriesChunks[] = [];
    for (const s of this.head.series.values()) {
      const cs = s.chunksIn(this.head.mapper, mint, maxt - 1)();
      if (cs.length === 0) continue;
      const chunks = finalizeChunks(
        [{ chunks: cs, ivs: this.head.tombstones.get(s.ref) ?? [] }],
        mint,
        maxt,
      );
      if (chunks.length > 0) out.push({ labels: s.labels, chunks });
    }
    return out.sort((a, b) => compareLabels(a.labels, b.labels));
  }

  private async truncateHead(mint: number): Promise<void> {
    this.metrics.headTruncations.inc();
    const gcStart = performance.now();
    try {
      this.head.truncate(mint);
      this.metrics.headGCDuration.observe((performance.now() - gcStart) / 1000);
    } catch (e) {
      this.metrics.headTruncationsFailed.inc();
      throw e;
    }
    // Checkpoint every finished segment, keeping what the head still holds (in the worker).
    this.metrics.walTruncations.inc();
    this.metrics.checkpoints.inc();
    const truncStart = performance.now();
    const upTo = this.wal.cut();
    const live = Uint32Array.from(this.head.series.keys());
    try {
      await this.compactor.checkpoint(this.wal.dir, upTo, mint, live);
      this.metrics.checkpointDeletions.inc();
      this.metrics.walTruncateDuration.observe((performance.now() - truncStart) / 1000);
    } catch (e) {
      this.metrics.checkpointsFailed.inc();
      this.metrics.walTruncationsFailed.inc();
      throw e;
    }
  }

  private applyRetention(): void {
    if (this.blocks.length === 0) return;
    const doomed = new Set<Block>();
    // Newest first by min time, as Prometheus orders its blocks; past the first block over a
    // limit, every older one goes too.
    const newestFirst = [...this.blocks].sort((a, b) => b.minTime - a.minTime);
    if (this.opts.retentionDuration > 0) {
      const newest = newestFirst[0]!.maxTime;
      const i = newestFirst.findIndex(
        (b, k) => k > 0 && newest - b.maxTime > this.opts.retentionDuration,
      );
      if (i > 0) {
        for (const b of newestFirst.slice(i)) doomed.add(b);
        this.metrics.timeRetentions.inc();
      }
    }
    if (this.opts.maxBytes > 0) {
      // The WAL and the head's chunk files count too.
      let total = this.wal.sizeBytes() + (this.mapper?.size() ?? 0);
      const i = newestFirst.findIndex((b) => (total += b.size()) > this.opts.maxBytes);
      if (i >= 0) {
        for (const b of newestFirst.slice(i)) doomed.add(b);
        this.metrics.sizeRetentions.inc();
      }
    }
    if (doomed.size === 0) return;
    for (const b of doomed) this.deleteBlock(b, 'retention');
    this.blocks = this.blocks.filter((b) => !doomed.has(b));
    this.blocksBytesCache = this.blocks.reduce((n, b) => n + b.size(), 0);
  }

  /** Marks samples of matching series in [mint, maxt] deleted (tombstones in blocks and head). */
  async delete(mint: number, maxt: number, matchers: Matcher[]): Promise<void> {
    await this.running?.catch(() => {});
    for (const b of this.blocks) {
      if (!b.overlaps(mint, maxt)) continue;
      const refs = postingsForMatchers(b.index, matchers);
      if (refs.length === 0) continue;
      const ts: TombstoneMap = new Map(
        [...b.tombstones].map(([k, v]) => [k, v.map((x) => ({ ...x }))]),
      );
      let changed = false;
      for (let i = 0; i < refs.length; i++) {
        const metas: { mint: number; maxt: number; ref: number }[] = [];
        b.index.series(refs[i]!, metas);
        if (!metas.some((c) => c.mint <= maxt && c.maxt >= mint)) continue;
        addInterval(ts, refs[i]!, {
          mint: Math.max(mint, b.minTime),
          maxt: Math.min(maxt, b.maxTime),
        });
        changed = true;
      }
      if (changed) b.setTombstones(ts);
    }
    this.head.delete(mint, maxt, matchers);
  }

  /** Rewrites blocks that carry tombstones without the deleted data. */
  async cleanTombstones(): Promise<void> {
    await this.running?.catch(() => {});
    for (const b of [...this.blocks]) {
      if (b.tombstones.size === 0) continue;
      const started = performance.now();
      const meta = await this.compactor.compact(this.dir, [b.dir]);
      this.metrics.tombstoneCleanup.observe((performance.now() - started) / 1000);
      this.logger.info('cleaned tombstones', { block: b.ulid, new: meta.ulid });
      // The rewrite names the old block as its parent; reload deletes it.
      this.reloadBlocks();
    }
  }

  /** Hard-links every block (and writes the head as a block unless withHead is false) into dir. */
  async snapshot(dir: string, withHead: boolean): Promise<void> {
    await this.running?.catch(() => {});
    try {
      this.writeSnapshot(dir, withHead);
    } catch (e) {
      // A half snapshot (a full disk) would look like a good one to whoever copies it: none is left.
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private writeSnapshot(dir: string, withHead: boolean): void {
    mkdirSync(dir, { recursive: true });
    for (const b of this.blocks) {
      const link = (src: string, dst: string): void => {
        mkdirSync(dst, { recursive: true });
        for (const f of readdirSync(src, { withFileTypes: true })) {
          if (f.isDirectory()) link(join(src, f.name), join(dst, f.name));
          else linkSync(join(src, f.name), join(dst, f.name));
        }
      };
      link(b.dir, join(dir, b.ulid));
    }
    if (withHead && this.head.numSeries() > 0 && this.head.maxTime !== Number.MIN_SAFE_INTEGER) {
      const mint = Math.max(this.head.minTime, this.head.minValidTime);
      const maxt = this.head.maxTime + 1;
      const series = this.headSeriesChunks(mint, maxt);
      if (series.length > 0) writeBlock(dir, series, mint, maxt, null);
    }
  }

  headStats(): {
    numSeries: number;
    chunkCount: number;
    minTime: number;
    maxTime: number;
    numLabelPairs: number;
  } {
    let pairs = 0;
    for (const vm of this.head.postingsMap().values()) pairs += vm.size;
    return {
      numSeries: this.head.numSeries(),
      chunkCount: this.head.numChunks(),
      minTime: this.headMinTime(),
      maxTime: this.headMaxTime(),
      numLabelPairs: pairs,
    };
  }

  /** Head cardinality, as /api/v1/status/tsdb reports it (top `limit` of each list). */
  cardinalityStats(limit: number): {
    seriesCountByMetricName: { name: string; value: number }[];
    labelValueCountByLabelName: { name: string; value: number }[];
    memoryInBytesByLabelName: { name: string; value: number }[];
    seriesCountByLabelValuePair: { name: string; value: number }[];
  } {
    const top = (xs: { name: string; value: number }[]): { name: string; value: number }[] =>
      xs.sort((a, b) => b.value - a.value || (a.name < b.name ? -1 : 1)).slice(0, limit);
    const idx = this.head.postingsMap();
    const byMetric: { name: string; value: number }[] = [];
    for (const [v, refs] of idx.get('__name__') ?? [])
      byMetric.push({ name: v, value: refs.length });
    const valueCount: { name: string; value: number }[] = [];
    const memory: { name: string; value: number }[] = [];
    const pairs: { name: string; value: number }[] = [];
    for (const [n, vm] of idx) {
      valueCount.push({ name: n, value: vm.size });
      let bytes = 0;
      for (const [v, refs] of vm) {
        bytes += Buffer.byteLength(v) * refs.length;
        pairs.push({ name: `${n}=${v}`, value: refs.length });
      }
      memory.push({ name: n, value: bytes });
    }
    return {
      seriesCountByMetricName: top(byMetric),
      labelValueCountByLabelName: top(valueCount),
      memoryInBytesByLabelName: top(memory),
      seriesCountByLabelValuePair: top(pairs),
    };
  }

  walReplayStatus(): { min: number; max: number; current: number } {
    return { ...this.replay };
  }

  blockMetas(): BlockMeta[] {
    return this.blocks.map((b) => b.meta);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    try {
      await this.running;
    } catch {
      /* already logged */
    }
    await this.compactor.close();
    this.wal.close();
    this.mapper?.close();
    await Promise.all(this.blocks.map((b) => b.close()));
    if (this.lock) {
      rmSync(this.lock.path, { force: true });
      closeSync(this.lock.fd);
      this.lock = null;
    }
  }
}

/**
 * A DB not opened yet: nothing is read or locked until init(). The server builds everything on
 * it and answers /-/healthy (and /api/v1/status/walreplay) while init() replays the WAL.
 */
export function createDB(dir: string, opts: Partial<DBOptions>, deps: DBDeps = {}): DB {
  const o: DBOptions = { ...DEFAULT_OPTIONS };
  for (const [k, v] of Object.entries(opts))
    if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  if (o.minBlockDuration <= 0) o.minBlockDuration = DEFAULT_OPTIONS.minBlockDuration;
  if (o.maxBlockDuration < o.minBlockDuration) o.maxBlockDuration = o.minBlockDuration;
  return new DB(dir, o, deps);
}

export async function openDB(
  dir: string,
  opts: Partial<DBOptions>,
  deps: DBDeps = {},
): Promise<DB> {
  const db = createDB(dir, opts, deps);
  try {
    await db.init(deps);
  } catch (e) {
    // Release what was taken (files, our lock) so the caller can retry or exit cleanly.
    await db.close().catch(() => {});
    throw e;
  }
  return db;
}
