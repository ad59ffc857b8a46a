// Alert backtesting: the rule files evaluated over stored history, by the same RuleGroup the live
// rule manager runs, at the instants it would have evaluated them (Prometheus's group offset), so
// the answer — when each alert was pending and firing — is what the live manager would have made
// of that data. Recorded series and ALERTS/ALERTS_FOR_STATE are computed afresh into an in-memory
// head layered over the source; the source's own copies of them are hidden, so a backtest never
// reads a live run's answer back.
import { Labels, compareLabels, type Matcher } from '../model/labels/index.js';
import { parseRuleFile } from '../model/rulefmt/index.js';
import { Engine } from '../promql/index.js';
import type { Querier, Queryable, SelectHints, Series, SeriesSet } from '../storage/index.js';
import { Head, MergeQuerier } from '../tsdb/index.js';
import { nopLogger } from '../util/log.js';
import { RuleGroup } from './group.js';
import { RuleMetrics } from './metrics.js';
import { AlertingRule } from './rule.js';
import type { AlertState } from './rule_info.js';

export interface BacktestOptions {
  ruleFiles: readonly string[];
  /** ms; evaluations at the groups' own instants in [start, end]. */
  start: number;
  end: number;
  /** The global evaluation_interval (ms), for groups without their own. */
  evaluationInterval: number;
  /** Where the history comes from: the server's storage, a data directory read only, a head filled from a server. */
  source: Queryable;
  externalLabels?: Labels;
  externalURL?: string;
  lookbackDelta?: number;
}

export interface AlertPeriod {
  state: Exclude<AlertState, 'inactive'>;
  /** First evaluation in this state (ms). */
  from: number;
  /** The evaluation at which it left this state; while `open`, the last evaluation of the range. */
  to: number;
  /** Whether the alert was still in this state at the end of the range. */
  open: boolean;
}

export interface AlertTimeline {
  file: string;
  group: string;
  rule: string;
  labels: Labels;
  /** The activeAt of each episode (ms), as ALERTS_FOR_STATE records it. */
  activeAt: number[];
  periods: AlertPeriod[];
}

export interface BacktestResult {
  evaluations: number;
  alerts: AlertTimeline[];
  /** Rule evaluation errors, `file group rule: error`, once per distinct error. */
  errors: string[];
}

const ALERT_SERIES = ['ALERTS', 'ALERTS_FOR_STATE'];

/** The source's series but those the backtest computes itself. */
function hiding(ss: SeriesSet, names: ReadonlySet<string>): SeriesSet {
  return {
    next: () => {
      while (ss.next()) if (!names.has(ss.at().labels.get('__name__'))) return true;
      return false;
    },
    at: () => ss.at(),
    err: () => ss.err(),
    warnings: () => ss.warnings(),
  };
}

/**
 * Two series sets in label order, merged in label order. They never hold the same series: the
 * overlay holds only the names hidden from the source.
 */
function interleave(a: SeriesSet, b: SeriesSet): SeriesSet {
  let ha = a.next();
  let hb = b.next();
  let cur: Series | null = null;
  return {
    next: () => {
      if (!ha && !hb) return false;
      if (ha && (!hb || compareLabels(a.at().labels, b.at().labels) <= 0)) {
        cur = a.at();
        ha = a.next();
      } else {
        cur = b.at();
        hb = b.next();
      }
      return true;
    },
    at: () => cur!,
    err: () => a.err() ?? b.err(),
    warnings: () => [...a.warnings(), ...b.warnings()],
  };
}

/** The source with the recorded and alert series it would already have hidden, and the overlay's over it. */
class LayeredQueryable implements Queryable {
  constructor(
    private readonly source: Queryable,
    private readonly overlay: Queryable,
    private readonly hidden: ReadonlySet<string>,
  ) {}

  querier(mint: number, maxt: number): Querier {
    const src = this.source.querier(mint, maxt);
    const ovl = this.overlay.querier(mint, maxt);
    const merged = (f: (q: Querier) => string[]): string[] =>
      [...new Set([...f(src), ...f(ovl)])].sort();
    return {
      // Sorted either way: the interleave needs label order.
      select: (_sort: boolean, hints: SelectHints | undefined, ...m: Matcher[]): SeriesSet =>
        interleave(
          hiding(src.select(true, hints, ...m), this.hidden),
          ovl.select(true, hints, ...m),
        ),
      labelValues: (name: string, ...m: Matcher[]) => merged((q) => q.labelValues(name, ...m)),
      labelNames: (...m: Matcher[]) => merged((q) => q.labelNames(...m)),
      close: () => {
        src.close();
        ovl.close();
      },
    };
  }
}

