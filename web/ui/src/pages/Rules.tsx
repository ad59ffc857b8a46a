import { useAPI } from '../hooks.js';
import { Loaded } from './common.js';

interface Rule { name: string; query: string; type: string; health: string; lastError?: string; evaluationTime: number; lastEvaluation: string; labels?: Record<string, string>; duration?: number }
interface Group { name: string; file: string; rules: Rule[]; interval: number; evaluationTime: number; lastEvaluation: string }

export function RulesPage() {
  const f = useAPI<{ groups: Group[] }>('rules');
  return (
    <div>
      <h2>Rules</h2>
      <Loaded f={f}>{(d) => d.groups.length === 0 ? <div>No rules defined</div> : d.groups.map((g) => (
        <div key={g.file + g.name} className="panel">
          <b>{g.name}</b> <span className="stats">{g.file} · interval {g.interval}s · last evaluation {g.lastEvaluation} · took {(g.evaluationTime * 1000).toFixed(3)}ms</span>
          <table>
            <thead><tr><th>Rule</th><th>State</th><th>Error</th><th>Last Evaluation</th><th>Evaluation Time</th></tr></thead>
            <tbody>{g.rules.map((r, i) => (
              <tr key={i}>
                <td><pre style={{ margin: 0 }}>{`${r.type === 'alerting' ? 'alert' : 'record'}: ${r.name}\nexpr: ${r.query}${r.duration ? `\nfor: ${r.duration}s` : ''}${r.labels && Object.keys(r.labels).length ? `\nlabels:\n${Object.entries(r.labels).map(([k, v]) => `  ${k}: ${v}`).join('\n')}` : ''}`}</pre></td>
                <td><span className={`badge state-${r.health === 'ok' ? 'up' : r.health === 'err' ? 'down' : 'unknown'}`}>{r.health.toUpperCase()}</span></td>
                <td>{r.lastError}</td><td>{r.lastEvaluation}</td><td>{(r.evaluationTime * 1000).toFixed(3)}ms</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      ))}</Loaded>
    </div>
  );
}
