import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { formatAgo, formatSeconds } from '../lib/time.js';
import { groupTargets } from '../lib/targets.js';
import { formatSeriesName } from '../lib/format.js';
import { Loaded, LabelBadges, StateBadge, Toggle } from './common.js';

interface Target {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: string;
}

export function TargetsPage() {
  const f = useAPI<{ activeTargets: Target[] }>('targets', { state: 'active' });
  const [unhealthy, setUnhealthy] = useState(false);
  const [search, setSearch] = useState('');
  const [health, setHealth] = useState<'' | 'up' | 'down' | 'unknown'>('');
  const [pool, setPool] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  return (
    <div>
      <h2>Targets</h2>
      <Loaded f={f}>
        {(d) => {
          const pools = groupTargets(d.activeTargets, {
            unhealthyOnly: unhealthy,
            health,
            pool,
            search,
          });
          const poolNames = [...new Set(d.activeTargets.map((t) => t.scrapePool))].sort();
          const allCollapsed = pools.length > 0 && pools.every((p) => collapsed.has(p.name));
          const now = Date.now();
          return (
            <>
              <div className="toolbar">
                <label>
                  <input
                    type="checkbox"
                    checked={unhealthy}
                    onChange={(e) => setUnhealthy(e.target.checked)}
                    data-testid="unhealthy-only"
                  />{' '}
                  Unhealthy only
                </label>
                <select
                  value={pool}
                  onChange={(e) => setPool(e.target.value)}
                  data-testid="pool-select"
                  aria-label="Scrape pool"
                >
                  <option value="">All scrape pools</option>
                  {poolNames.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
                <select
                  value={health}
                  onChange={(e) => setHealth(e.target.value as typeof health)}
                  data-testid="health-select"
                  aria-label="Health"
                >
                  <option value="">Any health</option>
                  <option value="up">Up</option>
                  <option value="down">Down</option>
                  <option value="unknown">Unknown</option>
                </select>
                <input
                  type="search"
                  className="search"
                  placeholder="Filter by endpoint or labels"
                  value={search}
                  onChange={(e) => setSearch(e.target.value)}
                  data-testid="target-search"
                />
                <button
                  onClick={() =>
                    setCollapsed(allCollapsed ? new Set() : new Set(pools.map((p) => p.name)))
                  }
                >
                  {allCollapsed ? 'Expand all' : 'Collapse all'}
                </button>
              </div>
              {pools.length === 0 && (
                <div className="info">
                  {d.activeTargets.length === 0
                    ? 'No scrape targets.'
                    : 'No targets match the filters.'}
                </div>
              )}
              {pools.map((p) => {
                const open = !collapsed.has(p.name);
                return (
                  <div key={p.name} className="panel" data-testid="pool">
                    <Toggle
                      open={open}
                      onToggle={() => {
                        const n = new Set(collapsed);
                        if (open) n.add(p.name);
                        else n.delete(p.name);
                        setCollapsed(n);
                      }}
                    >
                      <b>{p.name}</b>{' '}
                      <span className={p.up === p.total ? 'count' : 'count down'}>
                        ({p.up}/{p.total} up)
                      </span>
                    </Toggle>
                    {open && (
                      <table>
                        <thead>
                          <tr>
                            <th>Endpoint</th>
                            <th>State</th>
                            <th>Labels</th>
                            <th>Last Scrape</th>
                            <th>Scrape Duration</th>
                            <th>Error</th>
                          </tr>
                        </thead>
                        <tbody>
                          {p.shown.map((t, i) => (
                            <tr key={i} data-testid="target" data-health={t.health}>
                              <td className="mono">
                                <a href={t.globalUrl || t.scrapeUrl}>{t.scrapeUrl}</a>
                              </td>
                              <td>
                                <StateBadge state={t.health} />
                              </td>
                              <td
                                title={`Before relabeling: ${formatSeriesName(t.discoveredLabels)}`}
                              >
                                <LabelBadges labels={t.labels} />
                              </td>
                              <td className="nowrap" title={t.lastScrape}>
                                {t.lastScrape.startsWith('0001')
                                  ? 'Never'
                                  : formatAgo(Date.parse(t.lastScrape), now)}
                              </td>
                              <td className="nowrap">{formatSeconds(t.lastScrapeDuration)}</td>
                              <td>
                                {t.lastError && (
                                  <span className="error" data-testid="target-error">
                                    {t.lastError}
                                  </span>
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
