// The two doors to storage: Appender (write) and Querier (read). Everything that stores or reads
// samples goes through these; nothing outside src/tsdb knows about chunks, WAL or blocks — but
// remote write, which tails the WAL as Prometheus's does, through WALSource.
// Timestamps are milliseconds since the epoch; values are float64 (a sample may later carry a
// native histogram, so iterators report the kind of value at each position).
import type { FloatHistogram, Histogram } from '../model/histogram/index.js';
import type { Labels, Matcher } from '../model/labels/index.js';

/** A series reference handed out by an Appender; 0 means "unknown, look it up by labels". */
export type SeriesRef = number;

export { ValueType } from '../model/value/index.js';
import { ValueType } from '../model/value/index.js';

export interface Appender {
  /**
   * Adds a sample. Returns the series ref to pass next time for the same series (cheaper).
   * Throws a StorageError (out of order, duplicate, out of bounds…) for a sample that cannot go in;
   * the rest of the batch is unaffected.
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /**
   * Adds a native-histogram sample: an integer histogram h, or a float histogram fh (the other
   * null), as Prometheus's AppendHistogram. Throws as append does, and errNativeHistogramsDisabled
   * unless the storage was opened with native histograms on (--enable-feature=native-histograms).
   */
  appendHistogram(
    ref: SeriesRef,
    labels: Labels,
    t: number,
    h: Histogram | null,
    fh: FloatHistogram | null,
  ): SeriesRef;
  /** Makes the whole batch durable (WAL) and visible to queries. */
  commit(): Promise<void>;
  /** Drops the whole batch. */
  rollback(): Promise<void>;
}

export interface Appendable {
  appender(): Appender;
}

/** What remote write reads: the WAL from a position on, and the labels of the series its records name. */
export interface WALSource {
  walDir(): string;
  /** Where the next record will be written. */
  walPosition(): { segment: number; offset: number };
  /** Labels of a series the head holds (WAL records name series by ref). */
  seriesLabels(ref: SeriesRef): Labels | undefined;
  /** cb after every WAL write (it should only schedule work); returns the unsubscribe. */
  onWALWrite(cb: () => void): () => void;
  /** Samples appended since the storage opened, and the highest timestamp stored (ms; 0: none yet). */
  appendedStats(): { samples: number; maxTime: number };
}

/** Iterates one series' samples in time order. Positioning calls return what is under the cursor. */
export interface SeriesIterator {
  /** Advance to the next sample. */
  next(): ValueType;
  /** Advance to the first sample with timestamp >= t (never moves backwards). */
  seek(t: number): ValueType;
  /** Timestamp of the current sample. */
  atT(): number;
  /** Float value of the current sample (when next/seek said ValueType.Float). */
  atF(): number;
  /** The integer native histogram of the current sample (ValueType.Histogram). */
  atHistogram(): Histogram;
  /** The current sample as a float histogram (ValueType.FloatHistogram, or Histogram converted). */
  atFloatHistogram(): FloatHistogram;
  err(): Error | null;
}

export interface Series {
  readonly labels: Labels;
  iterator(): SeriesIterator;
}

/** Iterates series, sorted by labels when asked. */
export interface SeriesSet {
  next(): boolean;
  at(): Series;
  err(): Error | null;
  warnings(): string[];
}

/** What the query engine knows about why it selects (Prometheus's storage.SelectHints). */
export interface SelectHints {
  start: number;
  end: number;
  step?: number;
  func?: string;
  range?: number;
  grouping?: string[];
  by?: boolean;
  /**
   * The caller reads native-histogram samples (atHistogram/atFloatHistogram). Without it the
   * iterators yield float samples only, as before: no reader but promtool's dump (and, later,
   * PromQL, the API and remote write) interprets histograms yet, and a histogram is never to be
   * read as a float.
   */
  histograms?: boolean;
}

export interface Querier {
  /** Series matching all matchers, with samples in [mint, maxt] of the querier. */
  select(sortSeries: boolean, hints: SelectHints | undefined, ...matchers: Matcher[]): SeriesSet;
  /** Values of a label among series matching the matchers (all series when none), sorted. */
  labelValues(name: string, ...matchers: Matcher[]): string[];
  /** Label names among series matching the matchers (all series when none), sorted. */
  labelNames(...matchers: Matcher[]): string[];
  close(): void;
}

export interface Queryable {
  querier(mint: number, maxt: number): Querier;
}

export interface Storage extends Queryable, Appendable {
  /** Oldest timestamp stored (ms), for remote read and the API. */
  startTime(): number;
  close(): Promise<void>;
}
