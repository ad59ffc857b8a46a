import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { formatSeriesName, type LabelSet } from '../lib/format.js';

export interface RangeSeries { metric: LabelSet; values: Array<[number, string]> }

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Range-query chart: lines or stacked, drag to zoom, legend toggles a series, hover shows values. */
export function UPlotChart({ series, start, end, step, stacked }: { series: RangeSeries[]; start: number; end: number; step: number; stacked: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const [hover, setHover] = useState<string>('');

  useEffect(() => {
    const xs: number[] = [];
    for (let t = start; t <= end + 1e-9; t += step) xs.push(Math.round(t * 1000) / 1000);
    const index = new Map<number, number>(xs.map((x, i) => [x, i]));
    const ys = series.map((s) => {
      const col = new Array<number | null>(xs.length).fill(null);
      for (const [t, v] of s.values) {
        const i = index.get(Math.round(t * 1000) / 1000);
        if (i !== undefined) col[i] = parseFloat(v);
      }
      return col;
    });
    if (stacked) {
      const acc = new Array<number>(xs.length).fill(0);
      ys.forEach((col, si) => {
        if (hidden.has(si)) return;
        for (let i = 0; i < col.length; i++) if (col[i] !== null) { acc[i] += col[i] as number; col[i] = acc[i]; }
      });
    }
    const width = Math.max(300, host.current!.clientWidth);
    const opts: uPlot.Options = {
      width,
      height: 320,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      series: [{}, ...series.map((s, i) => ({
        label: formatSeriesName(s.metric),
        stroke: COLORS[i % COLORS.length],
        fill: stacked ? COLORS[i % COLORS.length] + '55' : undefined,
        show: !hidden.has(i),
        spanGaps: false,
        width: 2,
      }))],
      hooks: {
        setCursor: [(u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined) { setHover(''); return; }
          const parts = series.map((s, si) => (hidden.has(si) || u.data[si + 1][i] == null ? '' : `${formatSeriesName(s.metric)}: ${u.data[si + 1][i]}`)).filter(Boolean);
          setHover(`${new Date(xs[i] * 1000).toISOString()}  ${parts.slice(0, 5).join('  |  ')}`);
        }],
      },
    };
    const plot = new uPlot(opts, [xs, ...ys] as uPlot.AlignedData, host.current!);
    return () => plot.destroy();
  }, [series, start, end, step, stacked, hidden]);

  return (
    <div>
      <div className="graph" ref={host} data-testid="graph" />
      <div className="stats">{hover || '\u00a0'}</div>
      <div className="legend">
        {series.map((s, i) => (
          <span key={i} className={hidden.has(i) ? 'legend-item off' : 'legend-item'} style={{ color: COLORS[i % COLORS.length] }}
            onClick={() => { const n = new Set(hidden); if (n.has(i)) n.delete(i); else n.add(i); setHidden(n); }}>
            ■ <span style={{ color: 'var(--fg)' }}>{formatSeriesName(s.metric)}</span>
          </span>
        ))}
      </div>
    </div>
  );
}
