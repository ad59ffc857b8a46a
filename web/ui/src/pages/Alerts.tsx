import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { countStates, matchesSearch } from '../lib/format.js';
import { formatAgo, formatTimestamp } from '../lib/time.js';
import { useSettings } from '../lib/settings.js';
import { ruleDefinition, type RuleDef } from '../lib/rules.js';
import { Loaded, LabelBadges, StateBadge, Toggle } from './common.js';

interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt?: string;
  value: string;
}
interface Rule extends RuleDef {
  state?: string;
  alerts?: Alert[];
  health: string;
  lastError?: string;
}
interface Group {
  name: string;
  file: string;
  rules: Rule[];
}

const STATES = ['inactive', 'pending', 'firing'] as const;

export function AlertsPage() {
  const f = useAPI<{ groups: Group[] }>('rules', { type: 'alert' });
  const [show, setShow] = useState({ inactive: true, pending: true, firing: true });
  const [search, setSearch] = useState('');
  const [annotations, setAnnotations] = useState(false);
  return (
    <div>
      <h2>Alerts</h2>
      <Loaded f={f}>
        {(d) => {
          const c = countStates(d.groups.flatMap((g) => g.rules).map((r) => r.state ?? 'inactive'));
          let shown = 0;
          const groups = d.groups.map((g) => {
            const rules = g.rules.filter(
              (r) =>
                show[(r.state ?? 'inactive') as keyof typeof show] &&
                matchesSearch(
                  `${r.name} ${Object.entries(r.labels ?? {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ')}`,
                  search,
                ),
            );
            shown += rules.length;
            if (rules.length === 0) return null;
            return (
              <div key={g.file + g.name} className="panel" data-testid="alert-group">
                <div className="row">
                  <b>
                    {g.file} &gt; {g.name}
                  </b>
                </div>
                {rules.map((r, i) => (
                  <AlertRule key={i} r={r} showAnnotations={annotations} />
                ))}
              </div>
            );
          });
          return (
            <>
              <div className="toolbar">
                {STATES.map((s) => (
                  <label key={s}>
                    <input
                      type="checkbox"
                      checked={show[s]}
                      onChange={(e) => setShow({ ...show, [s]: e.target.checked })}
                      data-testid={`show-${s}`}
                    />
                    <StateBadge state={`${s} (${c[s]})`} cls={s} />
                  </label>
                ))}
                <input
                  type="search"
                  className="search"
                  placeholder="Filter by name or labels"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                />
                <label>
                  <input
                    type="checkbox"
                    checked={annotations}
                    onChange={(e) => setAnnotations(e.target.checked)}
                  />{' '}
                  Show annotations
                </label>
              </div>
              {d.groups.length === 0 && (
                <div className="info">No alerting rules are configured.</div>
              )}
              {d.groups.length > 0 && shown === 0 && (
                <div className="info">No alerting rules match the filters.</div>
              )}
              {groups}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function AlertRule({ r, showAnnotations }: { r: Rule; showAnnotations: boolean }) {
  const { localTime } = useSettings();
  const [open, setOpen] = useState(false);
  const state = r.state ?? 'inactive';
  const alerts = r.alerts ?? [];
  const now = Date.now();
  return (
    <div className="rule" data-testid="alert-rule" data-state={state}>
      <Toggle open={open} onToggle={() => setOpen(!open)}>
        <StateBadge state={state} /> <b>{r.name}</b>{' '}
        <span className="count">({alerts.length} active)</span>
      </Toggle>
      {open && (
        <div className="rule-detail">
          <pre className="rule-def" data-testid="rule-def">
            {ruleDefinition(r)}
          </pre>
          {r.lastError && <div className="error">{r.lastError}</div>}
          {alerts.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th>Labels</th>
                  <th>State</th>
                  <th>Active Since</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {alerts.map((a, i) => (
                  <tr key={i} data-testid="active-alert">
                    <td>
                      <LabelBadges labels={a.labels} />
                      {showAnnotations && Object.keys(a.annotations).length > 0 && (
                        <dl className="kv-list">
                          {Object.entries(a.annotations).map(([k, v]) => (
                            <div key={k}>
                              <dt>{k}</dt>
                              <dd>{v}</dd>
                            </div>
                          ))}
                        </dl>
                      )}
                    </td>
                    <td>
                      <StateBadge state={a.state} />
                    </td>
                    <td className="nowrap" title={a.activeAt}>
                      {a.activeAt ? (
                        <>
                          {formatTimestamp(a.activeAt, localTime)}
                          <div className="stats">{formatAgo(Date.parse(a.activeAt), now)}</div>
                        </>
                      ) : (
                        '-'
                      )}
                    </td>
                    <td className="num">{a.value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
