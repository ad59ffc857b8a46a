import type { ReactNode } from 'react';
import type { Fetched } from '../hooks.js';

/** Shows loading or the API error, or renders the data. */
export function Loaded<T>({ f, children }: { f: Fetched<T>; children: (d: T) => ReactNode }) {
  if (f.loading) return <div className="loading">Loading…</div>;
  if (f.error !== undefined)
    return (
      <div className="error" data-testid="api-error">
        Error fetching data: {f.error}
      </div>
    );
  return <>{children(f.data as T)}</>;
}

export function LabelBadges({ labels }: { labels: Record<string, string> }) {
  return (
    <>
      {Object.entries(labels).map(([k, v]) => (
        <span key={k} className="badge">
          {k}=&quot;{v}&quot;
        </span>
      ))}
    </>
  );
}

/** A coloured state word (UP, DOWN, FIRING, …); the colour comes from the state-* class. */
export function StateBadge({ state, cls }: { state: string; cls?: string }) {
  return <span className={`badge state state-${cls ?? state}`}>{state}</span>;
}

/** A clickable header with a caret that opens and closes what follows it. */
export function Toggle({
  open,
  onToggle,
  children,
}: {
  open: boolean;
  onToggle: () => void;
  children: ReactNode;
}) {
  return (
    <div
      className="panel-header"
      role="button"
      tabIndex={0}
      aria-expanded={open}
      onClick={onToggle}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onToggle();
        }
      }}
    >
      <span className="caret">{open ? '▾' : '▸'}</span>
      {children}
    </div>
  );
}
