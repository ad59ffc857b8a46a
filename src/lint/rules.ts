// Lints of rule files: an alert whose `for` is shorter than its group's evaluation interval, and
// (given the metric names a server has) expressions that select a metric nothing exposes.
import { parseDuration } from '../model/duration/index.js';
import { inspect, parseExpr } from '../promql/parser/index.js';
import type { LintFinding } from './finding.js';
import { YamlDoc } from './yaml_doc.js';

function duration(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  try {
    return parseDuration(s);
  } catch {
    return undefined;
  }
}

function fmt(ms: number): string {
  return ms % 3_600_000 === 0
    ? `${ms / 3_600_000}h`
    : ms % 60_000 === 0
      ? `${ms / 60_000}m`
      : ms % 1000 === 0
        ? `${ms / 1000}s`
        : `${ms}ms`;
}

/** The metric names an expression selects by name (a selector's name or its `__name__="…"`). */
export function selectedMetricNames(expr: string): string[] {
  const names = new Set<string>();
  let e;
  try {
    e = parseExpr(expr);
  } catch {
    return [];
  }
  inspect(e, (n) => {
    if (n.kind !== 'VectorSelector') return;
    if (n.name !== '') names.add(n.name);
    for (const m of n.labelMatchers)
      if (m.name === '__name__' && m.type === '=') names.add(m.value);
  });
  return [...names];
}

/** Edit distance, to suggest the metric a misspelt name probably meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function closest(name: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(3, Math.floor(name.length / 4)) + 1;
  for (const k of known) {
    if (Math.abs(k.length - name.length) >= bestD) continue;
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

export interface RuleLintOptions {
  /** The global evaluation_interval (ms), for groups without their own. */
  evaluationInterval: number;
  /** Metric names a server has (from --url); when given, selectors of other names are reported. */
  knownMetrics?: ReadonlySet<string>;
  /** Where knownMetrics came from, for the message. */
  knownFrom?: string;
}

export function lintRuleFile(file: string, text: string, opts: RuleLintOptions): LintFinding[] {
  const out: LintFinding[] = [];
  const doc = new YamlDoc(file, text);
  for (let g = 0; g < doc.count(['groups']); g++) {
    const group = ['groups', g];
    const groupName = doc.str([...group, 'name']) ?? `#${g}`;
    const interval = duration(doc.str([...group, 'interval'])) ?? opts.evaluationInterval;
    for (let r = 0; r < doc.count([...group, 'rules']); r++) {
      const rule = [...group, 'rules', r];
      const alert = doc.str([...rule, 'alert']);
      const name = alert ?? doc.str([...rule, 'record']) ?? `#${r}`;
      const forText = doc.str([...rule, 'for']);
      const forMs = duration(forText);
      if (alert !== undefined && forMs !== undefined && forMs > 0 && forMs < interval) {
        out.push({
          file,
          ...doc.pos([...rule, 'for']),
          message: `group "${groupName}" alert "${alert}": for: ${forText} is shorter than the group's evaluation interval ${fmt(interval)}: the alert is evaluated only every ${fmt(interval)}, so it fires after ${fmt(interval)} of pending, not ${forText}.`,
          fix: `write for: ${fmt(interval)} (what it does now), or evaluate the group more often (interval: ${fmt(forMs)}).`,
        });
      }
      if (opts.knownMetrics !== undefined) {
        const expr = doc.str([...rule, 'expr']);
        for (const m of expr === undefined ? [] : selectedMetricNames(expr)) {
          if (opts.knownMetrics.has(m)) continue;
          const guess = closest(m, opts.knownMetrics);
          out.push({
            file,
            ...doc.pos([...rule, 'expr']),
            message: `group "${groupName}" rule "${name}": selects ${m}, which no series of ${opts.knownFrom ?? 'the server'} has: the rule ${alert !== undefined ? 'can never fire' : 'records nothing'} until a target exposes it.`,
            fix:
              guess !== undefined
                ? `did you mean ${guess}? Otherwise check that the target exposing ${m} is scraped.`
                : `check the metric's name, and that the target exposing it is scraped.`,
          });
        }
      }
    }
  }
  return out;
}
