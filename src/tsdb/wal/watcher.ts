// Tails the WAL for remote write, as Prometheus's wlog watcher does: from a position (segment,
// offset) on, every samples record written after it is handed to a consumer in order, segment
// after segment. The consumer pushes back: while it is full the watcher stops where it is, and
// the samples wait in the WAL on disk — not in memory — until poll() is called again. So an
// unreachable remote end delays its samples instead of losing them, for as long as the WAL
// keeps them.
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { FloatHistogram, Histogram } from '../../model/histogram/index.js';
import {
  REC_FLOAT_HISTOGRAM_SAMPLES,
  REC_HISTOGRAM_SAMPLES,
  REC_SAMPLES,
  decodeRecord,
  type RecordHandlers,
} from './records.js';
import { listSegments, scanRecords, segName } from './wal.js';

export interface WALPosition {
  segment: number;
  /** Byte offset in the segment where the next record (or page padding) starts. */
  offset: number;
}

export interface WatcherConsumer {
  /** One samples record. The arrays are reused after the call returns. */
  samples(refs: Float64Array, ts: Float64Array, vs: Float64Array, n: number): void;
  /** One native-histogram sample (integer h or float fh), for a consumer that sends them. */
  histogram?(ref: number, t: number, h: Histogram | null, fh: FloatHistogram | null): void;
  /** True while it takes no more: the watcher stops before the next record. */
  full(): boolean;
  /** Segments it had not read yet were removed (checkpointed) before the watcher reached them. */
  skipped(fromSegment: number, toSegment: number): void;
  /** A record the watcher cannot read; it goes on with the next segment. */
  corrupt(segment: number, reason: string): void;
  /** Every record read, by Prometheus's record type name (series, samples, tombstones, …). */
  recordRead(type: string): void;
}

const RECORD_TYPES: Record<number, string> = {
  1: 'series',
  2: 'samples',
  3: 'tombstones',
  4: 'exemplars',
  5: 'mmapmarkers',
  6: 'metadata',
  7: 'histogram_samples',
  8: 'float_histogram_samples',
};

const READ_SIZE = 1 << 20;

export class WALWatcher {
  private pos: WALPosition;
  private fd = -1;
  private fdSegment = -1;
  private buf = Buffer.allocUnsafe(READ_SIZE);
  private refs = new Float64Array(1024);
  private ts = new Float64Array(1024);
  private vs = new Float64Array(1024);
  private n = 0;
  private readonly handlers: RecordHandlers;

  constructor(
    private readonly dir: string,
    start: WALPosition,
    private readonly consumer: WatcherConsumer,
  ) {
    this.pos = { ...start };
    this.handlers = {
      series: () => {},
      tombstone: () => {},
      sample: (ref, t, v) => {
        if (this.n === this.refs.length) this.grow();
        this.refs[this.n] = ref;
        this.ts[this.n] = t;
        this.vs[this.n] = v;
        this.n++;
      },
    };
    // Histogram records are decoded only for a consumer that sends them.
    if (consumer.histogram) {
      const send = consumer.histogram.bind(consumer);
      this.handlers.histogram = (ref, t, h) => send(ref, t, h, null);
      this.handlers.floatHistogram = (ref, t, fh) => send(ref, t, null, fh);
    }
  }

  position(): WALPosition {
    return { ...this.pos };
  }

  /** Reads what was written since the last call until it is caught up (true) or the consumer is full (false). */
  poll(): boolean {
    for (;;) {
      if (this.consumer.full()) return false;
      const size = this.segmentSize();
      if (size < 0) {
        // Removed by a checkpoint before we read it all: go on with the oldest segment left.
        const next = listSegments(this.dir).find((s) => s > this.pos.segment);
        if (next === undefined) return true;
        this.consumer.skipped(this.pos.segment, next - 1);
        this.pos = { segment: next, offset: 0 };
        continue;
      }
      if (this.pos.offset < size) {
        if (!this.readSome(size)) return true;
        continue;
      }
      // The writer moves to a new segment only when it is done with this one.
      if (!existsSync(this.path(this.pos.segment + 1))) return true;
      this.pos = { segment: this.pos.segment + 1, offset: 0 };
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.fdSegment = -1;
  }

  /** Hands over whole records between the position and size; false when nothing more can be read now. */
  private readSome(size: number): boolean {
    const want = Math.min(size - this.pos.offset, this.buf.length);
    const got = readSync(this.fd, this.buf, 0, want, this.pos.offset);
    const seg = this.pos.segment;
    const r = scanRecords(this.buf.subarray(0, got), this.pos.offset, this.path(seg), (rec) => {
      this.consumer.recordRead(RECORD_TYPES[rec[0]!] ?? 'unknown');
      if (rec[0] !== REC_SAMPLES) {
        if (
          this.consumer.histogram &&
          (rec[0] === REC_HISTOGRAM_SAMPLES || rec[0] === REC_FLOAT_HISTOGRAM_SAMPLES)
        )
          decodeRecord(rec, this.handlers);
        return true;
      }
      this.n = 0;
      decodeRecord(rec, this.handlers);
      if (this.n > 0) this.consumer.samples(this.refs, this.ts, this.vs, this.n);
      return !this.consumer.full();
    });
    if (r.corruption !== null) {
      this.consumer.corrupt(seg, r.corruption);
      this.pos = { segment: seg + 1, offset: 0 };
      return existsSync(this.path(seg + 1));
    }
    if (r.good === this.pos.offset && r.partial) {
      // A record longer than the read buffer: read more at once. A record still being written
      // (never, as commits are whole writes) waits for the next poll.
      if (got < this.buf.length) return false;
      this.buf = Buffer.allocUnsafe(this.buf.length * 2);
      return true;
    }
    this.pos.offset = r.good;
    return true;
  }

  /** Size of the current segment, opening it as needed; -1 when it was removed before we opened it. */
  private segmentSize(): number {
    if (this.fdSegment !== this.pos.segment) {
      this.close();
      try {
        this.fd = openSync(this.path(this.pos.segment), 'r');
      } catch {
        return -1;
      }
      this.fdSegment = this.pos.segment;
    }
    // Once open, a segment stays readable to its end even if a checkpoint removes it meanwhile.
    return fstatSync(this.fd).size;
  }

  private path(segment: number): string {
    return join(this.dir, segName(segment));
  }

  private grow(): void {
    const len = this.refs.length * 2;
    for (const k of ['refs', 'ts', 'vs'] as const) {
      const a = new Float64Array(len);
      a.set(this[k]);
      this[k] = a;
    }
  }
}
