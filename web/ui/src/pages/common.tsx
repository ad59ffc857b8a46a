import type { ReactNode } from 'react';
import type { Fetched } from '../hooks.js';

/** Shows loading or the API error, or renders the data. */
export function Loaded<T>({ f, children }: { f: Fetched<T>; children: (d: T) => ReactNode }) {
  if (f.loading) return <div className="loading">Loading…</div>;
  if (f.error !== undefined) return <div className="error" data-testid="api-error">Error fetching data: {f.error}</div>;
  return <>{children(f.data as T)}</>;
}

export function LabelBadges({ labels }: { labels: Record<string, string> }) {
  return <>{Object.entries(labels).map(([k, v]) => <span key={k} className="badge">{k}=&quot;{v}&quot;</span>)}</>;
}
