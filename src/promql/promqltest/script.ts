// Prometheus's PromQL test-script language: `load <interval>` blocks of series in series
// notation, `clear`, and `eval instant|range` cases with their expected results. Used by
// `promtool-ts test promql`, the conformance suite and rule unit tests (input_series).
import { Labels } from '../../model/labels/index.js';
import { parseDuration } from '../../model/duration/index.js';
import { STALE_NAN } from '../../model/value/index.js';
import { parseMetricSelector } from '../parser/index.js';

export class ScriptError extends Error {}

/** One value of a series description: a number, a missing sample (null) or a stale marker. */
export type SeriesValue = number | null | 'stale';

function parseNumber(s: string): number {
  const t = s.trim();
  if (/^[+-]?inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  const v = Number(t);
  if (t === '' || Number.isNaN(v)) throw new ScriptError(`invalid number "${s}"`);
  return v;
}

/**
 * Expands series notation: `1 2 3`, `a+bxN` (N+1 values from a stepping by b), `a-bxN`, `axN`
 * (a repeated N+1 times), `_` (missing), `_xN` (N missing), `stale`.
 */
export function expandSeriesValues(text: string): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const tok of text.trim().split(/\s+/).filter(Boolean)) {
    if (tok === '_') {
      out.push(null);
      continue;
    }
    if (tok === 'stale') {
      out.push('stale');
      continue;
    }
    let m = /^_x(\d+)$/.exec(tok);
    if (m) {
      for (let i = 0; i < Number(m[1]); i++) out.push(null);
      continue;
    }
    m = /^([+-]?(?:[^+\-x]+|[Ii]nf))(?:([+-])([^x]+))?x(\d+)$/.exec(tok);
    if (m) {
      const start = parseNumber(m[1]!);
      const step = m[2] ? parseNumber(m[3]!) * (m[2] === '-' ? -1 : 1) : 0;
      for (let i = 0; i <= Number(m[4]); i++) out.push(start + step * i);
      continue;
    }
    out.push(parseNumber(tok));
  }
  return out;
}

/** Splits `metric{a="b"} values…` into its labels and the rest. */
export function parseSeriesLine(line: string): { labels: Labels; values: string } {
  const s = line.trim();
  let i = 0;
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if ((c === ' ' || c === '\t') && depth === 0) break;
  }
  const sel = s.slice(0, i);
  const ms = parseMetricSelector(sel);
  const o: Record<string, string> = {};
  for (const m of ms) o[m.name] = m.value;
  return { labels: Labels.fromObject(o), values: s.slice(i).trim() };
}

/** Samples of one series (times in ms from 0, value or stale marker). */
export function seriesSamples(
  values: SeriesValue[],
  intervalMs: number,
  startMs = 0,
): { t: number; v: number }[] {
  const out: { t: number; v: number }[] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    out.push({ t: startMs + i * intervalMs, v: v === 'stale' ? STALE_NAN : v });
  });
  return out;
}

export interface ExpectedSample {
  /** null for a scalar result. */
  labels: Labels | null;
  /** One value for instant evals; the expanded values for range evals. */
  values: SeriesValue[];
}

export type Command =
  | {
      kind: 'load';
      interval: number;
      series: { labels: Labels; values: SeriesValue[] }[];
      line: number;
    }
  | { kind: 'clear'; line: number }
  | {
      kind: 'eval';
      line: number;
      expr: string;
      /** Instant evals: start === end, step 0. */
      start: number;
      end: number;
      step: number;
      ordered: boolean;
      fail: boolean;
      expectedError: string | null;
      expected: ExpectedSample[];
    };

function timeArg(s: string): number {
  return parseDuration(s);
}

/** Parses a whole script; errors name the line. */
export function parseScript(text: string, file = 'script'): Command[] {
  const lines = text.split('\n');
  const cmds: Command[] = [];
  const indented = (l: string | undefined) =>
    l !== undefined && /^\s+\S/.test(l) && !/^\s*#/.test(l);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const lineNo = i + 1;
    try {
      let m: RegExpExecArray | null;
      if ((m = /^load\s+(\S+)$/.exec(line))) {
        const interval = parseDuration(m[1]!);
        const series: { labels: Labels; values: SeriesValue[] }[] = [];
        while (indented(lines[i + 1])) {
          i++;
          const { labels, values } = parseSeriesLine(lines[i]!);
          series.push({ labels, values: expandSeriesValues(values) });
        }
        cmds.push({ kind: 'load', interval, series, line: lineNo });
      } else if (line === 'clear') {
        cmds.push({ kind: 'clear', line: lineNo });
      } else if (
        (m = /^(eval|eval_fail|eval_ordered)\s+instant\s+at\s+(\S+)\s+(.+)$/.exec(line)) ||
        (m =
          /^(eval|eval_fail|eval_ordered)\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/.exec(
            line,
          ))
      ) {
        const isRange = m.length === 6;
        const start = timeArg(m[2]!);
        const end = isRange ? timeArg(m[3]!) : start;
        const step = isRange ? parseDuration(m[4]!) : 0;
        const expr = isRange ? m[5]! : m[3]!;
        const expected: ExpectedSample[] = [];
        let expectedError: string | null = null;
        while (indented(lines[i + 1])) {
          i++;
          const l = lines[i]!.trim();
          const em = /^expected_fail_message\s+(.*)$/.exec(l);
          if (em) {
            expectedError = em[1]!;
            continue;
          }
          if (
            !l.includes('{') &&
            /^[-+0-9.]|^[+-]?(Inf|NaN)\b/i.test(l) &&
            !/^[a-zA-Z_:]/.test(l.replace(/^[+-]?(Inf|NaN)/i, '0'))
          ) {
            expected.push({ labels: null, values: expandSeriesValues(l) });
          } else {
            const { labels, values } = parseSeriesLine(l);
            expected.push({ labels, values: expandSeriesValues(values) });
          }
        }
        cmds.push({
          kind: 'eval',
          line: lineNo,
          expr,
          start,
          end,
          step,
          ordered: m[1] === 'eval_ordered',
          fail: m[1] === 'eval_fail',
          expectedError,
          expected,
        });
      } else {
        throw new ScriptError(`invalid command "${line}"`);
      }
    } catch (e) {
      throw new ScriptError(`${file}:${lineNo}: ${(e as Error).message}`);
    }
  }
  return cmds;
}
