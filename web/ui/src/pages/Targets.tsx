import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { formatAgo, formatSeconds } from '../lib/time.js';
import { matchesSearch } from '../lib/format.js';
import { Loaded, LabelBadges } from './common.js';

interface Target { discoveredLabels: Record<string, string>; labels: Record<string, string>; scrapePool: string; scrapeUrl: string; globalUrl: string; lastError: string; lastScrape: string; lastScrapeDuration: number; health: string }

export function TargetsPage() {
  const f = useAPI<{ activeTargets: Target[] }>('targets', { state: 'active' });
  const [unhealthy, setUnhealthy] = useState(false);
  const [search, setSearch] = useState('');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  return (
    <div>
      <h2>Targets</h2>
      <div className="row">
        <label><input type="checkbox" checked={unhealthy} onChange={(e) => setUnhealthy(e.target.checked)} /> Unhealthy only</label>
        <input placeholder="Filter by endpoint or labels" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <Loaded f={f}>{(d) => {
        const pools = new Map<string, Target[]>();
        for (const t of d.activeTargets) pools.set(t.scrapePool, [...(pools.get(t.scrapePool) ?? []), t]);
        const now = Date.now();
        return [...pools.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([pool, ts]) => {
          const up = ts.filter((t) => t.health === 'up').length;
          const shown = ts.filter((t) => (!unhealthy || t.health !== 'up') && matchesSearch(t.scrapeUrl + ' ' + JSON.stringify(t.labels), search));
          if (unhealthy && shown.length === 0) return null;
          const isCollapsed = collapsed.has(pool);
          return (
            <div key={pool} className="panel" data-testid="pool">
              <div style={{ cursor: 'pointer' }} onClick={() => { const n = new Set(collapsed); if (n.has(pool)) n.delete(pool); else n.add(pool); setCollapsed(n); }}>
                {isCollapsed ? '▸' : '▾'} <b>{pool}</b> ({up}/{ts.length} up)
              </div>
              {!isCollapsed && (
                <table>
                  <thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Last Scrape</th><th>Scrape Duration</th><th>Error</th></tr></thead>
                  <tbody>{shown.map((t, i) => (
                    <tr key={i} data-testid="target" data-health={t.health}>
                      <td><a href={t.globalUrl || t.scrapeUrl}>{t.scrapeUrl}</a></td>
                      <td><span className={`badge state-${t.health}`}>{t.health.toUpperCase()}</span></td>
                      <td><LabelBadges labels={t.labels} /></td>
                      <td>{t.lastScrape.startsWith('0001') ? 'Never' : formatAgo(Date.parse(t.lastScrape), now)}</td>
                      <td>{formatSeconds(t.lastScrapeDuration)}</td>
                      <td>{t.lastError && <span className="error" data-testid="target-error">{t.lastError}</span>}</td>
                    </tr>
                  ))}</tbody>
                </table>
              )}
            </div>
          );
        });
      }}</Loaded>
    </div>
  );
}
