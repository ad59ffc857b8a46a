// On-disk decoding of the TSDB: WAL segments (fragments, CRCs, snappy, records) and chunks (the
// XOR encoding and chunk segment files). Refusals: a WAL scan reports corruption in its result
// and throws only UnsupportedWALError; a record decodes or throws the encoding's DecodeError; a
// chunk file throws ChunkFileError; an XOR iterator never throws (it ends and reports err()).
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { scratchDir } from '../scratch.js';
import { join } from 'node:path';
import { DecodeError, EncBuf } from '../../../src/tsdb/encoding/index.js';
import {
  decodeRecord,
  encodeSamplesRecord,
  encodeSeriesRecord,
  encodeTombstonesRecord,
  frameRecords,
  scanRecords,
  UnsupportedWALError,
  type RecordHandlers,
} from '../../../src/tsdb/wal/index.js';
import {
  ChunkFileError,
  ChunkReader,
  ChunkWriter,
  segmentFileName,
} from '../../../src/tsdb/chunks/index.js';
import { ENC_XOR, XORAppender, XORIterator } from '../../../src/tsdb/chunkenc/index.js';
import { Labels } from '../../../src/model/labels/index.js';
import { labelName, labelValue, nearValidBytes } from '../arbitraries.js';
import { PropertyViolation, type Target } from '../target.js';

const ref = fc.oneof(fc.nat(1000), fc.constantFrom(0, 2 ** 32, 2 ** 53 - 1));
const time = fc.oneof(
  fc.integer({ min: -1e6, max: 2e12 }),
  fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53) + 1),
);

/** One WAL record as the head writes it. */
export const walRecord: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .array(
      fc.record({
        ref,
        labels: fc
          .array(fc.tuple(labelName, labelValue), { maxLength: 4 })
          .map((p) => Labels.fromPairs(p)),
      }),
      { maxLength: 3 },
    )
    .map((s) => {
      const e = new EncBuf();
      encodeSeriesRecord(e, s);
      return e.bytes().slice();
    }),
  fc.array(fc.tuple(ref, time, fc.double()), { maxLength: 5 }).map((ss) => {
    const e = new EncBuf();
    encodeSamplesRecord(
      e,
      ss.map((s) => s[0]),
      ss.map((s) => s[1]),
      ss.map((s) => s[2]),
      ss.length,
    );
    return e.bytes().slice();
  }),
  fc.array(fc.record({ ref, mint: time, maxt: time }), { maxLength: 3 }).map((s) => {
    const e = new EncBuf();
    encodeTombstonesRecord(e, s);
    return e.bytes().slice();
  }),
  fc.uint8Array({ maxLength: 8 }),
);

export function frame(recs: readonly Uint8Array[], compress: boolean, segOffset = 0): Uint8Array {
  const out = new EncBuf();
  frameRecords(out, segOffset, recs, compress);
  return out.bytes().slice();
}

const HANDLERS: RecordHandlers = { series: () => {}, sample: () => {}, tombstone: () => {} };

/**
 * Input: a mode byte, then bytes. Mode 0: the bytes are a segment (framing mutated: most cases end
 * in a reported corruption). Mode 1/2: the bytes are records (u16 length-prefixed) framed here,
 * uncompressed or with snappy, so mutated records get past the CRCs into the record decoder.
 */
function walRun(input: Uint8Array): void {
  const mode = (input[0] ?? 0) % 3;
  let seg = input.subarray(1);
  if (mode > 0) {
    const recs: Uint8Array[] = [];
    for (let i = 0; i + 2 <= seg.length;) {
      const n = (seg[i]! << 8) | seg[i + 1]!;
      recs.push(seg.subarray(i + 2, i + 2 + n));
      i += 2 + n;
    }
    seg = frame(recs, mode === 2);
  }
  let count = 0;
  const r = scanRecords(seg, 0, 'fuzz-segment', (rec) => {
    if (++count > seg.length) throw new PropertyViolation('more records than bytes');
    decodeRecord(rec, HANDLERS);
    return true;
  });
  if (r.good < 0 || r.good > seg.length)
    throw new PropertyViolation(`good offset ${r.good} outside the segment of ${seg.length} bytes`);
}

