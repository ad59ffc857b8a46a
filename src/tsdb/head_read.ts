// The head's read path: a ChunkQuerier over the head's series for a time range — the series the
// postings select, their chunks in range (the open one copied at select time), their deletions.
import { compareLabels, type Matcher } from '../model/labels/index.js';
import type { Head } from './head.js';
import { NO_T, type MemSeries } from './mem_series.js';
import { postingsForMatchers } from './index/index.js';
import { cmpStr, type ChunkQuerier, type ChunkSeries } from './series.js';

export class HeadChunkQuerier implements ChunkQuerier {
  constructor(
    private readonly head: Head,
    private readonly mint: number,
    private readonly maxt: number,
  ) {}

  private matching(matchers: readonly Matcher[]): MemSeries[] {
    const refs = postingsForMatchers(this.head, matchers);
    const out: MemSeries[] = [];
    for (let i = 0; i < refs.length; i++) {
      const s = this.head.series.get(refs[i]!);
      if (s === undefined || s.lastT === NO_T) continue;
      if (s.lastT < this.mint || s.minTime() > this.maxt) continue;
      out.push(s);
    }
    return out;
  }

  selectChunks(matchers: readonly Matcher[]): ChunkSeries[] {
    const list = this.matching(matchers);
    list.sort((a, b) => compareLabels(a.labels, b.labels));
    const tomb = this.head.tombstones;
    const mint = this.mint;
    const maxt = this.maxt;
    const mapper = this.head.mapper;
    return list.map((s) => ({
      labels: s.labels,
      chunks: s.chunksIn(mapper, mint, maxt),
      intervals: tomb.get(s.ref) ?? [],
    }));
  }

  labelValues(name: string, matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return [...this.head.labelValuesFor(name)];
    const set = new Set<string>();
    for (const s of this.matching(matchers)) {
      const v = s.labels.get(name);
      if (v !== '') set.add(v);
    }
    return [...set].sort(cmpStr);
  }

  labelNames(matchers: readonly Matcher[]): string[] {
    if (matchers.length === 0) return this.head.labelNamesAll();
    const set = new Set<string>();
    for (const s of this.matching(matchers)) for (const n of s.labels.names()) set.add(n);
    return [...set].sort(cmpStr);
  }
}
