// Runs PromQL test scripts: loads series into a real TSDB in a temporary directory, evaluates
// each case with the engine, and compares results as Prometheus's test framework does (values
// within a relative 1e-6, NaN equal to NaN, order only for eval_ordered).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '../../model/labels/index.js';
import { formatFloat, STALE_NAN } from '../../model/value/index.js';
import { openDB, type DB } from '../../tsdb/index.js';
import { Engine, type Value } from '../index.js';
import { parseScript, type Command, type SeriesValue } from './script.js';

export interface CaseResult {
  file: string;
  line: number;
  expr: string;
  ok: boolean;
  message: string;
}

const MIN_NORMAL = 2.2250738585072014e-308;

export function almostEqual(a: number, b: number, epsilon = 0.000001): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

function show(v: SeriesValue): string {
  return v === null ? '_' : v === 'stale' ? 'stale' : formatFloat(v);
}

/** Compares an evaluation result with the expected samples; returns an error text or ''. */
function compare(cmd: Extract<Command, { kind: 'eval' }>, value: Value): string {
  const isRange = cmd.step > 0;
  if (value.type === 'string') return `received string result "${value.v}"`;
  if (value.type === 'scalar') {
    const exp = cmd.expected[0];
    if (cmd.expected.length !== 1 || exp!.labels !== null)
      return `expected ${cmd.expected.length} samples, got scalar ${formatFloat(value.v)}`;
    const want = exp!.values[0];
    if (typeof want !== 'number' || !almostEqual(want, value.v))
      return `expected scalar ${show(want ?? null)}, got ${formatFloat(value.v)}`;
    return '';
  }
  if (value.type === 'matrix' && !isRange) return 'received range result on instant evaluation';
  const got: { labels: Labels; ts: number[]; fs: number[] }[] =
    value.type === 'vector'
      ? value.samples.map((s) => ({ labels: s.metric, ts: [s.t], fs: [s.f] }))
      : value.series.map((s) => ({ labels: s.metric, ts: s.ts, fs: s.fs }));
  if (got.length !== cmd.expected.length) {
    return `expected ${cmd.expected.length} series, got ${got.length}: ${got.map((g) => `${g.labels.toString()} ${g.fs.map(formatFloat).join(' ')}`).join('; ')}`;
  }
  for (let i = 0; i < cmd.expected.length; i++) {
    const exp = cmd.expected[i]!;
    const key = (exp.labels ?? Labels.EMPTY).key();
    const g = cmd.ordered ? got[i] : got.find((x) => x.labels.key() === key);
    if (!g || g.labels.key() !== key) {
      return cmd.ordered
        ? `expected ${exp.labels?.toString()} at position ${i}, got ${g?.labels.toString()}`
        : `expected series ${exp.labels?.toString()} not found`;
    }
    if (!isRange) {
      const want = exp.values[0];
      if (typeof want !== 'number' || !almostEqual(want, g.fs[0]!))
        return `${exp.labels?.toString()}: expected ${show(want ?? null)}, got ${formatFloat(g.fs[0]!)}`;
      continue;
    }
    // Range: expected values are one per step, `_` for no point.
    const points = new Map(g.ts.map((t, k) => [t, g.fs[k]!] as const));
    for (let k = 0; k < exp.values.length; k++) {
      const t = cmd.start + k * cmd.step;
      const want = exp.values[k]!;
      const have = points.get(t);
      if (want === null) {
        if (have !== undefined)
          return `${exp.labels?.toString()} at ${t / 1000}s: expected no value, got ${formatFloat(have)}`;
      } else if (have === undefined || want === 'stale' || !almostEqual(want, have)) {
        return `${exp.labels?.toString()} at ${t / 1000}s: expected ${show(want)}, got ${have === undefined ? 'nothing' : formatFloat(have)}`;
      }
    }
    if (g.ts.length !== exp.values.filter((v) => v !== null).length)
      return `${exp.labels?.toString()}: expected ${exp.values.map(show).join(' ')}, got ${g.fs.map(formatFloat).join(' ')}`;
  }
  return '';
}

/** Runs a script's text; one result per eval. */
export async function runScript(
  text: string,
  file: string,
  opts: { lookbackDelta?: number } = {},
): Promise<CaseResult[]> {
  const cmds = parseScript(text, file);
  const engine = new Engine({
    timeout: 100_000,
    maxSamples: 50_000_000,
    lookbackDelta: opts.lookbackDelta ?? 300_000,
  });
  let dir = mkdtempSync(join(tmpdir(), 'promqltest-'));
  let db: DB = await openDB(dir, { retentionDuration: 0 }, {});
  // Samples are gathered per series (a later value for the same time wins, as in Prometheus's
  // test loader) and appended in time order before the next evaluation.
  let pending = new Map<string, { labels: Labels; samples: Map<number, number> }>();
  const flush = async () => {
    if (pending.size === 0) return;
    const app = db.appender();
    for (const { labels, samples } of pending.values()) {
      const ts = [...samples.keys()].sort((a, b) => a - b);
      for (const t of ts) {
        try {
          app.append(0, labels, t, samples.get(t)!);
        } catch {
          // A sample before what this series already has: skipped, as an out-of-order append would be.
        }
      }
    }
    await app.commit();
    pending = new Map();
  };
  const results: CaseResult[] = [];
  try {
    for (const cmd of cmds) {
      if (cmd.kind === 'clear') {
        pending = new Map();
        await db.close();
        rmSync(dir, { recursive: true, force: true });
        dir = mkdtempSync(join(tmpdir(), 'promqltest-'));
        db = await openDB(dir, { retentionDuration: 0 }, {});
        continue;
      }
      if (cmd.kind === 'load') {
        for (const s of cmd.series) {
          const k = s.labels.key();
          let e = pending.get(k);
          if (!e) {
            e = { labels: s.labels, samples: new Map() };
            pending.set(k, e);
          }
          s.values.forEach((v, i) => {
            if (v !== null) e!.samples.set(i * cmd.interval, v === 'stale' ? STALE_NAN : v);
          });
        }
        continue;
      }
      await flush();
      let message = '';
      try {
        const q =
          cmd.step > 0
            ? engine.newRangeQuery(db, cmd.expr, cmd.start, cmd.end, cmd.step)
            : engine.newInstantQuery(db, cmd.expr, cmd.start);
        const res = await q.exec();
        message = cmd.fail
          ? 'expected the evaluation to fail, it succeeded'
          : compare(cmd, res.value);
      } catch (e) {
        if (!cmd.fail) message = `unexpected error: ${(e as Error).message}`;
        else if (cmd.expectedError !== null && (e as Error).message !== cmd.expectedError)
          message = `expected error "${cmd.expectedError}", got "${(e as Error).message}"`;
      }
      results.push({ file, line: cmd.line, expr: cmd.expr, ok: message === '', message });
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
