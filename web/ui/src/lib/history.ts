// Query history and favourites, kept in localStorage: the most recent queries run (newest first,
// each once) and the ones starred, as Prometheus 3's editor keeps them.
const HISTORY_KEY = 'queryHistory';
const FAVOURITES_KEY = 'queryFavourites';
export const HISTORY_MAX = 50;

type Store = Pick<Storage, 'getItem' | 'setItem'>;

function read(store: Store, key: string): string[] {
  try {
    const v = JSON.parse(store.getItem(key) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function queryHistory(store: Store = localStorage): string[] {
  return read(store, HISTORY_KEY);
}

export function favourites(store: Store = localStorage): string[] {
  return read(store, FAVOURITES_KEY);
}

/** Records a query that ran: moved to the front, the list cut at HISTORY_MAX. */
export function recordQuery(expr: string, store: Store = localStorage): void {
  const e = expr.trim();
  if (e === '') return;
  const next = [e, ...queryHistory(store).filter((q) => q !== e)].slice(0, HISTORY_MAX);
  store.setItem(HISTORY_KEY, JSON.stringify(next));
}

/** Stars or unstars a query; returns the new favourites. */
export function toggleFavourite(expr: string, store: Store = localStorage): string[] {
  const cur = favourites(store);
  const next = cur.includes(expr) ? cur.filter((q) => q !== expr) : [expr, ...cur];
  store.setItem(FAVOURITES_KEY, JSON.stringify(next));
  return next;
}
