// What one query's evaluation shares across its evaluators (subqueries make nested ones): the
// storage, the limits (samples, deadline, cancellation), statistics and warnings. Evaluation
// yields to the event loop from its loops so a heavy query never stalls scraping for long.
import { setImmediate as yieldMacrotask } from 'node:timers/promises';
import type { Matcher, Labels } from '../model/labels/index.js';
import type { Queryable, SelectHints } from '../storage/index.js';
import { startPosInput, type PositionRange } from './parser/index.js';
import { StorageReadError, ValueType } from '../storage/index.js';
import { PromQLError, tooManySamples } from './errors.js';
import { isStaleNaN as isStale } from '../model/value/index.js';

const YIELD_EVERY_MS = 10;

export class QueryContext {
  currentSamples = 0;
  peakSamples = 0;
  totalQueryableSamples = 0;
  /** Annotations (Prometheus's warnings and infos), each once, in the order they arose. */
  readonly warnings = new Set<string>();
  private lastYield = performance.now();
  private scratchT = new Float64Array(1024);
  private scratchF = new Float64Array(1024);

  constructor(
    readonly queryable: Queryable,
    readonly maxSamples: number,
    readonly deadline: number,
    readonly signal: AbortSignal | undefined,
    /** The query's own start and end, which `start()` and `end()` refer to. */
    readonly queryStart: number,
    readonly queryEnd: number,
    readonly defaultSubqueryStep: number,
    readonly query: string,
  ) {}

  /** Records an annotation with the position of the expression it is about, as Prometheus words it. */
  annotate(message: string, pos: PositionRange): void {
    this.warnings.add(`${message} (${startPosInput(this.query, pos.start)})`);
  }

  /** Accounts for n more samples held in memory; throws past --query.max-samples. */
  add(n: number): void {
    this.currentSamples += n;
    if (this.currentSamples > this.peakSamples) this.peakSamples = this.currentSamples;
    if (this.currentSamples > this.maxSamples) throw tooManySamples('query execution');
  }

  release(n: number): void {
    this.currentSamples -= n;
  }

  /**
   * Asked once per series; when true the caller awaits yieldNow(), which also checks the limits.
   * The clock is read on every call: a query over a few long series must still see its deadline.
   */
  shouldYield(): boolean {
    return performance.now() - this.lastYield > YIELD_EVERY_MS;
  }

  async yieldNow(): Promise<void> {
    await yieldMacrotask();
    this.lastYield = performance.now();
    this.checkLimits();
  }

  checkLimits(): void {
    if (this.signal?.aborted)
      throw new PromQLError('canceled', 'query was canceled in expression evaluation');
    if (performance.now() > this.deadline)
      throw new PromQLError('timeout', 'query timed out in expression evaluation');
  }

  /**
   * Calls fn with each series matching the matchers and its n samples in [mint, maxt], one
   * series at a time: the arrays are reused, valid only during the call. Evaluation keeps what
   * it derives from a series, not its raw samples, so a long range over many series never holds
   * them all.
   */
  async eachSeries(
    mint: number,
    maxt: number,
    matchers: Matcher[],
    hints: SelectHints,
    dropStale: boolean,
    fn: (metric: Labels, ts: Float64Array, fs: Float64Array, n: number) => void,
  ): Promise<void> {
    this.checkLimits();
    const q = this.queryable.querier(mint, maxt);
    try {
      const ss = q.select(true, hints, ...matchers);
      while (ss.next()) {
        const s = ss.at();
        let it;
        try {
          it = s.iterator();
        } catch (e) {
          // A damaged chunk: the query fails with it, as Prometheus's does.
          if (e instanceof StorageReadError) throw new PromQLError('execution', e.message);
          throw e;
        }
        let n = 0;
        let vt = it.seek(mint);
        while (vt !== ValueType.None) {
          const t = it.atT();
          if (t > maxt) break;
          if (vt === ValueType.Float) {
            const f = it.atF();
            if (!(dropStale && isStale(f))) {
              if (n === this.scratchT.length) this.grow();
              this.scratchT[n] = t;
              this.scratchF[n] = f;
              n++;
            }
          }
          vt = it.next();
        }
        const err = it.err();
        if (err) throw new PromQLError('execution', err.message);
        this.totalQueryableSamples += n;
        fn(s.labels, this.scratchT, this.scratchF, n);
        if (this.shouldYield()) await this.yieldNow();
      }
      const err = ss.err();
      if (err) throw new PromQLError('execution', `expanding series: ${err.message}`);
      for (const w of ss.warnings()) this.warnings.add(w);
    } finally {
      q.close();
    }
  }

  private grow(): void {
    const t = new Float64Array(this.scratchT.length * 2);
    t.set(this.scratchT);
    this.scratchT = t;
    const f = new Float64Array(this.scratchF.length * 2);
    f.set(this.scratchF);
    this.scratchF = f;
  }
}

export { isStaleNaN as isStale } from '../model/value/index.js';
