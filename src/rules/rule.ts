// Recording and alerting rules. A recording rule stores its query's result under a new name; an
// alerting rule turns each result sample into an alert that is pending until it has held for
// `for`, then firing, kept firing for `keep_firing_for` after it stops matching, and resolved
// (and still sent for 15 minutes) after that.
import { Labels, LabelsBuilder } from '../model/labels/index.js';
import { exprToString, parseExpr } from '../promql/parser/index.js';
import type { Engine } from '../promql/index.js';
import type { Queryable } from '../storage/index.js';
import type { Alert } from '../notifier/index.js';
import type { Logger } from '../util/log.js';
import { expandTemplate } from '../template/index.js';
import type {
  ActiveAlert,
  AlertState,
  AlertingRuleInfo,
  RuleHealth,
  RuleInfo,
} from './rule_info.js';

export interface RuleContext {
  engine: Engine;
  queryable: Queryable;
  externalLabels: Labels;
  externalURL: string;
  limit: number;
  logger: Logger;
}

/** How long a resolved alert is still sent to Alertmanager. */
const RESOLVED_RETENTION = 15 * 60 * 1000;

async function instantVector(
  ctx: RuleContext,
  expr: string,
  ts: number,
): Promise<{ metric: Labels; f: number }[]> {
  const q = ctx.engine.newInstantQuery(ctx.queryable, expr, ts);
  const { value } = await q.exec();
  if (value.type === 'vector') return value.samples.map((s) => ({ metric: s.metric, f: s.f }));
  if (value.type === 'scalar') return [{ metric: Labels.EMPTY, f: value.v }];
  throw new Error('rule result is not a vector or scalar');
}

/** Go's url.QueryEscape: only letters, digits and -_.~ stay; a space becomes '+'. */
function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

