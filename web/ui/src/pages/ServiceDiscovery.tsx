import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { Loaded, LabelBadges, Toggle } from './common.js';

interface T { discoveredLabels: Record<string, string>; labels?: Record<string, string>; scrapePool?: string }

export function ServiceDiscoveryPage() {
  const f = useAPI<{ activeTargets: T[]; droppedTargets: T[] }>('targets', { state: 'any' });
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  return (
    <div>
      <h2>Service Discovery</h2>
      <Loaded f={f}>{(d) => {
        const pools = new Map<string, Array<{ t: T; dropped: boolean }>>();
        const add = (t: T, dropped: boolean) => {
          // Dropped targets carry no scrapePool before Prometheus 2.48; their job label names the pool.
          const pool = t.scrapePool ?? t.discoveredLabels.job ?? '';
          const list = pools.get(pool);
          if (list) list.push({ t, dropped }); else pools.set(pool, [{ t, dropped }]);
        };
        d.activeTargets.forEach((t) => add(t, false));
        d.droppedTargets.forEach((t) => add(t, true));
        if (pools.size === 0) return <div className="info">No targets discovered.</div>;
        const sorted = [...pools.entries()].sort((a, b) => a[0].localeCompare(b[0]));
        return (
          <>
            <ul>{sorted.map(([pool, ts]) => <li key={pool}><a href={`#pool-${pool}`}>{pool}</a> <span className="stats">({ts.filter((x) => !x.dropped).length} / {ts.length} active targets)</span></li>)}</ul>
            {sorted.map(([pool, ts]) => {
              const open = !collapsed.has(pool);
              return (
                <div key={pool} id={`pool-${pool}`} className="panel" data-testid="sd-pool">
                  <Toggle open={open} onToggle={() => { const n = new Set(collapsed); if (open) n.add(pool); else n.delete(pool); setCollapsed(n); }}>
                    <b>{pool}</b> <span className="count">({ts.filter((x) => !x.dropped).length} / {ts.length} active targets)</span>
                  </Toggle>
                  {open && (
                    <table>
                      <thead><tr><th style={{ width: '50%' }}>Discovered Labels</th><th>Target Labels</th></tr></thead>
                      <tbody>{ts.map(({ t, dropped }, i) => (
                        <tr key={i}><td><LabelBadges labels={t.discoveredLabels} /></td>
                          <td>{dropped ? <span className="badge state state-dropped" data-testid="dropped">Dropped</span> : <LabelBadges labels={t.labels ?? {}} />}</td></tr>
                      ))}</tbody>
                    </table>
                  )}
                </div>
              );
            })}
          </>
        );
      }}</Loaded>
    </div>
  );
}
