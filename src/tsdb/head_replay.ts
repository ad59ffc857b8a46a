// WAL replay into the head: series records recreate series (keeping their WAL refs where free, an
// alias otherwise), sample records append to them as committed samples, tombstone records become
// deletions, histogram sample records append histograms. Records of types the head does not apply
// (exemplars, metadata…) are counted, and stay in the WAL.
import type { FloatHistogram, Histogram } from '../model/histogram/index.js';
import type { Labels } from '../model/labels/index.js';
import type { Head } from './head.js';
import type { Interval } from './series.js';
import { decodeRecord, type RecordHandlers, type WALRecord } from './wal/index.js';

export class HeadReplayer {
  /** WAL refs that named a series the head already had under another ref. */
  private readonly alias = new Map<number, number>();
  private readonly handlers: RecordHandlers;

  constructor(private readonly head: Head) {
    this.handlers = {
      series: (ref, labels) => this.replaySeries(ref, labels),
      sample: (ref, t, v) => this.replaySample(ref, t, v),
      tombstone: (ref, mint, maxt) => this.replayTombstone(ref, { mint, maxt }),
      histogram: (ref, t, h) => this.replayHistogram(ref, t, h, null),
      floatHistogram: (ref, t, fh) => this.replayHistogram(ref, t, null, fh),
      unknown: (type) => this.head.counters.walUnsupportedRecord(type),
    };
  }

  /** Applies one WAL record (Prometheus's encoding). */
  replayRecord(r: WALRecord): void {
    decodeRecord(r, this.handlers);
  }

  end(): void {
    this.alias.clear();
  }

  /** Replays one sample (refs as the WAL named them, see replaySeries). */
  replaySample(ref: number, t: number, v: number): void {
    const head = this.head;
    const s = head.byRef[this.alias.size > 0 ? (this.alias.get(ref) ?? ref) : ref];
    if (s === undefined || t <= s.lastT || t < head.minValidTime) return;
    if (s.appendSample(t, v, head.chunkRange, head.mapper, head.arena))
      head.counters.chunksCreated(1);
    if (t < head.minTime) head.minTime = t;
    if (t > head.maxTime) head.maxTime = t;
  }

  /** Replays one histogram sample (integer h or float fh), whatever --enable-feature says, as Prometheus does. */
  replayHistogram(ref: number, t: number, h: Histogram | null, fh: FloatHistogram | null): void {
    const head = this.head;
    const s = head.byRef[this.alias.size > 0 ? (this.alias.get(ref) ?? ref) : ref];
    if (s === undefined || t <= s.lastT || t < head.minValidTime) return;
    if (s.appendHistogram(t, h, fh, head.chunkRange, head.mapper)) head.counters.chunksCreated(1);
    if (t < head.minTime) head.minTime = t;
    if (t > head.maxTime) head.maxTime = t;
  }

  replayTombstone(ref: number, iv: Interval): void {
    this.head.addTombstone(this.alias.get(ref) ?? ref, iv);
  }

  replaySeries(ref: number, labels: Labels): void {
    const { s } = this.head.getOrCreate(labels, this.head.byRef[ref] === undefined ? ref : 0);
    s.logged = true;
    if (s.ref !== ref) this.alias.set(ref, s.ref);
  }
}
