// A rule group: its rules evaluated in order at timestamps aligned to its interval (offset by a
// hash of the group so groups spread out), each rule's output committed before the next rule
// runs, series that stop being produced ended with staleness markers.
import { Labels, Matcher } from '../model/labels/index.js';
import { promLabelsHash } from '../util/xxhash.js';
import { STALE_NAN, isStaleNaN } from '../model/value/index.js';
import type { Appendable, Queryable } from '../storage/index.js';
import type { Engine } from '../promql/index.js';
import type { Alert } from '../notifier/index.js';
import type { Logger } from '../util/log.js';
import type { RuleGroupDef } from '../model/rulefmt/index.js';
import type { RuleGroupInfo } from './rule_info.js';
import { AlertingRule, RecordingRule, type Rule, type RuleContext } from './rule.js';
import type { RuleMetrics } from './metrics.js';
import { userErrorMessage } from '../util/runtime_error.js';

export interface GroupOptions {
  file: string;
  def: RuleGroupDef;
  /** ms: the group's interval, or the global evaluation_interval. */
  interval: number;
  queryable: Queryable;
  appendable: Appendable;
  engine: Engine;
  notify: (alerts: Alert[]) => void;
  externalLabels: Labels;
  externalURL: string;
  logger: Logger;
  metrics: RuleMetrics;
  outageTolerance: number;
  forGracePeriod: number;
  resendDelay: number;
}

const NS_PER_MS = 1_000_000n;

