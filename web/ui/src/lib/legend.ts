// Which series a legend click leaves hidden, as in Prometheus's graph legend.

/**
 * A plain click shows only series i (or all again when i already is the only one shown);
 * a click with Ctrl/Cmd (toggle) hides or shows just series i.
 */
export function legendClick(
  hidden: ReadonlySet<number>,
  i: number,
  count: number,
  toggle: boolean,
): Set<number> {
  const next = new Set(hidden);
  if (toggle) {
    if (next.has(i)) next.delete(i);
    else next.add(i);
    return next;
  }
  const onlyThis = !hidden.has(i) && hidden.size === count - 1;
  if (onlyThis) return new Set();
  return new Set(Array.from({ length: count }, (_, j) => j).filter((j) => j !== i));
}
