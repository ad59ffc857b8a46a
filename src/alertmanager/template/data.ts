// Alertmanager's template data (template.Data) in the shape templates see it: Go field names,
// label/annotation sets as KV maps with their methods (SortedPairs, Names, Values, Remove), and
// the alert list with Firing/Resolved. Method names are capitalised so the template engine
// resolves them as Go methods (see goMethod in src/template/exec.ts).
import type { NotifyAlert, NotifyContext, TemplateAlert, TemplateData } from '../notify/index.js';

/** One key/value pair (template.Pair). */
export class Pair {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {}
}

/** A list of pairs (template.Pairs). */
export class Pairs extends Array<Pair> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Names(): string[] {
    return this.map((p) => p.Name);
  }
  Values(): string[] {
    return this.map((p) => p.Value);
  }
}

/** A label or annotation set (template.KV). */
export class KV extends Map<string, string> {
  static of(o: Readonly<Record<string, string>>): KV {
    return new KV(Object.entries(o));
  }
  /** Sorted by name, except that alertname, if present, comes first. */
  SortedPairs(): Pairs {
    const names = [...this.keys()].filter((k) => k !== 'alertname').sort(byCodeUnit);
    if (this.has('alertname')) names.unshift('alertname');
    const out = new Pairs();
    for (const n of names) out.push(new Pair(n, this.get(n)!));
    return out;
  }
  Remove(keys: readonly string[] | null): KV {
    const drop = new Set(keys ?? []);
    return new KV([...this].filter(([k]) => !drop.has(k)));
  }
  Names(): string[] {
    return this.SortedPairs().Names();
  }
  Values(): string[] {
    return this.SortedPairs().Values();
  }
}

// Go sorts strings by bytes; for UTF-16 this differs only past the BMP, which label names never reach.
const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One alert as templates see it (template.Alert). */
export interface GoAlert {
  readonly Status: string;
  readonly Labels: KV;
  readonly Annotations: KV;
  readonly StartsAt: Date;
  readonly EndsAt: Date;
  readonly GeneratorURL: string;
  readonly Fingerprint: string;
}

/** The alert list (template.Alerts). */
export class Alerts extends Array<GoAlert> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  Firing(): GoAlert[] {
    return this.filter((a) => a.Status === 'firing');
  }
  Resolved(): GoAlert[] {
    return this.filter((a) => a.Status === 'resolved');
  }
}

/** template.Data with Go's field names. */
export interface GoData {
  readonly Receiver: string;
  readonly Status: string;
  readonly Alerts: Alerts;
  readonly GroupLabels: KV;
  readonly CommonLabels: KV;
  readonly CommonAnnotations: KV;
  readonly ExternalURL: string;
}

/** Go's zero time.Time (year 1), which the contract writes as new Date(0). */
const GO_ZERO_TIME = new Date('0001-01-01T00:00:00Z');
const goTime = (d: Date): Date => (d.getTime() === 0 ? GO_ZERO_TIME : d);

export function toGoData(d: TemplateData): GoData {
  const alerts = new Alerts();
  for (const a of d.alerts) {
    alerts.push({
      Status: a.status,
      Labels: KV.of(a.labels),
      Annotations: KV.of(a.annotations),
      StartsAt: goTime(a.startsAt),
      EndsAt: goTime(a.endsAt),
      GeneratorURL: a.generatorURL,
      Fingerprint: a.fingerprint,
    });
  }
  return {
    Receiver: d.receiver,
    Status: d.status,
    Alerts: alerts,
    GroupLabels: KV.of(d.groupLabels),
    CommonLabels: KV.of(d.commonLabels),
    CommonAnnotations: KV.of(d.commonAnnotations),
    ExternalURL: d.externalURL,
  };
}

/** Go's regexp.QuoteMeta: Alertmanager puts the receiver name into the data escaped this way. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** An alert is resolved once it has an end time that is not after now (types.Alert.Resolved). */
export function alertStatus(a: NotifyAlert, now: Date): 'firing' | 'resolved' {
  return a.endsAt.getTime() !== 0 && a.endsAt.getTime() <= now.getTime() ? 'resolved' : 'firing';
}

/**
 * The data of one notification (template.Template.Data): the receiver regexp-quoted, the group's
 * status (firing while any alert fires), the labels and annotations all alerts share, and a
 * firing alert's end hidden (the zero time) as types.Alerts does.
 */
export function buildTemplateData(
  ctx: NotifyContext,
  alerts: readonly NotifyAlert[],
): TemplateData {
  const list: TemplateAlert[] = alerts.map((a) => ({
    status: alertStatus(a, ctx.now),
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: alertStatus(a, ctx.now) === 'firing' ? new Date(0) : a.endsAt,
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  }));
  return {
    receiver: quoteMeta(ctx.receiver),
    status: list.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: list,
    groupLabels: ctx.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
  };
}

function common(sets: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (sets.length === 0) return {};
  const out: Record<string, string> = { ...sets[0] };
  for (const s of sets.slice(1))
    for (const k of Object.keys(out)) if (s[k] !== out[k]) delete out[k];
  return out;
}