const withLengths = (recs: Uint8Array[]): Uint8Array => {
  const parts: number[] = [];
  for (const r of recs) parts.push(r.length >>> 8, r.length & 0xff, ...r);
  return Uint8Array.from(parts);
};

export const wal: Target = {
  name: 'wal',
  text: false,
  hangMs: 3000,
  arbitrary: fc.oneof(
    fc
      .tuple(fc.array(walRecord, { maxLength: 4 }), fc.boolean())
      .chain(([recs, c]) =>
        nearValidBytes(fc.constant(frame(recs, c))).map((b) => Uint8Array.from([0, ...b])),
      ),
    fc
      .tuple(fc.array(nearValidBytes(walRecord), { maxLength: 4 }), fc.constantFrom(1, 2))
      .map(([recs, m]) => Uint8Array.from([m, ...withLengths(recs)])),
  ),
  tokens: [],
  run: walRun,
  expected: (e) => e instanceof UnsupportedWALError || e instanceof DecodeError,
};

/** A valid XOR chunk of the given samples. */
export function xorChunk(samples: readonly (readonly [number, number])[]): Uint8Array {
  const a = new XORAppender();
  for (const [t, v] of samples) a.append(t, v);
  return a.bytes().slice();
}

const samples = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 1e5 }), fc.double()), { maxLength: 130 })
  .map((ss) => {
    let t = 1.7e12;
    return ss.map(([dt, v]) => [(t += dt), v] as const);
  });

function iterate(b: Uint8Array): void {
  const it = new XORIterator(b);
  let n = 0;
  while (it.next() !== 0) {
    if (++n > 65535)
      throw new PropertyViolation('iterator yields more samples than a chunk can count');
    it.atT();
    it.atF();
  }
  it.err();
}

let scratch: string | null = null;

/** Descriptors this process holds (Linux), or 0 where that cannot be seen. */
export function openFds(): number {
  return existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0;
}

/** Mode 0: XOR chunk bytes. Mode 1: a chunk segment file, read at its first chunk and at every 13th byte as refs. */
function chunkRun(input: Uint8Array): void {
  const body = input.subarray(1);
  if ((input[0] ?? 0) % 2 === 0) return iterate(body);
  scratch ??= scratchDir('chunks');
  writeFileSync(join(scratch, segmentFileName(0)), body);
  const fds = openFds();
  let r: ChunkReader;
  try {
    r = new ChunkReader(scratch, [segmentFileName(0)]);
  } catch (e) {
    if (openFds() > fds)
      throw new PropertyViolation('a chunk file that failed to open left its descriptor open');
    throw e;
  }
  try {
    for (let off = 8; off < body.length; off += 13) {
      try {
        iterate(r.chunk(off).data);
      } catch (e) {
        if (!(e instanceof ChunkFileError)) throw e;
      }
    }
  } finally {
    r.close();
  }
}

/** A chunk segment file as the block writer writes it. */
function chunkFile(chunks: Uint8Array[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-chunkfile-'));
  try {
    const w = new ChunkWriter(dir);
    for (const c of chunks) w.write(ENC_XOR, c);
    w.close();
    return new Uint8Array(readFileSync(join(dir, segmentFileName(0))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const chunks: Target = {
  name: 'chunks',
  text: false,
  hangMs: 3000,
  arbitrary: fc.oneof(
    nearValidBytes(samples.map(xorChunk)).map((b) => Uint8Array.from([0, ...b])),
    fc
      .array(samples.map(xorChunk), { minLength: 1, maxLength: 3 })
      .chain((cs) => nearValidBytes(fc.constant(chunkFile(cs))))
      .map((b) => Uint8Array.from([1, ...b])),
  ),
  tokens: [],
  run: chunkRun,
  expected: (e) => e instanceof ChunkFileError,
};
