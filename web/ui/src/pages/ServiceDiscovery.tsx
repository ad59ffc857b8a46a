import { useAPI } from '../hooks.js';
import { Loaded, LabelBadges } from './common.js';

interface T { discoveredLabels: Record<string, string>; labels?: Record<string, string>; scrapePool: string }

export function ServiceDiscoveryPage() {
  const f = useAPI<{ activeTargets: T[]; droppedTargets: T[] }>('targets', { state: 'any' });
  return (
    <div>
      <h2>Service Discovery</h2>
      <Loaded f={f}>{(d) => {
        const pools = new Map<string, Array<{ t: T; dropped: boolean }>>();
        const add = (t: T, dropped: boolean) => {
          const pool = t.scrapePool ?? t.discoveredLabels.job ?? '';
          pools.set(pool, [...(pools.get(pool) ?? []), { t, dropped }]);
        };
        d.activeTargets.forEach((t) => add(t, false));
        d.droppedTargets.forEach((t) => add(t, true));
        return [...pools.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([pool, ts]) => (
          <div key={pool} className="panel">
            <b>{pool}</b> ({ts.filter((x) => !x.dropped).length} / {ts.length} active targets)
            <table>
              <thead><tr><th>Discovered Labels</th><th>Target Labels</th></tr></thead>
              <tbody>{ts.map(({ t, dropped }, i) => (
                <tr key={i}><td><LabelBadges labels={t.discoveredLabels} /></td>
                  <td>{dropped ? <span className="badge" data-testid="dropped">Dropped</span> : <LabelBadges labels={t.labels ?? {}} />}</td></tr>
              ))}</tbody>
            </table>
          </div>
        ));
      }}</Loaded>
    </div>
  );
}
