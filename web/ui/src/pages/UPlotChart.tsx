import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { formatAxisValue, formatSeriesName, seriesColor, type LabelSet } from '../lib/format.js';
import { axisTimeLabel, formatDisplayTime } from '../lib/time.js';
import { useSettings } from '../lib/settings.js';
import { legendClick } from '../lib/legend.js';
import { cssVar, useTheme } from '../theme.js';

/** A range-query series; native histogram series (histograms, no values) are not drawn. */
export interface RangeSeries {
  metric: LabelSet;
  values?: Array<[number, string]>;
}

const color = seriesColor;
/** Series listed in the hover tooltip at most (those nearest the cursor first). */
const TOOLTIP_MAX = 5;

interface Hover {
  left: number;
  top: number;
  flip: boolean;
  time: string;
  rows: Array<{ i: number; name: string; value: string }>;
}

/**
 * Range-query chart: lines or stacked; dragging selects a new time range (onZoom), the legend isolates
 * or toggles series, hovering shows the values under the cursor.
 */
export function UPlotChart({
  series,
  start,
  end,
  step,
  stacked,
  logScale = false,
  onZoom,
}: {
  series: RangeSeries[];
  start: number;
  end: number;
  step: number;
  stacked: boolean;
  logScale?: boolean;
  onZoom: (fromMs: number, toMs: number) => void;
}) {
  const { localTime } = useSettings();
  const host = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState<Set<number>>(new Set());
  const [hover, setHover] = useState<Hover | null>(null);
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const theme = useTheme();

  useEffect(() => setHidden(new Set()), [series]);

  useEffect(() => {
    const xs: number[] = [];
    for (let t = start; t <= end + 1e-9; t += step) xs.push(Math.round(t * 1000) / 1000);
    const index = new Map<number, number>(xs.map((x, i) => [x, i]));
    const raw = series.map((s) => {
      const col = new Array<number | null>(xs.length).fill(null);
      for (const [t, v] of s.values ?? []) {
        const i = index.get(Math.round(t * 1000) / 1000);
        // A log axis has no place for zero or less: such points are left out, not drawn at -Infinity.
        if (i !== undefined) col[i] = logScale && !(parseFloat(v) > 0) ? null : parseFloat(v);
      }
      return col;
    });
    let ys = raw;
    if (stacked) {
      const acc = new Array<number>(xs.length).fill(0);
      ys = raw.map((col, si) => {
        if (hidden.has(si)) return col;
        return col.map((v, i) => (v === null ? null : (acc[i]! += v)));
      });
    }
    // Stacked: each visible series fills down to the one below it (uPlot bands clip the fills), not to 0.
    const visible = series.map((_, i) => i).filter((i) => !hidden.has(i));
    const bands = stacked
      ? visible.slice(1).map((si, k) => ({ series: [si + 1, visible[k]! + 1] as [number, number] }))
      : undefined;
    const fg = cssVar('--fg');
    const grid = { stroke: cssVar('--border'), width: 1 };
    const axis = { stroke: fg, grid, ticks: grid };
    const width = (): number => Math.max(300, host.current!.clientWidth);
    const opts: uPlot.Options = {
      width: width(),
      height: 320,
      legend: { show: false },
      scales: logScale ? { y: { distr: 3, log: 10 } } : undefined,
      cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 7 } },
      axes: [
        {
          ...axis,
          space: 90,
          values: (_u, ticks) =>
            ticks.map((t) =>
              axisTimeLabel(
                t * 1000,
                ticks.length > 1 ? (ticks[1]! - ticks[0]!) * 1000 : 0,
                localTime,
              ),
            ),
        },
        {
          ...axis,
          values: (_u, ticks) => {
            const labels = ticks.map(formatAxisValue);
            // The labels are drawn on the canvas; the element carries them as text too (tests, screen readers).
            if (host.current) host.current.dataset.yLabels = labels.join(' ');
            return labels;
          },
          // As wide as its longest label (7 px a character at the axis font), so nothing is clipped.
          size: (_u, values) =>
            24 + 7 * Math.max(3, ...(values ?? []).map((v) => String(v).length)),
        },
      ],
      bands,
      series: [
        {},
        ...series.map((s, i) => ({
          label: formatSeriesName(s.metric),
          stroke: color(i),
          fill: stacked ? color(i) + '55' : undefined,
          show: !hidden.has(i),
          spanGaps: false,
          width: 1.5,
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width < 2) return;
            const from = u.posToVal(u.select.left, 'x');
            const to = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            zoom.current(from * 1000, to * 1000);
          },
        ],
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            if (i === null || i === undefined || u.cursor.left === undefined || u.cursor.left < 0) {
              setHover(null);
              return;
            }
            const y = u.posToVal(u.cursor.top ?? 0, 'y');
            const rows = series
              .map((s, si) => ({
                i: si,
                name: formatSeriesName(s.metric),
                v: raw[si]![i],
                drawn: ys[si]![i],
              }))
              .filter((r) => !hidden.has(r.i) && r.v !== null)
              .sort((a, b) => Math.abs((a.drawn as number) - y) - Math.abs((b.drawn as number) - y))
              .slice(0, TOOLTIP_MAX)
              .map((r) => ({ i: r.i, name: r.name, value: String(r.v) }));
            setHover(
              rows.length === 0
                ? null
                : {
                    left: u.cursor.left + u.over.offsetLeft,
                    top: u.cursor.top ?? 0,
                    flip: u.cursor.left > u.over.clientWidth / 2,
                    time: formatDisplayTime(xs[i]! * 1000, localTime),
                    rows,
                  },
            );
          },
        ],
      },
    };
    const plot = new uPlot(opts, [xs, ...ys] as uPlot.AlignedData, host.current!);
    const resize = (): void => plot.setSize({ width: width(), height: 320 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [series, start, end, step, stacked, logScale, hidden, theme, localTime]);

  return (
    <div className="chart">
      <div className="graph" ref={host} data-testid="graph" onMouseLeave={() => setHover(null)} />
      {hover && (
        <div
          className="chart-tooltip"
          data-testid="tooltip"
          style={{
            left: hover.left + (hover.flip ? -12 : 12),
            top: hover.top + 10,
            transform: hover.flip ? 'translateX(-100%)' : undefined,
          }}
        >
          <div className="chart-tooltip-time">{hover.time}</div>
          {hover.rows.map((r) => (
            <div key={r.i}>
              <span className="swatch" style={{ background: color(r.i) }} /> {r.name}:{' '}
              <b>{r.value}</b>
            </div>
          ))}
        </div>
      )}
      <div className="stats">
        Drag over the graph to zoom in. Click a legend entry to show only its series (again for
        all), Ctrl+click to hide or show one.
      </div>
      <ul className="legend" data-testid="legend">
        {series.map((s, i) => (
          <li
            key={i}
            className={hidden.has(i) ? 'legend-item off' : 'legend-item'}
            onClick={(e) =>
              setHidden(legendClick(hidden, i, series.length, e.ctrlKey || e.metaKey))
            }
          >
            <span className="swatch" style={{ background: color(i) }} />{' '}
            {formatSeriesName(s.metric)}
          </li>
        ))}
      </ul>
    </div>
  );
}
