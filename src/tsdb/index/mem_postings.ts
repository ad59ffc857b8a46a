// The head's in-memory inverted index (Prometheus's index.MemPostings): label name → value →
// sorted series refs, plus the sorted list of every ref. Lists stay sorted as series are added;
// removing series rebuilds the whole index (truncation removes many at once, rarely).
import type { PostingsList } from './postings.js';

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function insertSorted(list: number[], r: number): void {
  if (list.length === 0 || list[list.length - 1]! < r) {
    list.push(r);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (list[m]! < r) lo = m + 1;
    else hi = m;
  }
  if (list[lo] !== r) list.splice(lo, 0, r);
}

export class MemPostings {
  private idx = new Map<string, Map<string, number[]>>();
  private all: number[] = [];

  /** Indexes a series by its sorted flat label pairs [name, value, …]. */
  add(ref: number, flat: readonly string[]): void {
    for (let i = 0; i < flat.length; i += 2) {
      let vm = this.idx.get(flat[i]!);
      if (!vm) this.idx.set(flat[i]!, (vm = new Map()));
      const list = vm.get(flat[i + 1]!);
      if (list) insertSorted(list, ref);
      else vm.set(flat[i + 1]!, [ref]);
    }
    insertSorted(this.all, ref);
  }

  /** Replaces the index with one of exactly these series (refs in any order). */
  rebuild(series: Iterable<{ ref: number; flat: readonly string[] }>): void {
    const list = [...series].sort((a, b) => a.ref - b.ref);
    const idx = new Map<string, Map<string, number[]>>();
    for (const { ref, flat } of list) {
      for (let i = 0; i < flat.length; i += 2) {
        let vm = idx.get(flat[i]!);
        if (!vm) idx.set(flat[i]!, (vm = new Map()));
        const l = vm.get(flat[i + 1]!);
        if (l) l.push(ref);
        else vm.set(flat[i + 1]!, [ref]);
      }
    }
    this.idx = idx;
    this.all = list.map((s) => s.ref);
  }

  postings(name: string, value: string): PostingsList {
    return this.idx.get(name)?.get(value) ?? [];
  }

  labelValues(name: string): readonly string[] {
    const vm = this.idx.get(name);
    return vm ? [...vm.keys()].sort(cmpStr) : [];
  }

  allPostings(): PostingsList {
    return this.all;
  }

  labelNames(): string[] {
    return [...this.idx.keys()].sort(cmpStr);
  }

  /** The index itself (name → value → refs), for statistics; not to be changed. */
  map(): Map<string, Map<string, number[]>> {
    return this.idx;
  }
}
