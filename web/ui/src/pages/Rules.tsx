import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { matchesSearch } from '../lib/format.js';
import { formatAgo, formatDuration } from '../lib/time.js';
import { ruleDefinition, type RuleDef } from '../lib/rules.js';
import { Loaded, StateBadge } from './common.js';
import { BacktestPanel } from './Backtest.js';

interface Rule extends RuleDef {
  health: string;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  state?: string;
}
interface Group {
  name: string;
  file: string;
  rules: Rule[];
  interval: number;
  evaluationTime: number;
  lastEvaluation: string;
}

const ms = (sec: number): string => `${(sec * 1000).toFixed(3)}ms`;

/** "12.3s ago", or "Never" for Go's zero time (not evaluated yet). */
function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  return isFinite(t) && t > 0 ? formatAgo(t, now) : 'Never';
}

/** The Rules page's filters: kind, health, an alert's state, and words of the name or expression. */
interface RuleFilter {
  type: '' | 'alerting' | 'recording';
  health: '' | 'ok' | 'err' | 'unknown';
  state: '' | 'inactive' | 'pending' | 'firing';
  search: string;
}

function ruleShown(r: Rule, f: RuleFilter): boolean {
  if (f.type && r.type !== f.type) return false;
  if (f.health && r.health !== f.health) return false;
  if (f.state && (r.type !== 'alerting' || r.state !== f.state)) return false;
  return matchesSearch(`${r.name} ${r.query}`, f.search);
}

export function RulesPage() {
  const f = useAPI<{ groups: Group[] }>('rules');
  const [filter, setFilter] = useState<RuleFilter>({ type: '', health: '', state: '', search: '' });
  const now = Date.now();
  const filtering =
    filter.type !== '' ||
    filter.health !== '' ||
    filter.state !== '' ||
    filter.search.trim() !== '';
  return (
    <div>
      <h2>Rules</h2>
      <BacktestPanel />
      <div className="toolbar filters">
        <select
          value={filter.type}
          onChange={(e) => setFilter({ ...filter, type: e.target.value as RuleFilter['type'] })}
          data-testid="rule-type"
          aria-label="Rule type"
        >
          <option value="">All rule types</option>
          <option value="alerting">Alerting</option>
          <option value="recording">Recording</option>
        </select>
        <select
          value={filter.health}
          onChange={(e) => setFilter({ ...filter, health: e.target.value as RuleFilter['health'] })}
          data-testid="rule-health"
          aria-label="Rule health"
        >
          <option value="">Any health</option>
          <option value="ok">OK</option>
          <option value="err">Error</option>
          <option value="unknown">Unknown</option>
        </select>
        <select
          value={filter.state}
          onChange={(e) => setFilter({ ...filter, state: e.target.value as RuleFilter['state'] })}
          data-testid="rule-state"
          aria-label="Alert state"
        >
          <option value="">Any alert state</option>
          <option value="inactive">Inactive</option>
          <option value="pending">Pending</option>
          <option value="firing">Firing</option>
        </select>
        <input
          type="search"
          className="search"
          placeholder="Filter by rule name or expression"
          value={filter.search}
          onChange={(e) => setFilter({ ...filter, search: e.target.value })}
          data-testid="rule-search"
        />
      </div>
      <Loaded f={f}>
        {(d) =>
          d.groups.length === 0 ? (
            <div className="info">No rules defined.</div>
          ) : (
            d.groups
              .map((g) => ({ ...g, rules: g.rules.filter((r) => ruleShown(r, filter)) }))
              .filter((g) => !filtering || g.rules.length > 0)
              .map((g) => (
                <div key={g.file + g.name} className="panel" data-testid="rule-group">
                  <div className="row">
                    <b>{g.name}</b>
                    <span className="stats">{g.file}</span>
                    <span className="spacer" />
                    <span className="stats">
                      interval {formatDuration(g.interval * 1000)} · last evaluation{' '}
                      {ago(g.lastEvaluation, now)} · took {ms(g.evaluationTime)}
                    </span>
                  </div>
                  <table>
                    <thead>
                      <tr>
                        <th>Rule</th>
                        <th>State</th>
                        <th>Error</th>
                        <th>Last Evaluation</th>
                        <th>Evaluation Time</th>
                      </tr>
                    </thead>
                    <tbody>
                      {g.rules.map((r, i) => (
                        <tr key={i} data-testid="rule">
                          <td>
                            <pre className="rule-def">{ruleDefinition(r)}</pre>
                          </td>
                          <td>
                            <StateBadge
                              state={r.health}
                              cls={
                                r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : 'unknown'
                              }
                            />
                          </td>
                          <td>{r.lastError && <span className="error">{r.lastError}</span>}</td>
                          <td className="nowrap" title={r.lastEvaluation}>
                            {ago(r.lastEvaluation, now)}
                          </td>
                          <td className="nowrap">{ms(r.evaluationTime)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ))
          )
        }
      </Loaded>
    </div>
  );
}
