import { useState } from 'react';
import { favourites, queryHistory, toggleFavourite } from '../lib/history.js';

/** The panel's History menu: starred queries first, then the recent ones; a pick replaces the expression. */
export function QueryHistory({
  onPick,
  onClose,
}: {
  onPick: (expr: string) => void;
  onClose: () => void;
}) {
  const [stars, setStars] = useState(favourites);
  const recent = queryHistory().filter((q) => !stars.includes(q));
  const row = (q: string, starred: boolean) => (
    <li key={(starred ? 's' : 'r') + q} data-testid={starred ? 'favourite' : 'history-item'}>
      <button
        className="star"
        title={starred ? 'Remove from favourites' : 'Add to favourites'}
        aria-label={starred ? 'Unstar' : 'Star'}
        onClick={() => setStars(toggleFavourite(q))}
      >
        {starred ? '★' : '☆'}
      </button>
      <a
        href="#"
        className="mono"
        onClick={(e) => {
          e.preventDefault();
          onPick(q);
        }}
      >
        {q}
      </a>
    </li>
  );
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" data-testid="history" onClick={(e) => e.stopPropagation()}>
        <div className="row">
          <b>Query history</b>
          <span className="spacer" />
          <button onClick={onClose} aria-label="Close">
            ✕
          </button>
        </div>
        {stars.length + recent.length === 0 && (
          <div className="info">No queries run yet in this browser.</div>
        )}
        {stars.length > 0 && (
          <>
            <div className="stats">Favourites</div>
            <ul className="metric-list">{stars.map((q) => row(q, true))}</ul>
          </>
        )}
        {recent.length > 0 && (
          <>
            <div className="stats">Recent</div>
            <ul className="metric-list">{recent.map((q) => row(q, false))}</ul>
          </>
        )}
      </div>
    </div>
  );
}
