// amtool's output formats: "simple" and "extended" tables (Go's tabwriter with two spaces of
// padding and a cell terminator after every column) and "json" (the API objects re-encoded in
// the order of Alertmanager's models). Dates use --date.format, a Go layout.
import { formatGoTime } from '../../template/index.js';
import { goJSON } from '../../alertmanager/notify/index.js';
import { fromAPIMatcher, matcherString } from './matcher.js';
import type { APIAlert, APISilence } from './client.js';

export type OutputFormat = 'simple' | 'extended' | 'json';

/** tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) over rows whose every cell ends in a tab. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return rows
    .map((r) => r.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length + 2)).join('') + '\n')
    .join('');
}

const byTime =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    Date.parse(key(a)) - Date.parse(key(b));

const pairs = (ls: Readonly<Record<string, string>>) =>
  Object.entries(ls)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(' ');

export class Formatter {
  constructor(
    readonly kind: OutputFormat,
    private readonly dateFormat: string,
  ) {}

  date(s: string): string {
    return formatGoTime(new Date(s), this.dateFormat);
  }

  alerts(list: readonly APIAlert[]): string {
    const sorted = [...list].sort(byTime((a) => a.startsAt));
    if (this.kind === 'json') return goJSON(list.map(alertJSON));
    if (this.kind === 'simple') {
      return table([
        ['Alertname', 'Starts At', 'Summary', 'State'],
        ...sorted.map((a) => [
          a.labels['alertname'] ?? '',
          this.date(a.startsAt),
          a.annotations['summary'] ?? '',
          a.status.state,
        ]),
      ]);
    }
    return table([
      ['Labels', 'Annotations', 'Starts At', 'Ends At', 'Generator URL', 'State'],
      ...sorted.map((a) => [
        pairs(a.labels),
        pairs(a.annotations),
        this.date(a.startsAt),
        this.date(a.endsAt),
        a.generatorURL ?? '',
        a.status.state,
      ]),
    ]);
  }

  silences(list: readonly APISilence[]): string {
    const sorted = [...list].sort(byTime((s) => s.endsAt));
    if (this.kind === 'json') return goJSON(list.map(silenceJSON));
    const ms = (s: APISilence) => s.matchers.map((m) => matcherString(fromAPIMatcher(m)));
    if (this.kind === 'simple') {
      return table([
        ['ID', 'Matchers', 'Ends At', 'Created By', 'Comment'],
        ...sorted.map((s) => [s.id, ms(s).join(' '), this.date(s.endsAt), s.createdBy, s.comment]),
      ]);
    }
    return table([
      ['ID', 'Matchers', 'Starts At', 'Ends At', 'Updated At', 'Created By', 'Comment'],
      ...sorted.map((s) => [
        s.id,
        `{${ms(s).join(',')}}`,
        this.date(s.startsAt),
        this.date(s.endsAt),
        this.date(s.updatedAt),
        s.createdBy,
        s.comment,
      ]),
    ]);
  }
}

/** strfmt.DateTime's JSON form: milliseconds, UTC. */
const dt = (s: string) => new Date(s).toISOString();

function alertJSON(a: APIAlert): Record<string, unknown> {
  return {
    annotations: a.annotations,
    endsAt: dt(a.endsAt),
    fingerprint: a.fingerprint,
    receivers: a.receivers.map((r) => ({ name: r.name })),
    startsAt: dt(a.startsAt),
    status: {
      inhibitedBy: a.status.inhibitedBy,
      silencedBy: a.status.silencedBy,
      state: a.status.state,
    },
    updatedAt: dt(a.updatedAt),
    ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    labels: a.labels,
  };
}

function silenceJSON(s: APISilence): Record<string, unknown> {
  return {
    id: s.id,
    status: { state: s.status.state },
    updatedAt: dt(s.updatedAt),
    comment: s.comment,
    createdBy: s.createdBy,
    endsAt: dt(s.endsAt),
    matchers: s.matchers.map((m) => ({
      isEqual: m.isEqual ?? true,
      isRegex: m.isRegex,
      name: m.name,
      value: m.value,
    })),
    startsAt: dt(s.startsAt),
  };
}
