// Reads a block's `index` file (format v2; v1 refused with a clear error). The file is loaded and
// every section's checksum verified at open, so a damaged index is found before it serves queries.
import { readFileSync } from 'node:fs';
import { Labels } from '../../model/labels/index.js';
import { DecBuf, crc32c } from '../encoding/index.js';
import type { PostingsList, PostingsSource } from './postings.js';
import { MAGIC_INDEX, type ChunkMeta } from './writer.js';

export class IndexError extends Error {
  /** Prometheus's words for what is wrong, without the file (e.g. "invalid checksum"), where they differ. */
  readonly reason: string;
  constructor(message: string, reason?: string) {
    super(message);
    this.reason = reason ?? message;
  }
}

interface NameEntry {
  values: string[];
  offsets: number[];
}

export class IndexReader implements PostingsSource {
  private readonly b: Buffer;
  private readonly symbols: string[] = [];
  private readonly postingsTable = new Map<string, NameEntry>();
  private allOff = -1;
  readonly path: string;

  constructor(path: string) {
    this.path = path;
    this.b = readFileSync(path);
    const b = this.b;
    if (b.length < 5 + 52) throw new IndexError(`${path}: index size ${b.length} too small`);
    if (b.readUInt32BE(0) !== MAGIC_INDEX)
      throw new IndexError(`${path}: invalid magic number ${b.readUInt32BE(0).toString(16)}`);
    if (b[4] !== 2) throw new IndexError(`${path}: unknown index file version ${b[4]}`);
    const tocOff = b.length - 52;
    if (crc32c(b, tocOff, tocOff + 48) !== b.readUInt32BE(tocOff + 48))
      throw new IndexError(
        `${path}: read TOC: checksum mismatch`,
        'read TOC: read TOC: invalid checksum',
      );
    const r = new DecBuf(b, tocOff, tocOff + 48);
    const symOff = r.be64();
    r.be64(); // series
    r.be64(); // label indices
    r.be64(); // label offset table
    r.be64(); // postings
    const poOff = r.be64();

    const sym = this.sectionAt(symOff, 'symbols');
    const n = sym.be32();
    for (let i = 0; i < n; i++) this.symbols.push(sym.uvarintStr());

    const po = this.sectionAt(poOff, 'postings offset table');
    const cnt = po.be32();
    for (let i = 0; i < cnt; i++) {
      const k = po.uvarint();
      if (k !== 2)
        throw new IndexError(`${path}: unexpected number of keys for postings offset table ${k}`);
      const name = po.uvarintStr();
      const value = po.uvarintStr();
      const off = po.uvarint();
      if (name === '' && value === '') {
        this.allOff = off;
        continue;
      }
      let e = this.postingsTable.get(name);
      if (!e) this.postingsTable.set(name, (e = { values: [], offsets: [] }));
      e.values.push(value);
      e.offsets.push(off);
    }
  }

  /** A decoder over a `len <4b>`-prefixed section at off, its CRC checked. */
  private sectionAt(off: number, what: string): DecBuf {
    const b = this.b;
    if (off + 4 > b.length)
      throw new IndexError(`${this.path}: ${what}: offset ${off} beyond file`);
    const len = b.readUInt32BE(off);
    const end = off + 4 + len;
    if (end + 4 > b.length) throw new IndexError(`${this.path}: ${what}: invalid size`);
    if (crc32c(b, off + 4, end) !== b.readUInt32BE(end))
      throw new IndexError(`${this.path}: ${what}: checksum mismatch`);
    return new DecBuf(b, off + 4, end);
  }

  /** Reads every postings list and series entry once (checksums), so damage is found at open. */
  verify(checkRef?: (ref: number) => boolean): { series: number; chunks: number } {
    const all = this.allPostings();
    let chunks = 0;
    for (const e of this.postingsTable.values())
      for (const off of e.offsets) this.readPostings(off);
    const metas: ChunkMeta[] = [];
    for (let i = 0; i < all.length; i++) {
      metas.length = 0;
      this.series(all[i]!, metas);
      chunks += metas.length;
      if (checkRef)
        for (const m of metas)
          if (!checkRef(m.ref))
            throw new IndexError(
              `${this.path}: series ${all[i]} references a chunk beyond its segment file (truncated?)`,
            );
    }
    return { series: all.length, chunks };
  }

  private readPostings(off: number): Uint32Array {
    const d = this.sectionAt(off, 'postings');
    const n = d.be32();
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = d.be32();
    return out;
  }

  postings(name: string, value: string): PostingsList {
    const e = this.postingsTable.get(name);
    if (!e) return [];
    let lo = 0;
    let hi = e.values.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (e.values[m]! < value) lo = m + 1;
      else hi = m;
    }
    if (lo >= e.values.length || e.values[lo] !== value) return [];
    return this.readPostings(e.offsets[lo]!);
  }

  labelValuesFor(name: string): readonly string[] {
    return this.postingsTable.get(name)?.values ?? [];
  }

  labelNamesAll(): string[] {
    return [...this.postingsTable.keys()];
  }

  allPostings(): PostingsList {
    return this.allOff < 0 ? [] : this.readPostings(this.allOff);
  }

  symbolCount(): number {
    return this.symbols.length;
  }

  /** Approximate in-memory size of the symbol table (UTF-16 code units × 2). */
  symbolBytes(): number {
    let n = 0;
    for (const s of this.symbols) n += s.length * 2;
    return n;
  }

  /** Labels and chunk metas of a series by its ID (offset/16). */
  series(id: number, chunks: ChunkMeta[] | null): Labels {
    const b = this.b;
    const off = id * 16;
    const d0 = new DecBuf(b, off);
    const len = d0.uvarint();
    const start = d0.off;
    if (start + len + 4 > b.length)
      throw new IndexError(`${this.path}: series ${id}: invalid size`, 'invalid size');
    if (crc32c(b, start, start + len) !== b.readUInt32BE(start + len))
      throw new IndexError(`${this.path}: series ${id}: checksum mismatch`, 'invalid checksum');
    const d = new DecBuf(b, start, start + len);
    const nl = d.uvarint();
    const flat: string[] = new Array(nl * 2);
    for (let i = 0; i < nl * 2; i++) {
      const s = this.symbols[d.uvarint()];
      if (s === undefined) throw new IndexError(`${this.path}: series ${id}: symbol out of range`);
      flat[i] = s;
    }
    if (chunks !== null) {
      const nc = d.uvarint();
      let maxt = 0;
      let ref = 0;
      for (let i = 0; i < nc; i++) {
        let mint: number;
        if (i === 0) {
          mint = d.varint();
          maxt = mint + d.uvarint();
          ref = d.uvarint();
        } else {
          mint = maxt + d.uvarint();
          maxt = mint + d.uvarint();
          ref += d.varint();
        }
        chunks.push({ mint, maxt, ref });
      }
    }
    return Labels.fromSortedFlat(flat);
  }

  size(): number {
    return this.b.length;
  }
}