export class RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly interval: number;
  readonly limit: number;
  readonly rules: Rule[];
  evaluationTime = 0;
  lastEvaluation: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private shouldRestore = false;
  private offsetCache: bigint | undefined;
  /** Series each rule wrote in its last evaluation, to end the ones it no longer writes. */
  private readonly lastSeries = new Map<Rule, Map<string, Labels>>();
  /** Series of rules removed by a reload, to be ended at the next evaluation. */
  private staleSeries: Labels[] = [];

  constructor(readonly opts: GroupOptions) {
    this.name = opts.def.name;
    this.file = opts.file;
    this.interval = opts.interval;
    this.limit = opts.def.limit;
    this.rules = opts.def.rules.map((r) => {
      // A rule label set to "" removes that label from the result, and the rules API still
      // lists it as "" (Labels.fromObject would drop it), so the set is built as written.
      const unset = Object.keys(r.labels).filter((n) => r.labels[n] === '');
      const ruleLabels = Labels.fromSortedFlat(
        Object.keys(r.labels)
          .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
          .flatMap((n) => [n, r.labels[n]!]),
      );
      return r.alert !== undefined
        ? new AlertingRule(
            r.alert,
            r.expr,
            r.for,
            r.keep_firing_for,
            ruleLabels,
            Labels.fromObject(r.annotations),
            unset,
          )
        : new RecordingRule(r.record!, r.expr, ruleLabels, unset);
    });
    // Counters start at 0 for a new group, as Prometheus creates them with the group.
    for (const c of [
      opts.metrics.missed,
      opts.metrics.iterations,
      opts.metrics.evaluations,
      opts.metrics.failures,
    ])
      c.inc({ rule_group: this.key() }, 0);
    opts.metrics.interval.set({ rule_group: this.key() }, this.interval / 1000);
    opts.metrics.rules.set({ rule_group: this.key() }, this.rules.length);
  }

  key(): string {
    return `${this.file};${this.name}`;
  }

  /** The first evaluation of a group that existed before a restart restores alerts' `for` state. */
  markForRestore(): void {
    this.shouldRestore = true;
  }

  /**
   * Prometheus's EvalTimestamp: the last interval boundary (shifted by the group's offset) before
   * t. The offset is Prometheus's to the nanosecond — the hash of the labels {file, name} modulo
   * the interval — so the same group evaluates at the same instants here as in Prometheus.
   */
  evalTimestamp(t: number): number {
    const iv = BigInt(this.interval) * NS_PER_MS;
    // t stands for its whole millisecond (an evaluation timestamp, truncated to ms, maps to itself).
    const adj = BigInt(t) * NS_PER_MS + (NS_PER_MS - 1n) - this.offsetNs;
    return Number((adj - (((adj % iv) + iv) % iv) + this.offsetNs) / NS_PER_MS);
  }

  private get offsetNs(): bigint {
    return (this.offsetCache ??=
      promLabelsHash([
        ['file', this.file],
        ['name', this.name],
      ]) %
      (BigInt(this.interval) * NS_PER_MS));
  }

  start(): void {
    const first = this.evalTimestamp(Date.now()) + this.interval;
    // One evaluation at a time: the next is planned only when this one is done, so a slow
    // evaluation skips (and counts) the iterations it overran, as Prometheus's group loop does.
    const tick = async (planned: number): Promise<void> => {
      if (this.stopped) return;
      const iv = this.interval;
      const behind = Date.now() - planned;
      // Whole intervals overrun; a clock set back by more than an interval moves the evaluation
      // timestamps back with it, as Prometheus's evalTimestamp arithmetic (truncating) does.
      const shift =
        behind >= 0
          ? Math.floor(behind / iv)
          : behind > -iv
            ? 0
            : Math.trunc((behind + iv) / iv) - 1;
      const missed = Math.max(0, shift);
      if (missed > 0) this.opts.metrics.missed.inc({ rule_group: this.key() }, missed);
      const evalAt = planned + shift * iv;
      this.opts.metrics.iterations.inc({ rule_group: this.key() }, missed + 1);
      this.running = this.evalAt(evalAt).catch((e: unknown) =>
        this.opts.logger.error('Rule group evaluation failed', {
          group: this.name,
          err: e as Error,
        }),
      );
      await this.running;
      this.running = null;
      if (this.stopped) return;
      const next = evalAt + this.interval;
      // Never more than an interval away, whatever the wall clock did meanwhile.
      this.timer = setTimeout(() => void tick(next), Math.min(iv, Math.max(0, next - Date.now())));
    };
    this.timer = setTimeout(() => void tick(first), Math.max(0, first - Date.now()));
  }

  /** Takes over the state of the same group from before a reload (active alerts carry on). */
  copyState(from: RuleGroup): void {
    this.evaluationTime = from.evaluationTime;
    this.lastEvaluation = from.lastEvaluation;
    const byKey = new Map<string, Rule[]>();
    for (const r of from.rules) {
      const k = `${r.kind}\u0000${r.name}\u0000${r.labels.key()}`;
      const list = byKey.get(k) ?? [];
      list.push(r);
      byKey.set(k, list);
    }
    for (const r of this.rules) {
      const old = byKey.get(`${r.kind}\u0000${r.name}\u0000${r.labels.key()}`)?.shift();
      if (!old) continue;
      r.copyStateFrom(old);
      const series = from.lastSeries.get(old);
      if (series) this.lastSeries.set(r, series);
    }
    // Rules gone from the new version: their series end at this group's first evaluation.
    for (const list of byKey.values()) {
      for (const old of list)
        for (const ls of from.lastSeries.get(old)?.values() ?? []) this.staleSeries.push(ls);
    }
  }

  /** Evaluates every rule at time ts (ms). Exposed so rule unit tests can drive time. */
  async evalAt(ts: number): Promise<void> {
    const started = performance.now();
    const ctx: RuleContext = {
      engine: this.opts.engine,
      queryable: this.opts.queryable,
      externalLabels: this.opts.externalLabels,
      externalURL: this.opts.externalURL,
      limit: this.limit,
      logger: this.opts.logger,
    };
    let samples = 0;
    for (const rule of this.rules) {
      if (this.stopped) return;
      const ruleStart = performance.now();
      this.opts.metrics.evaluations.inc({ rule_group: this.key() });
      let out: { labels: Labels; value: number }[] = [];
      let failed = false;
      try {
        out = await rule.eval(ts, ctx);
        rule.health = 'ok';
        rule.lastError = '';
      } catch (e) {
        failed = true;
        rule.health = 'err';
        rule.lastError = userErrorMessage(e);
        this.opts.metrics.failures.inc({ rule_group: this.key() });
        this.opts.logger.warn('Evaluating rule failed', {
          rule: rule.name,
          group: this.name,
          err: e as Error,
        });
      }
      if (failed) {
        // As Prometheus: a failed evaluation writes nothing, not even stale markers, so a
        // transient query error does not end the rule's series.
        rule.evaluationTime = (performance.now() - ruleStart) / 1000;
        rule.lastEvaluation = new Date(ts);
        continue;
      }
      if (rule instanceof AlertingRule && this.shouldRestore && rule.holdDuration > 0) {
        await this.restoreForState(rule, ts);
        out = rule.stateSamples(ts);
      }
      samples += out.length;
      await this.write(rule, ts, out);
      if (rule instanceof AlertingRule) {
        const alerts = rule.alertsToSend(
          ts,
          this.opts.resendDelay,
          this.interval,
          this.opts.externalURL,
        );
        if (alerts.length > 0) this.opts.notify(alerts);
      }
      rule.evaluationTime = (performance.now() - ruleStart) / 1000;
      rule.lastEvaluation = new Date(ts);
      this.opts.metrics.ruleDuration.observe((performance.now() - ruleStart) / 1000);
    }
    this.shouldRestore = false;
    if (this.staleSeries.length > 0) {
      const app = this.opts.appendable.appender();
      for (const ls of this.staleSeries) {
        try {
          app.append(0, ls, ts, STALE_NAN);
        } catch {
          // A newer sample already ended or continued it.
        }
      }
      this.staleSeries = [];
      await app
        .commit()
        .catch((e: unknown) =>
          this.opts.logger.warn('Stale marker commit failed', { err: e as Error }),
        );
    }
    this.evaluationTime = (performance.now() - started) / 1000;
    this.lastEvaluation = new Date(ts);
    const m = this.opts.metrics;
    m.groupDuration.observe(this.evaluationTime);
    m.lastDuration.set({ rule_group: this.key() }, this.evaluationTime);
    m.lastEvaluation.set({ rule_group: this.key() }, ts / 1000);
    m.lastSamples.set({ rule_group: this.key() }, samples);
  }

  /** Appends a rule's output and ends its series that disappeared, in one commit. */
  private async write(
    rule: Rule,
    ts: number,
    out: { labels: Labels; value: number }[],
  ): Promise<void> {
    const app = this.opts.appendable.appender();
    const cur = new Map<string, Labels>();
    for (const s of out) {
      const k = s.labels.key();
      cur.set(k, s.labels);
      try {
        app.append(0, s.labels, ts, s.value);
      } catch (e) {
        this.opts.logger.warn('Rule sample appending failed', { rule: rule.name, err: e as Error });
      }
    }
    const prev = this.lastSeries.get(rule);
    if (prev) {
      for (const [k, ls] of prev) {
        if (cur.has(k)) continue;
        try {
          app.append(0, ls, ts, STALE_NAN);
        } catch {
          // Out of order: a newer sample already ended it.
        }
      }
    }
    this.lastSeries.set(rule, cur);
    try {
      await app.commit();
    } catch (e) {
      this.opts.logger.warn('Rule sample commit failed', { rule: rule.name, err: e as Error });
    }
  }

  /** ALERTS_FOR_STATE after a restart: pending alerts keep the time they have already waited. */
  private async restoreForState(rule: AlertingRule, ts: number): Promise<void> {
    const hold = rule.holdDuration;
    if (hold < this.opts.forGracePeriod) {
      rule.restored = true;
      return;
    }
    const mint = ts - this.opts.outageTolerance;
    const q = this.opts.queryable.querier(mint, ts);
    try {
      for (const a of rule.activeAlerts()) {
        const want = rule.forStateLabels(a.labels);
        const matchers: Matcher[] = [];
        for (let i = 0; i < want.length; i++)
          matchers.push(Matcher.equal(want.nameAt(i), want.valueAt(i)));
        const ss = q.select(false, { start: mint, end: ts }, ...matchers);
        let lastT: number | null = null;
        let lastV = 0;
        while (ss.next()) {
          const s = ss.at();
          if (!s.labels.equals(want)) continue;
          const it = s.iterator();
          while (it.next()) {
            lastT = it.atT();
            lastV = it.atF();
          }
        }
        // A stale last sample means the alert had ended before the restart: nothing to restore.
        if (lastT === null || isStaleNaN(lastV) || Number.isNaN(lastV)) continue;
        const downAt = Math.floor(lastT / 1000) * 1000;
        let restored = Math.trunc(lastV) * 1000;
        const remaining = hold - (downAt - restored);
        if (remaining <= 0) {
          // Already past its `for`: fires on this evaluation.
        } else if (remaining < this.opts.forGracePeriod) {
          restored = ts + this.opts.forGracePeriod - hold;
        } else {
          restored += ts - downAt;
        }
        a.activeAt = new Date(restored);
      }
    } finally {
      q.close();
    }
    rule.restored = true;
  }

  /** Stops the schedule; with stale markers for everything the group wrote unless it continues after a reload. */
  async stop(writeStale: boolean): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
    if (!writeStale) return;
    const app = this.opts.appendable.appender();
    const t = Date.now();
    for (const series of this.lastSeries.values()) {
      for (const ls of series.values()) {
        try {
          app.append(0, ls, t, STALE_NAN);
        } catch {
          // ignore
        }
      }
    }
    await app.commit().catch(() => {});
    const m = this.opts.metrics;
    for (const g of [
      m.interval,
      m.rules,
      m.lastDuration,
      m.lastEvaluation,
      m.lastSamples,
      m.missed,
      m.iterations,
      m.evaluations,
      m.failures,
    ])
      g.remove({ rule_group: this.key() });
  }

  info(): RuleGroupInfo {
    return {
      name: this.name,
      file: this.file,
      interval: this.interval / 1000,
      limit: this.limit,
      rules: this.rules.map((r) => r.info()),
      evaluationTime: this.evaluationTime,
      lastEvaluation: this.lastEvaluation,
    };
  }
}
