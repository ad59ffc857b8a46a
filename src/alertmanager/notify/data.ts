// Alertmanager's template data (template.Data) for one notification, and the JSON form of it
// that webhook payloads carry. Shared by every integration.
import { formatGoTime } from '../model/index.js';
import type { NotifyAlert, NotifyContext, TemplateAlert, TemplateData } from './integration.js';

/** A firing alert's end is hidden (the zero time, new Date(0)) until it has passed. */
function statusOf(a: NotifyAlert, now: Date): 'firing' | 'resolved' {
  const end = a.endsAt.getTime();
  return end !== 0 && end <= now.getTime() ? 'resolved' : 'firing';
}

function common(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (maps.length === 0) return {};
  const out: Record<string, string> = { ...maps[0] };
  for (const m of maps.slice(1)) for (const k of Object.keys(out)) if (m[k] !== out[k]) delete out[k];
  return out;
}

export function templateData(ctx: NotifyContext, alerts: readonly NotifyAlert[]): TemplateData {
  const tas: TemplateAlert[] = alerts.map((a) => {
    const status = statusOf(a, ctx.now);
    return { status, labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: status === 'firing' ? new Date(0) : a.endsAt, generatorURL: a.generatorURL, fingerprint: a.fingerprint };
  });
  return {
    receiver: ctx.receiver,
    status: tas.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts: tas,
    groupLabels: ctx.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: ctx.externalURL,
  };
}

const sorted = (m: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const goTime = (d: Date): string => (d.getTime() === 0 ? '0001-01-01T00:00:00Z' : formatGoTime(d.getTime()));

/** template.Data as Go's encoding/json writes it (maps with sorted keys, times RFC 3339). */
export function templateDataJSON(d: TemplateData): Record<string, unknown> {
  return {
    receiver: d.receiver,
    status: d.status,
    alerts: d.alerts.map((a) => ({ status: a.status, labels: sorted(a.labels), annotations: sorted(a.annotations), startsAt: goTime(a.startsAt), endsAt: goTime(a.endsAt), generatorURL: a.generatorURL, fingerprint: a.fingerprint })),
    groupLabels: sorted(d.groupLabels),
    commonLabels: sorted(d.commonLabels),
    commonAnnotations: sorted(d.commonAnnotations),
    externalURL: d.externalURL,
  };
}