function tableLink(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

export abstract class Rule {
  abstract readonly kind: 'recording' | 'alerting';
  health: RuleHealth = 'unknown';
  lastError = '';
  evaluationTime = 0;
  lastEvaluation: Date | null = null;
  readonly query: string;

  constructor(
    readonly name: string,
    readonly expr: string,
    readonly labels: Labels,
    /** Rule labels given as "": removed from the output. */
    readonly unsetLabels: readonly string[] = [],
  ) {
    this.query = exprToString(parseExpr(expr));
  }

  /** Evaluates at ts (ms); returns the samples to store. Throws on a failed evaluation. */
  abstract eval(ts: number, ctx: RuleContext): Promise<{ labels: Labels; value: number }[]>;
  abstract info(): RuleInfo;

  copyStateFrom(old: Rule): void {
    this.health = old.health;
    this.lastError = old.lastError;
    this.evaluationTime = old.evaluationTime;
    this.lastEvaluation = old.lastEvaluation;
  }
}

export class RecordingRule extends Rule {
  readonly kind = 'recording' as const;

  async eval(ts: number, ctx: RuleContext): Promise<{ labels: Labels; value: number }[]> {
    const vec = await instantVector(ctx, this.expr, ts);
    const out: { labels: Labels; value: number }[] = [];
    const seen = new Set<string>();
    for (const s of vec) {
      const lb = new LabelsBuilder(s.metric);
      lb.set('__name__', this.name);
      this.labels.forEach((n, v) => {
        if (v === '') lb.del(n);
        else lb.set(n, v);
      });
      for (const n of this.unsetLabels) lb.del(n);
      const ls = lb.labels();
      const k = ls.key();
      if (seen.has(k))
        throw new Error(
          'vector contains metrics with the same labelset after applying rule labels',
        );
      seen.add(k);
      out.push({ labels: ls, value: s.f });
    }
    if (ctx.limit > 0 && out.length > ctx.limit)
      throw new Error(`exceeded limit of ${ctx.limit} with ${out.length} series`);
    return out;
  }

  info(): RuleInfo {
    return {
      type: 'recording',
      name: this.name,
      query: this.query,
      labels: this.labels,
      health: this.health,
      lastError: this.lastError,
      evaluationTime: this.evaluationTime,
      lastEvaluation: this.lastEvaluation,
    };
  }
}

interface AlertInstance extends ActiveAlert {
  firedAt: Date | null;
  resolvedAt: Date | null;
  lastSentAt: Date | null;
  validUntil: Date | null;
}

export class AlertingRule extends Rule {
  readonly kind = 'alerting' as const;
  private active = new Map<string, AlertInstance>();
  restored = false;

  constructor(
    name: string,
    expr: string,
    /** `for`, ms. */
    readonly holdDuration: number,
    readonly keepFiringFor: number,
    labels: Labels,
    readonly annotations: Labels,
    unsetLabels: readonly string[] = [],
  ) {
    super(name, expr, labels, unsetLabels);
  }

  override copyStateFrom(old: Rule): void {
    super.copyStateFrom(old);
    if (old instanceof AlertingRule) {
      this.active = old.active;
      this.restored = old.restored;
    }
  }

  activeAlerts(): AlertInstance[] {
    return [...this.active.values()].filter((a) => a.resolvedAt === null);
  }

  state(): AlertState {
    let s: AlertState = 'inactive';
    for (const a of this.active.values()) {
      if (a.state === 'firing') return 'firing';
      if (a.state === 'pending') s = 'pending';
    }
    return s;
  }

  async eval(ts: number, ctx: RuleContext): Promise<{ labels: Labels; value: number }[]> {
    const vec = await instantVector(ctx, this.expr, ts);
    const extLabels = ctx.externalLabels.toObject();
    const seen = new Map<string, AlertInstance>();
    for (const s of vec) {
      const sampleLabels = s.metric.withoutMetricName();
      // As Prometheus, $labels is the sample's metric as returned, __name__ included if kept.
      const data = {
        labels: s.metric.toObject(),
        externalLabels: extLabels,
        externalURL: ctx.externalURL,
        value: s.f,
      };
      const tmplName = `__alert_${this.name}`;
      const query = async (q: string, t: number) =>
        (await instantVector(ctx, q, t)).map((x) => ({ metric: x.metric.toObject(), value: x.f }));
      const expand = async (text: string): Promise<string> => {
        try {
          return await expandTemplate(tmplName, text, data, {
            timestamp: ts,
            query,
            externalURL: ctx.externalURL,
          });
        } catch (e) {
          ctx.logger.warn('Expanding alert template failed', { err: e as Error });
          return `<error expanding template: ${(e as Error).message}>`;
        }
      };
      const lb = new LabelsBuilder(sampleLabels);
      for (let i = 0; i < this.labels.length; i++) {
        const v = await expand(this.labels.valueAt(i));
        if (v === '') lb.del(this.labels.nameAt(i));
        else lb.set(this.labels.nameAt(i), v);
      }
      for (const n of this.unsetLabels) lb.del(n);
      lb.set('alertname', this.name);
      const ab = new LabelsBuilder();
      for (let i = 0; i < this.annotations.length; i++)
        ab.set(this.annotations.nameAt(i), await expand(this.annotations.valueAt(i)));
      const ls = lb.labels();
      const k = ls.key();
      if (seen.has(k))
        throw new Error(
          'vector contains metrics with the same labelset after applying alert labels',
        );
      seen.set(k, {
        labels: ls,
        annotations: ab.labels(),
        state: 'pending',
        activeAt: null,
        keepFiringSince: null,
        value: s.f,
        firedAt: null,
        resolvedAt: null,
        lastSentAt: null,
        validUntil: null,
      });
    }
    for (const [k, a] of seen) {
      const cur = this.active.get(k);
      if (cur && cur.resolvedAt === null) {
        cur.value = a.value;
        cur.annotations = a.annotations;
        cur.keepFiringSince = null;
        continue;
      }
      a.activeAt = new Date(ts);
      this.active.set(k, a);
    }
    for (const [k, a] of this.active) {
      if (seen.has(k)) continue;
      if (a.state === 'pending' || a.resolvedAt !== null) {
        // Pending alerts just go; resolved ones are kept a while for resending.
        if (a.state === 'pending' || ts - a.resolvedAt!.getTime() > RESOLVED_RETENTION)
          this.active.delete(k);
        continue;
      }
      if (this.keepFiringFor > 0) {
        if (a.keepFiringSince === null) a.keepFiringSince = new Date(ts);
        if (ts - a.keepFiringSince.getTime() < this.keepFiringFor) continue;
      }
      a.state = 'inactive';
      a.resolvedAt = new Date(ts);
      a.keepFiringSince = null;
    }
    let numActive = 0;
    for (const a of this.active.values()) {
      if (a.resolvedAt !== null) continue;
      numActive++;
      if (a.state === 'pending' && ts - a.activeAt!.getTime() >= this.holdDuration) {
        a.state = 'firing';
        a.firedAt = new Date(ts);
      }
    }
    if (ctx.limit > 0 && numActive > ctx.limit) {
      this.active.clear();
      throw new Error(`exceeded limit of ${ctx.limit} with ${numActive} alerts`);
    }
    return this.stateSamples(ts);
  }

  /** The ALERTS and ALERTS_FOR_STATE samples of the active alerts. */
  stateSamples(ts: number): { labels: Labels; value: number }[] {
    void ts;
    const out: { labels: Labels; value: number }[] = [];
    for (const a of this.active.values()) {
      if (a.resolvedAt !== null) continue;
      // As Prometheus, the series start from the rule's labels as written (a label whose
      // template expanded to "" keeps its raw text here) with the alert's labels over them.
      const lb = this.seriesBase();
      a.labels.forEach((n, v) => lb.set(n, v));
      lb.set('__name__', 'ALERTS');
      lb.set('alertstate', a.state);
      out.push({ labels: lb.labels(), value: 1 });
      out.push({
        labels: this.forStateLabels(a.labels),
        value: Math.floor(a.activeAt!.getTime() / 1000),
      });
    }
    return out;
  }

  /** The ALERTS_FOR_STATE series of an alert (also what a restore looks up). */
  forStateLabels(alertLabels: Labels): Labels {
    const b = this.seriesBase();
    alertLabels.forEach((n, v) => b.set(n, v));
    b.set('__name__', 'ALERTS_FOR_STATE');
    return b.labels();
  }

  private seriesBase(): LabelsBuilder {
    const b = new LabelsBuilder();
    this.labels.forEach((n, v) => {
      if (v !== '') b.set(n, v);
    });
    return b;
  }

  /** Firing and recently resolved alerts due to be (re)sent at ts. */
  alertsToSend(ts: number, resendDelay: number, interval: number, externalURL: string): Alert[] {
    const out: Alert[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const resolvedSinceSent =
        a.resolvedAt !== null && (a.lastSentAt === null || a.resolvedAt > a.lastSentAt);
      if (!resolvedSinceSent && a.lastSentAt !== null && a.lastSentAt.getTime() + resendDelay >= ts)
        continue;
      a.lastSentAt = new Date(ts);
      a.validUntil = new Date(ts + 4 * Math.max(resendDelay, interval));
      out.push({
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.firedAt ?? a.activeAt!,
        endsAt: a.resolvedAt ?? a.validUntil,
        // As Prometheus: the link carries the formatted expression, not the text as written.
        generatorURL: externalURL.replace(/\/$/, '') + tableLink(this.query),
      });
    }
    return out;
  }

  info(): AlertingRuleInfo {
    return {
      type: 'alerting',
      name: this.name,
      query: this.query,
      duration: this.holdDuration / 1000,
      keepFiringFor: this.keepFiringFor / 1000,
      labels: this.labels,
      annotations: this.annotations,
      alerts: this.activeAlerts().map((a) => ({
        labels: a.labels,
        annotations: a.annotations,
        state: a.state,
        activeAt: a.activeAt,
        keepFiringSince: a.keepFiringSince,
        value: a.value,
      })),
      health: this.health,
      lastError: this.lastError,
      evaluationTime: this.evaluationTime,
      lastEvaluation: this.lastEvaluation,
      state: this.state(),
    };
  }
}
