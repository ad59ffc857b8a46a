import { useState } from 'react';
import { useAPI } from '../hooks.js';
import { matchesSearch } from '../lib/format.js';

type Metadata = Record<string, Array<{ type: string; help: string; unit: string }>>;

/** One metric's label names (and how many values each has), from the series that have it. */
function MetricLabels({ name }: { name: string }) {
  const labels = useAPI<string[]>('labels', { 'match[]': `{__name__=${JSON.stringify(name)}}` });
  if (labels.loading) return <div className="loading">Loading labels…</div>;
  if (labels.error) return <div className="error">{labels.error}</div>;
  const names = (labels.data ?? []).filter((l) => l !== '__name__');
  return (
    <div className="stats" data-testid="explorer-labels">
      Labels: {names.length === 0 ? 'none' : names.join(', ')}
    </div>
  );
}

/**
 * The server's metrics with their type, help and unit (from /api/v1/metadata) and, for the one
 * selected, its label names; a pick is inserted at the editor's cursor.
 */
export function MetricExplorer({
  onPick,
  onClose,
}: {
  onPick: (m: string) => void;
  onClose: () => void;
}) {
  const names = useAPI<string[]>('label/__name__/values');
  const meta = useAPI<Metadata>('metadata');
  const [filter, setFilter] = useState('');
  const [open, setOpen] = useState<string | null>(null);
  const list = (names.data ?? []).filter((n) =>
    matchesSearch(n + ' ' + (meta.data?.[n]?.[0]?.help ?? ''), filter),
  );
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal wide" data-testid="explorer" onClick={(e) => e.stopPropagation()}>
        <div className="row">
          <b>Metrics Explorer</b>
          <span className="spacer" />
          <button onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        <input
          autoFocus
          placeholder="Filter by metric name or help text"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {names.loading && <div className="loading">Loading metric names…</div>}
        {names.error && <div className="error">{names.error}</div>}
        <table className="explorer-table">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Type</th>
              <th>Unit</th>
              <th>Help</th>
            </tr>
          </thead>
          <tbody>
            {list.map((n) => {
              const m = meta.data?.[n]?.[0];
              return (
                <tr
                  key={n}
                  data-testid="explorer-metric"
                  onClick={() => setOpen(open === n ? null : n)}
                >
                  <td className="mono">
                    <a
                      href="#"
                      onClick={(e) => {
                        e.preventDefault();
                        e.stopPropagation();
                        onPick(n);
                      }}
                    >
                      {n}
                    </a>
                    {open === n && <MetricLabels name={n} />}
                  </td>
                  <td>
                    <span className={`badge type-${m?.type ?? 'unknown'}`}>
                      {m?.type ?? 'unknown'}
                    </span>
                  </td>
                  <td>{m?.unit ?? ''}</td>
                  <td className="help">{m?.help ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
