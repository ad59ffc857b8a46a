// The JSON form of Alertmanager's template data (template.Data) that webhook payloads carry;
// the data itself is the template package's buildTemplateData.
import { formatGoTime } from '../model/index.js';
import type { TemplateData } from './integration.js';

const sorted = (m: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const goTime = (d: Date): string =>
  d.getTime() === 0 ? '0001-01-01T00:00:00Z' : formatGoTime(d.getTime());

/** template.Data as Go's encoding/json writes it (maps with sorted keys, times RFC 3339). */
export function templateDataJSON(d: TemplateData): Record<string, unknown> {
  return {
    receiver: d.receiver,
    status: d.status,
    alerts: d.alerts.map((a) => ({
      status: a.status,
      labels: sorted(a.labels),
      annotations: sorted(a.annotations),
      startsAt: goTime(a.startsAt),
      endsAt: goTime(a.endsAt),
      generatorURL: a.generatorURL,
      fingerprint: a.fingerprint,
    })),
    groupLabels: sorted(d.groupLabels),
    commonLabels: sorted(d.commonLabels),
    commonAnnotations: sorted(d.commonAnnotations),
    externalURL: d.externalURL,
  };
}