/** A memory-only head as a Queryable. */
export function headQueryable(head: Head): Queryable {
  return { querier: (mint, maxt) => new MergeQuerier([head.chunkQuerier(mint, maxt)], mint, maxt) };
}

/** Evaluates the rule files over [start, end] and returns every alert's pending and firing periods. */
export async function backtest(opts: BacktestOptions): Promise<BacktestResult> {
  const overlay = new Head(2 * 3600_000, null);
  const defs: { file: string; def: ReturnType<typeof parseRuleFile>['groups'][number] }[] = [];
  for (const file of opts.ruleFiles) {
    const { groups, errors } = parseRuleFile(file);
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('\n'));
    for (const def of groups) defs.push({ file, def });
  }
  const hidden = new Set<string>(ALERT_SERIES);
  for (const { def } of defs)
    for (const r of def.rules) if (r.record !== undefined) hidden.add(r.record);
  const queryable = new LayeredQueryable(opts.source, headQueryable(overlay), hidden);
  const engine = new Engine({
    timeout: 120_000,
    maxSamples: 50_000_000,
    lookbackDelta: opts.lookbackDelta ?? 300_000,
  });
  const metrics = new RuleMetrics();
  const groups = defs.map(
    ({ file, def }) =>
      new RuleGroup({
        file,
        def,
        interval: def.interval > 0 ? def.interval : opts.evaluationInterval,
        queryable,
        appendable: overlay,
        engine,
        notify: () => {},
        externalLabels: opts.externalLabels ?? Labels.EMPTY,
        externalURL: opts.externalURL ?? '',
        logger: nopLogger,
        metrics,
        outageTolerance: 3_600_000,
        forGracePeriod: 600_000,
        resendDelay: 60_000,
      }),
  );
  // Every group's evaluation instants in [start, end], all groups interleaved in time (as their
  // timers interleave live), so one group's recorded series reach another when they would have.
  const next = groups.map((g) => {
    const t = g.evalTimestamp(opts.start);
    return t < opts.start ? t + g.interval : t;
  });
  const timelines = new Map<string, AlertTimeline>();
  const errors = new Set<string>();
  let evaluations = 0;
  for (;;) {
    let gi = -1;
    for (let i = 0; i < groups.length; i++)
      if (next[i]! <= opts.end && (gi < 0 || next[i]! < next[gi]!)) gi = i;
    if (gi < 0) break;
    const g = groups[gi]!;
    const ts = next[gi]!;
    next[gi] = ts + g.interval;
    await g.evalAt(ts);
    evaluations++;
    const seen = new Map<string, AlertState>();
    for (const rule of g.rules) {
      if (rule.health === 'err') errors.add(`${g.file} ${g.name} ${rule.name}: ${rule.lastError}`);
      if (!(rule instanceof AlertingRule)) continue;
      for (const a of rule.activeAlerts()) {
        if (a.state === 'inactive') continue;
        const key = `${g.file}\u0000${g.name}\u0000${a.labels.key()}`;
        seen.set(key, a.state);
        let tl = timelines.get(key);
        if (tl === undefined)
          timelines.set(
            key,
            (tl = {
              file: g.file,
              group: g.name,
              rule: rule.name,
              labels: a.labels,
              activeAt: [],
              periods: [],
            }),
          );
        const activeAt = a.activeAt!.getTime();
        if (tl.activeAt[tl.activeAt.length - 1] !== activeAt) tl.activeAt.push(activeAt);
      }
    }
    // Each of this group's alerts: a period goes on while its state holds, and ends at the
    // evaluation where the state changed.
    for (const [key, tl] of timelines) {
      if (tl.group !== g.name || tl.file !== g.file) continue;
      const state = seen.get(key) ?? 'inactive';
      const last = tl.periods[tl.periods.length - 1];
      if (last !== undefined && last.open) {
        if (last.state === state) {
          last.to = ts;
          continue;
        }
        last.open = false;
        last.to = ts;
      }
      if (state !== 'inactive') tl.periods.push({ state, from: ts, to: ts, open: true });
    }
  }
  const alerts = [...timelines.values()].sort((a, b) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.group !== b.group
        ? a.group < b.group
          ? -1
          : 1
        : a.labels.key() < b.labels.key()
          ? -1
          : 1,
  );
  return { evaluations, alerts, errors: [...errors] };
}
