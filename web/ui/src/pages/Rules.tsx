import { useAPI } from '../hooks.js';
import { formatAgo, formatDuration } from '../lib/time.js';
import { ruleDefinition, type RuleDef } from '../lib/rules.js';
import { Loaded, StateBadge } from './common.js';

interface Rule extends RuleDef { health: string; lastError?: string; evaluationTime: number; lastEvaluation: string }
interface Group { name: string; file: string; rules: Rule[]; interval: number; evaluationTime: number; lastEvaluation: string }

const ms = (sec: number): string => `${(sec * 1000).toFixed(3)}ms`;

/** "12.3s ago", or "Never" for Go's zero time (not evaluated yet). */
function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  return isFinite(t) && t > 0 ? formatAgo(t, now) : 'Never';
}

export function RulesPage() {
  const f = useAPI<{ groups: Group[] }>('rules');
  const now = Date.now();
  return (
    <div>
      <h2>Rules</h2>
      <Loaded f={f}>{(d) => d.groups.length === 0 ? <div className="info">No rules defined.</div> : d.groups.map((g) => (
        <div key={g.file + g.name} className="panel" data-testid="rule-group">
          <div className="row">
            <b>{g.name}</b><span className="stats">{g.file}</span><span className="spacer" />
            <span className="stats">interval {formatDuration(g.interval * 1000)} · last evaluation {ago(g.lastEvaluation, now)} · took {ms(g.evaluationTime)}</span>
          </div>
          <table>
            <thead><tr><th>Rule</th><th>State</th><th>Error</th><th>Last Evaluation</th><th>Evaluation Time</th></tr></thead>
            <tbody>{g.rules.map((r, i) => (
              <tr key={i}>
                <td><pre className="rule-def">{ruleDefinition(r)}</pre></td>
                <td><StateBadge state={r.health} cls={r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : 'unknown'} /></td>
                <td>{r.lastError && <span className="error">{r.lastError}</span>}</td>
                <td className="nowrap" title={r.lastEvaluation}>{ago(r.lastEvaluation, now)}</td>
                <td className="nowrap">{ms(r.evaluationTime)}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      ))}</Loaded>
    </div>
  );
}
