// An Appendable that writes to the primary storage (the TSDB) and, once a batch is committed to it,
// hands the same samples to secondary sinks (remote write queues). With no sinks it returns the
// primary's appender untouched, so the common case costs nothing.
import type { Labels } from '../model/labels/index.js';
import type { Appendable, Appender, SeriesRef } from './interface.js';

/** Receives committed samples; must not block (it queues). */
export interface SampleSink {
  appendCommitted(labels: readonly Labels[], ts: Float64Array, vs: Float64Array, n: number): void;
}

export class FanoutAppendable implements Appendable {
  private sinks: SampleSink[] = [];

  constructor(private readonly primary: Appendable) {}

  setSinks(sinks: SampleSink[]): void {
    this.sinks = sinks;
  }

  appender(): Appender {
    const inner = this.primary.appender();
    if (this.sinks.length === 0) return inner;
    return new TeeAppender(inner, this.sinks);
  }
}

class TeeAppender implements Appender {
  private labels: Labels[] = [];
  private ts = new Float64Array(256);
  private vs = new Float64Array(256);
  private n = 0;

  constructor(private readonly inner: Appender, private readonly sinks: SampleSink[]) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const r = this.inner.append(ref, labels, t, v); // throws on rejection: a rejected sample is not forwarded
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      ts.set(this.ts);
      this.ts = ts;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.vs);
      this.vs = vs;
    }
    this.labels.push(labels);
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
    return r;
  }

  async commit(): Promise<void> {
    await this.inner.commit();
    if (this.n > 0) for (const s of this.sinks) s.appendCommitted(this.labels, this.ts, this.vs, this.n);
    this.n = 0;
    this.labels = [];
  }

  async rollback(): Promise<void> {
    this.n = 0;
    this.labels = [];
    await this.inner.rollback();
  }
}
