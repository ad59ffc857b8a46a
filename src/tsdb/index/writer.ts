// Writes a block's `index` file in Prometheus's format v2: symbol table, series (16-byte aligned,
// ID = offset/16), label indices, postings (4-byte aligned), label offset table, postings offset
// table, TOC — every section with its CRC32C. The whole file is built in memory then written once.
import { writeFileSync } from 'node:fs';
import { compareStrings as cmpStr, type Labels } from '../../model/labels/index.js';
import { EncBuf, crc32c } from '../encoding/index.js';

export const MAGIC_INDEX = 0xbaaad700;
export const INDEX_VERSION = 2;

export interface ChunkMeta {
  mint: number;
  maxt: number;
  ref: number;
}

export interface IndexSeries {
  labels: Labels;
  chunks: ChunkMeta[];
}

/** Appends `len <4b>` + body + CRC, where body is written by fn. */
function section(out: EncBuf, fn: (b: EncBuf) => void): void {
  const lenPos = out.len;
  out.putBE32(0);
  const start = out.len;
  fn(out);
  const n = out.len - start;
  out.setBE32(lenPos, n);
  out.putBE32(crc32c(out.b, start, start + n));
}

/** Writes the index for series already sorted by labels. */
export function writeIndex(path: string, series: readonly IndexSeries[]): void {
  // Prometheus's symbol tables always hold the empty string (the all-postings key's name/value).
  const symSet = new Set<string>(['']);
  for (const s of series) for (const x of s.labels.flat) symSet.add(x);
  const symbols = [...symSet].sort(cmpStr);
  const symIdx = new Map<string, number>();
  symbols.forEach((s, i) => symIdx.set(s, i));

  const out = new EncBuf(1 << 20);
  out.putBE32(MAGIC_INDEX);
  out.putByte(INDEX_VERSION);

  const toc = {
    symbols: out.len,
    series: 0,
    labelIndices: 0,
    labelOffsets: 0,
    postings: 0,
    postingsOffsets: 0,
  };
  section(out, (b) => {
    b.putBE32(symbols.length);
    for (const s of symbols) b.putUvarintStr(s);
  });

  // Series.
  // The TOC points at where a section begins, before its first entry's alignment padding.
  toc.series = out.len;
  const ids: number[] = [];
  const postings = new Map<string, Map<string, number[]>>();
  const body = new EncBuf(4096);
  for (const s of series) {
    out.padTo(16);
    const id = out.len / 16;
    ids.push(id);
    body.reset();
    const f = s.labels.flat;
    body.putUvarint(f.length / 2);
    for (let i = 0; i < f.length; i += 2) {
      body.putUvarint(symIdx.get(f[i]!)!);
      body.putUvarint(symIdx.get(f[i + 1]!)!);
      let vm = postings.get(f[i]!);
      if (!vm) postings.set(f[i]!, (vm = new Map()));
      const l = vm.get(f[i + 1]!);
      if (l) l.push(id);
      else vm.set(f[i + 1]!, [id]);
    }
    body.putUvarint(s.chunks.length);
    let prevMaxt = 0;
    let prevRef = 0;
    s.chunks.forEach((c, i) => {
      if (i === 0) {
        body.putVarint(c.mint);
        body.putUvarint(c.maxt - c.mint);
        body.putUvarint(c.ref);
      } else {
        body.putUvarint(c.mint - prevMaxt);
        body.putUvarint(c.maxt - c.mint);
        body.putVarint(c.ref - prevRef);
      }
      prevMaxt = c.maxt;
      prevRef = c.ref;
    });
    const bb = body.bytes();
    out.putUvarint(bb.length);
    out.putBytes(bb);
    out.putBE32(crc32c(bb));
  }

  const names = [...postings.keys()].sort(cmpStr);

  // Label indices (no longer read by Prometheus, still written by it).
  toc.labelIndices = out.len;
  const labelIndexOffsets: number[] = [];
  for (const n of names) {
    out.padTo(4);
    labelIndexOffsets.push(out.len);
    const values = [...postings.get(n)!.keys()].sort(cmpStr);
    section(out, (b) => {
      b.putBE32(1);
      b.putBE32(values.length);
      for (const v of values) b.putBE32(symIdx.get(v)!);
    });
  }

  // Postings: the all-series list under the empty label pair first, then by name and value.
  toc.postings = out.len;
  const pEntries: { name: string; value: string; off: number }[] = [];
  const writePostings = (name: string, value: string, refs: readonly number[]): void => {
    out.padTo(4);
    pEntries.push({ name, value, off: out.len });
    section(out, (b) => {
      b.putBE32(refs.length);
      for (const r of refs) b.putBE32(r);
    });
  };
  writePostings('', '', ids);
  for (const n of names) {
    const vm = postings.get(n)!;
    for (const v of [...vm.keys()].sort(cmpStr)) writePostings(n, v, vm.get(v)!);
  }

  toc.labelOffsets = out.len;
  section(out, (b) => {
    b.putBE32(names.length);
    names.forEach((n, i) => {
      b.putUvarint(1);
      b.putUvarintStr(n);
      b.putUvarint(labelIndexOffsets[i]!);
    });
  });

  toc.postingsOffsets = out.len;
  section(out, (b) => {
    b.putBE32(pEntries.length);
    for (const e of pEntries) {
      b.putUvarint(2);
      b.putUvarintStr(e.name);
      b.putUvarintStr(e.value);
      b.putUvarint(e.off);
    }
  });

  const tocStart = out.len;
  out.putBE64(toc.symbols);
  out.putBE64(toc.series);
  out.putBE64(toc.labelIndices);
  out.putBE64(toc.labelOffsets);
  out.putBE64(toc.postings);
  out.putBE64(toc.postingsOffsets);
  out.putBE32(crc32c(out.b, tocStart, out.len));
  writeFileSync(path, out.bytes());
}
