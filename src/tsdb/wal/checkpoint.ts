// Checkpoints: when the head is truncated, the segments up to a point are condensed into
// wal/checkpoint.NNNNNNNN/ holding only what the head still needs — series records of live series,
// samples (floats and histograms) at or after the truncation time, tombstones still in range —
// and then deleted. The
// checkpoint is itself a WAL segment in Prometheus's format, as Prometheus writes its own.
// Records of a type this server does not decode are copied into the checkpoint byte for byte
// (rather than keeping their segments): what it cannot judge, it cannot judge to be obsolete.
// Pure file work, so it runs in the compaction worker, off the event loop.
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Labels } from '../../model/labels/index.js';
import { EncBuf } from '../encoding/index.js';
import {
  decodeRecord,
  encodeHistogramSamplesRecord,
  encodeSamplesRecord,
  encodeSeriesRecord,
  encodeTombstonesRecord,
  type RecordHandlers,
  type RefHistogram,
} from './records.js';
import { frameRecords, lastCheckpoint, listSegments, readSegment, type WALRecord } from './wal.js';

function segName(n: number): string {
  return String(n).padStart(8, '0');
}

/** Writes checkpoint.upTo from the previous checkpoint and segments ≤ upTo; removes what it replaces. */
export function writeCheckpoint(
  walDir: string,
  upTo: number,
  mint: number,
  live: ArrayLike<number>,
): { series: number; samples: number; unknown: number } {
  const keep = new Set<number>();
  for (let i = 0; i < live.length; i++) keep.add(live[i]!);
  const tmpDir = join(walDir, `checkpoint.${segName(upTo)}.tmp`);
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir);
  let fd = -1;
  try {
    fd = openSync(join(tmpDir, segName(0)), 'w');
    const r = fillCheckpoint(walDir, upTo, mint, keep, fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    const final = join(walDir, `checkpoint.${segName(upTo)}`);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmpDir, final);
    for (const s of listSegments(walDir))
      if (s <= upTo) rmSync(join(walDir, segName(s)), { force: true });
    for (const f of readdirSync(walDir)) {
      if (f.startsWith('checkpoint.') && f !== `checkpoint.${segName(upTo)}`)
        rmSync(join(walDir, f), { recursive: true, force: true });
    }
    return r;
  } catch (e) {
    // A checkpoint that could not be written (a full disk) leaves nothing behind; the segments it
    // would have replaced stay, and the next head truncation tries again.
    if (fd >= 0) closeSync(fd);
    rmSync(tmpDir, { recursive: true, force: true });
    throw e;
  }
}

/** Writes the condensed records of the previous checkpoint and segments ≤ upTo to fd. */
function fillCheckpoint(
  walDir: string,
  upTo: number,
  mint: number,
  keep: Set<number>,
  fd: number,
): { series: number; samples: number; unknown: number } {
  const out = new EncBuf(1 << 20);
  let written = 0;
  const flush = (): void => {
    const b = out.bytes();
    let done = 0;
    while (done < b.length) done += writeSync(fd, b, done, b.length - done);
    written += b.length;
    out.reset();
  };
  const rec = new EncBuf(1 << 16);
  const emit = (): void => {
    frameRecords(out, written, [rec.bytes()], true);
    rec.reset();
    if (out.len > 8 << 20) flush();
  };
  let nSeries = 0;
  let nSamples = 0;
  let nUnknown = 0;
  // Per record: keep what the head still needs, re-encoded in the same record kinds.
  let series: { ref: number; labels: Labels }[] = [];
  const refs: number[] = [];
  const ts: number[] = [];
  // Float64Array, not number[]: V8 canonicalizes NaNs in double arrays (staleness markers).
  let vs = new Float64Array(1 << 16);
  let stones: { ref: number; mint: number; maxt: number }[] = [];
  let hists: RefHistogram[] = [];
  let floatHists: RefHistogram[] = [];
  const handlers: RecordHandlers = {
    series: (ref, labels) => {
      if (keep.has(ref)) series.push({ ref, labels });
    },
    sample: (ref, t, v) => {
      if (t < mint || !keep.has(ref)) return;
      if (refs.length >= vs.length) {
        const g = new Float64Array(vs.length * 2);
        g.set(vs);
        vs = g;
      }
      vs[refs.length] = v;
      refs.push(ref);
      ts.push(t);
    },
    tombstone: (ref, a, b) => {
      if (b >= mint && keep.has(ref)) stones.push({ ref, mint: a, maxt: b });
    },
    histogram: (ref, t, h) => {
      if (t >= mint && keep.has(ref)) hists.push({ ref, t, h });
    },
    floatHistogram: (ref, t, h) => {
      if (t >= mint && keep.has(ref)) floatHists.push({ ref, t, h });
    },
    unknown: (_type, r) => {
      frameRecords(out, written, [r], true);
      nUnknown++;
      if (out.len > 8 << 20) flush();
    },
  };
  const onRecord = (r: WALRecord): void => {
    decodeRecord(r, handlers);
    if (series.length > 0) {
      encodeSeriesRecord(rec, series);
      nSeries += series.length;
      series = [];
      emit();
    }
    if (refs.length > 0) {
      encodeSamplesRecord(rec, refs, ts, vs, refs.length);
      nSamples += refs.length;
      refs.length = 0;
      ts.length = 0;
      emit();
    }
    if (stones.length > 0) {
      encodeTombstonesRecord(rec, stones);
      stones = [];
      emit();
    }
    if (hists.length > 0) {
      encodeHistogramSamplesRecord(rec, hists, false);
      nSamples += hists.length;
      hists = [];
      emit();
    }
    if (floatHists.length > 0) {
      encodeHistogramSamplesRecord(rec, floatHists, true);
      nSamples += floatHists.length;
      floatHists = [];
      emit();
    }
  };
  const prev = lastCheckpoint(walDir);
  if (prev) {
    const d = join(walDir, prev.name);
    for (const s of listSegments(d)) readSegment(join(d, segName(s)), onRecord);
  }
  for (const s of listSegments(walDir)) {
    if (s > upTo) break;
    if (prev && s <= prev.index) continue;
    readSegment(join(walDir, segName(s)), onRecord);
  }
  flush();
  return { series: nSeries, samples: nSamples, unknown: nUnknown };
}
