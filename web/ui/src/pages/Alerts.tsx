import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { countStates, matchesSearch } from '../lib/format.js';
import { Loaded, LabelBadges } from './common.js';

interface Alert { labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt?: string; value: string }
interface Rule { name: string; query: string; type: string; state?: string; duration?: number; labels?: Record<string, string>; annotations?: Record<string, string>; alerts?: Alert[]; health: string; lastError?: string }
interface Group { name: string; file: string; rules: Rule[] }

export function AlertsPage() {
  const f = useAPI<{ groups: Group[] }>('rules', { type: 'alert' });
  const [show, setShow] = useState({ inactive: true, pending: true, firing: true });
  const [search, setSearch] = useState('');
  return (
    <div>
      <h2>Alerts</h2>
      <div className="row">
        {(['inactive', 'pending', 'firing'] as const).map((s) => (
          <label key={s}><input type="checkbox" checked={show[s]} onChange={(e) => setShow({ ...show, [s]: e.target.checked })} /> {s}</label>
        ))}
        <input placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <Loaded f={f}>{(d) => {
        const all = d.groups.flatMap((g) => g.rules);
        const c = countStates(all.map((r) => r.state ?? 'inactive'));
        return (
          <>
            <div className="row">
              <span className="badge state-inactive">inactive ({c.inactive})</span>
              <span className="badge state-pending">pending ({c.pending})</span>
              <span className="badge state-firing">firing ({c.firing})</span>
            </div>
            {d.groups.map((g) => {
              const rules = g.rules.filter((r) => show[(r.state ?? 'inactive') as keyof typeof show] && matchesSearch(r.name + ' ' + JSON.stringify(r.labels ?? {}), search));
              if (rules.length === 0) return null;
              return (
                <div key={g.file + g.name} className="panel">
                  <div><b>{g.file} &gt; {g.name}</b></div>
                  {rules.map((r, i) => <AlertRule key={i} r={r} />)}
                </div>
              );
            })}
          </>
        );
      }}</Loaded>
    </div>
  );
}

function AlertRule({ r }: { r: Rule }) {
  const [open, setOpen] = useState(false);
  const state = r.state ?? 'inactive';
  return (
    <div data-testid="alert-rule" data-state={state}>
      <div onClick={() => setOpen(!open)} style={{ cursor: 'pointer' }}>
        {open ? '▾' : '▸'} <b>{r.name}</b> <span className={`badge state-${state}`}>{state}</span> ({r.alerts?.length ?? 0} active)
      </div>
      {open && (
        <div className="panel">
          <pre>{`alert: ${r.name}\nexpr: ${r.query}${r.duration ? `\nfor: ${r.duration}s` : ''}`}</pre>
          {r.labels && <div>labels: <LabelBadges labels={r.labels} /></div>}
          {r.annotations && <div>annotations: {Object.entries(r.annotations).map(([k, v]) => <div key={k}><b>{k}</b>: {v}</div>)}</div>}
          {r.lastError && <div className="error">{r.lastError}</div>}
          {(r.alerts?.length ?? 0) > 0 && (
            <table>
              <thead><tr><th>Labels</th><th>State</th><th>Active Since</th><th>Value</th></tr></thead>
              <tbody>{r.alerts!.map((a, i) => (
                <tr key={i}><td><LabelBadges labels={a.labels} /></td><td><span className={`badge state-${a.state}`}>{a.state.toUpperCase()}</span></td><td>{a.activeAt}</td><td>{a.value}</td></tr>
              ))}</tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
