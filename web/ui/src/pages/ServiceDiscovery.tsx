import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { formatSeriesName, matchesSearch } from '../lib/format.js';
import { Loaded, LabelBadges, Toggle } from './common.js';

interface T {
  discoveredLabels: Record<string, string>;
  labels?: Record<string, string>;
  scrapePool?: string;
}

export function ServiceDiscoveryPage() {
  const f = useAPI<{ activeTargets: T[]; droppedTargets: T[] }>('targets', { state: 'any' });
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [poolFilter, setPoolFilter] = useState('');
  const [kind, setKind] = useState<'' | 'active' | 'dropped'>('');
  const [search, setSearch] = useState('');
  return (
    <div>
      <h2>Service Discovery</h2>
      <Loaded f={f}>
        {(d) => {
          const pools = new Map<string, Array<{ t: T; dropped: boolean }>>();
          const add = (t: T, dropped: boolean) => {
            // Dropped targets carry no scrapePool before Prometheus 2.48; their job label names the pool.
            const pool = t.scrapePool ?? t.discoveredLabels.job ?? '';
            const list = pools.get(pool);
            if (list) list.push({ t, dropped });
            else pools.set(pool, [{ t, dropped }]);
          };
          d.activeTargets.forEach((t) => add(t, false));
          d.droppedTargets.forEach((t) => add(t, true));
          if (pools.size === 0) return <div className="info">No targets discovered.</div>;
          const names = [...pools.keys()].sort();
          const shown = (x: { t: T; dropped: boolean }): boolean =>
            (kind === '' || (kind === 'dropped') === x.dropped) &&
            matchesSearch(
              `${formatSeriesName(x.t.discoveredLabels)} ${formatSeriesName(x.t.labels ?? {})}`,
              search,
            );
          const filtering = kind !== '' || search.trim() !== '';
          const sorted = [...pools.entries()]
            .filter(([pool]) => poolFilter === '' || pool === poolFilter)
            .map(([pool, ts]): [string, typeof ts, number, number] => [
              pool,
              ts.filter(shown),
              ts.filter((x) => !x.dropped).length,
              ts.length,
            ])
            .filter(([, ts]) => !filtering || ts.length > 0)
            .sort((a, b) => a[0].localeCompare(b[0]));
          const allCollapsed = sorted.length > 0 && sorted.every(([p]) => collapsed.has(p));
          return (
            <>
              <div className="toolbar filters">
                <select
                  value={poolFilter}
                  onChange={(e) => setPoolFilter(e.target.value)}
                  data-testid="sd-pool-select"
                  aria-label="Scrape pool"
                >
                  <option value="">All scrape pools</option>
                  {names.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
                <select
                  value={kind}
                  onChange={(e) => setKind(e.target.value as typeof kind)}
                  data-testid="sd-kind"
                  aria-label="Active or dropped"
                >
                  <option value="">Active and dropped</option>
                  <option value="active">Active only</option>
                  <option value="dropped">Dropped only</option>
                </select>
                <input
                  type="search"
                  className="search"
                  placeholder="Filter by labels"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  data-testid="sd-search"
                />
                <button
                  onClick={() =>
                    setCollapsed(allCollapsed ? new Set() : new Set(sorted.map(([p]) => p)))
                  }
                >
                  {allCollapsed ? 'Expand all' : 'Collapse all'}
                </button>
              </div>
              <ul>
                {sorted.map(([pool, , active, total]) => (
                  <li key={pool}>
                    <a href={`#pool-${pool}`}>{pool}</a>{' '}
                    <span className="stats">
                      ({active} / {total} active targets)
                    </span>
                  </li>
                ))}
              </ul>
              {sorted.map(([pool, ts, active, total]) => {
                const open = !collapsed.has(pool);
                return (
                  <div key={pool} id={`pool-${pool}`} className="panel" data-testid="sd-pool">
                    <Toggle
                      open={open}
                      onToggle={() => {
                        const n = new Set(collapsed);
                        if (open) n.add(pool);
                        else n.delete(pool);
                        setCollapsed(n);
                      }}
                    >
                      <b>{pool}</b>{' '}
                      <span className="count">
                        ({active} / {total} active targets)
                      </span>
                    </Toggle>
                    {open && (
                      <table>
                        <thead>
                          <tr>
                            <th style={{ width: '50%' }}>Discovered Labels</th>
                            <th>Target Labels</th>
                          </tr>
                        </thead>
                        <tbody>
                          {ts.map(({ t, dropped }, i) => (
                            <tr key={i}>
                              <td>
                                <LabelBadges labels={t.discoveredLabels} />
                              </td>
                              <td>
                                {dropped ? (
                                  <span className="badge state state-dropped" data-testid="dropped">
                                    Dropped
                                  </span>
                                ) : (
                                  <LabelBadges labels={t.labels ?? {}} />
                                )}
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    )}
                  </div>
                );
              })}
            </>
          );
        }}
      </Loaded>
    </div>
  );
}
