import { useCallback, useEffect, useRef, useState } from 'react';
import { apiCall } from '../api.js';
import { decodePanels, encodePanels, defaultPanel, type PanelState } from '../lib/urlState.js';
import {
  defaultStep,
  formatDisplayTime,
  formatTime,
  parseDuration,
  parseTime,
  shiftedEnd,
  zoomedRange,
} from '../lib/time.js';
import {
  formatHistogram,
  formatSeriesName,
  type HistogramValue,
  type LabelSet,
} from '../lib/format.js';
import { PromQLEditor } from './Editor.js';
import { MetricExplorer } from './MetricExplorer.js';
import { QueryHistory } from './QueryHistory.js';
import { ExplainView } from './Explain.js';
import { recordQuery } from '../lib/history.js';
import { useSettings } from '../lib/settings.js';
import { UPlotChart, type RangeSeries } from './UPlotChart.js';

// Native histogram samples come as histogram/histograms instead of value/values.
interface MatrixRow {
  metric: LabelSet;
  values?: Array<[number, string]>;
  histograms?: Array<[number, HistogramValue]>;
}
type InstantData =
  | {
      resultType: 'vector';
      result: Array<{
        metric: LabelSet;
        value?: [number, string];
        histogram?: [number, HistogramValue];
      }>;
    }
  | { resultType: 'matrix'; result: MatrixRow[] }
  | { resultType: 'scalar' | 'string'; result: [number, string] };

interface Outcome {
  error?: string;
  warnings: string[];
  took: number;
  instant?: InstantData;
  range?: { series: RangeSeries[]; start: number; end: number; step: number };
}

const RANGES = [
  '1m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '6h',
  '12h',
  '1d',
  '2d',
  '1w',
  '2w',
  '4w',
  '8w',
  '1y',
];

interface PanelActions {
  onChange: (p: PanelState) => void;
  onRemove: () => void;
  onDuplicate: () => void;
  /** Moves the panel up (-1) or down (1); undefined where it cannot move. */
  onMove?: (dir: -1 | 1) => void;
  first: boolean;
  last: boolean;
}

function Panel({
  state,
  onChange,
  onRemove,
  onDuplicate,
  onMove,
  first,
  last,
}: { state: PanelState } & PanelActions) {
  const { localTime } = useSettings();
  const [historyOpen, setHistoryOpen] = useState(false);
  const [expr, setExpr] = useState(state.expr);
  const [out, setOut] = useState<Outcome | null>(null);
  const [loading, setLoading] = useState(false);
  const [runs, setRuns] = useState(0);
  const [explorer, setExplorer] = useState(false);
  const insert = useRef<((text: string) => void) | null>(null);

  useEffect(() => setExpr(state.expr), [state.expr]);

  const execute = useCallback(() => {
    recordQuery(expr);
    onChange({ ...state, expr });
    setRuns((r) => r + 1);
  }, [state, expr, onChange]);

  // Prometheus's "Format expression": the server's own pretty-printing (GET /api/v1/format_query).
  const [formatError, setFormatError] = useState<string | null>(null);
  const format = (): void => {
    setFormatError(null);
    apiCall<string>('format_query', { query: expr }).then(
      (r) => setExpr(r.data),
      (e: Error) => setFormatError(e.message),
    );
  };

  useEffect(() => {
    if (state.expr === '' || state.tab === 2) {
      setOut(null);
      return;
    }
    let live = true;
    const t0 = performance.now();
    setLoading(true);
    const run = async (): Promise<Outcome> => {
      if (state.tab === 1) {
        const time = (state.momentTime ?? Date.now()) / 1000;
        const r = await apiCall<InstantData>(
          'query',
          { query: state.expr, time: String(time) },
          true,
        );
        return { warnings: r.warnings, took: 0, instant: r.data };
      }
      const range = parseDuration(state.rangeInput) ?? 3600000;
      const end = (state.endTime ?? Date.now()) / 1000;
      const start = end - range / 1000;
      const step = state.stepInput ?? defaultStep(range);
      const r = await apiCall<{ resultType: string; result: RangeSeries[] }>(
        'query_range',
        { query: state.expr, start: String(start), end: String(end), step: String(step) },
        true,
      );
      return { warnings: r.warnings, took: 0, range: { series: r.data.result, start, end, step } };
    };
    run()
      .then(
        (o) => live && setOut({ ...o, took: performance.now() - t0 }),
        (e: Error) =>
          live && setOut({ error: e.message, warnings: [], took: performance.now() - t0 }),
      )
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [
    state.expr,
    state.tab,
    state.rangeInput,
    state.endTime,
    state.momentTime,
    state.stepInput,
    runs,
  ]);

  const rangeMs = parseDuration(state.rangeInput) ?? 3600000;
  const resultCount = out?.instant
    ? out.instant.resultType === 'vector' || out.instant.resultType === 'matrix'
      ? out.instant.result.length
      : 1
    : out?.range?.series.length;
  const shiftRange = (dir: number) => {
    const r = parseDuration(state.rangeInput) ?? 3600000;
    const i = RANGES.findIndex((x) => (parseDuration(x) ?? 0) > r - 1);
    const next =
      RANGES[Math.min(RANGES.length - 1, Math.max(0, (i < 0 ? RANGES.length - 1 : i) + dir))]!;
    onChange({ ...state, rangeInput: next });
  };

  return (
    <div className="panel" data-testid="panel">
      <div className="row">
        <PromQLEditor value={expr} onChange={setExpr} onExecute={execute} insertRef={insert} />
        <button
          onClick={format}
          title="Format expression"
          disabled={expr.trim() === ''}
          data-testid="format"
        >
          Format
        </button>
        <button
          onClick={() => setExplorer(true)}
          title="Open metrics explorer"
          data-testid="explorer-button"
        >
          Metrics
        </button>
        <button
          onClick={() => setHistoryOpen(true)}
          title="Query history and favourites"
          data-testid="history-button"
        >
          History
        </button>
        <button className="primary" onClick={execute} data-testid="execute">
          Execute
        </button>
        <button
          onClick={() => onMove?.(-1)}
          disabled={first}
          title="Move panel up"
          aria-label="Move panel up"
          data-testid="move-up"
        >
          ↑
        </button>
        <button
          onClick={() => onMove?.(1)}
          disabled={last}
          title="Move panel down"
          aria-label="Move panel down"
          data-testid="move-down"
        >
          ↓
        </button>
        <button
          onClick={onDuplicate}
          title="Duplicate panel"
          aria-label="Duplicate panel"
          data-testid="duplicate"
        >
          Clone
        </button>
        <button onClick={onRemove} title="Remove panel" aria-label="Remove panel">
          ✕
        </button>
      </div>
      {explorer && (
        <MetricExplorer
          onPick={(m) => {
            setExplorer(false);
            insert.current?.(m);
          }}
          onClose={() => setExplorer(false)}
        />
      )}
      {historyOpen && (
        <QueryHistory
          onPick={(q) => {
            setHistoryOpen(false);
            setExpr(q);
          }}
          onClose={() => setHistoryOpen(false)}
        />
      )}
      <div className="row tabs">
        <button
          className={state.tab === 1 ? 'active' : ''}
          onClick={() => onChange({ ...state, tab: 1 })}
        >
          Table
        </button>
        <button
          className={state.tab === 0 ? 'active' : ''}
          onClick={() => onChange({ ...state, tab: 0 })}
        >
          Graph
        </button>
        <button
          className={state.tab === 2 ? 'active' : ''}
          onClick={() => onChange({ ...state, tab: 2 })}
          data-testid="explain-tab"
        >
          Explain
        </button>
        <span className="spacer" />
        {loading && <span className="loading">Loading…</span>}
        {out && !out.error && (
          <span className="stats" data-testid="stats">
            Load time: {Math.round(out.took)}ms
            {out.range && <> &nbsp; Resolution: {out.range.step}s</>} &nbsp; Result series:{' '}
            {resultCount}
          </span>
        )}
      </div>
      {state.tab === 2 ? null : state.tab === 1 ? (
        <div className="row">
          Evaluation time:
          <button
            onClick={() =>
              onChange({
                ...state,
                momentTime: shiftedEnd(state.momentTime, rangeMs, -1, Date.now()),
              })
            }
            title="Move back by half the range"
            aria-label="Earlier"
          >
            ‹‹
          </button>
          {localTime && state.momentTime !== null && (
            <span className="stats" data-testid="moment-local">
              {formatDisplayTime(state.momentTime, true)}
            </span>
          )}
          <input
            type="text"
            size={32}
            placeholder="now (UTC: YYYY-MM-DD HH:MM:SS)"
            defaultValue={state.momentTime === null ? '' : formatTime(state.momentTime)}
            key={String(state.momentTime)}
            onBlur={(e) => onChange({ ...state, momentTime: parseTime(e.target.value) })}
            data-testid="moment-input"
          />
          <button
            onClick={() =>
              onChange({
                ...state,
                momentTime: shiftedEnd(state.momentTime, rangeMs, 1, Date.now()),
              })
            }
            title="Move forward by half the range"
            aria-label="Later"
          >
            ››
          </button>
          <button
            onClick={() => onChange({ ...state, momentTime: null })}
            title="Evaluate now"
            disabled={state.momentTime === null}
          >
            now
          </button>
        </div>
      ) : (
        <div className="row">
          <button onClick={() => shiftRange(-1)}>−</button>
          <input
            type="text"
            size={6}
            defaultValue={state.rangeInput}
            key={state.rangeInput}
            onBlur={(e) => {
              if (parseDuration(e.target.value) !== null)
                onChange({ ...state, rangeInput: e.target.value });
            }}
          />
          <button onClick={() => shiftRange(1)}>+</button>
          <span className="gap" />
          <button
            onClick={() =>
              onChange({ ...state, endTime: shiftedEnd(state.endTime, rangeMs, -1, Date.now()) })
            }
            title="Move back by half the range"
            aria-label="Earlier"
          >
            ‹‹
          </button>
          <input
            type="text"
            placeholder="End time: now"
            title="End time (UTC: YYYY-MM-DD HH:MM:SS)"
            defaultValue={state.endTime === null ? '' : formatTime(state.endTime)}
            key={'e' + String(state.endTime)}
            data-testid="end-input"
            onBlur={(e) => onChange({ ...state, endTime: parseTime(e.target.value) })}
          />
          <button
            onClick={() =>
              onChange({ ...state, endTime: shiftedEnd(state.endTime, rangeMs, 1, Date.now()) })
            }
            title="Move forward by half the range"
            aria-label="Later"
          >
            ››
          </button>
          <button
            onClick={() => onChange({ ...state, endTime: null })}
            title="End now"
            disabled={state.endTime === null}
          >
            now
          </button>
          <span className="gap" />
          Res. (s):
          <input
            type="text"
            size={6}
            placeholder="auto"
            defaultValue={state.stepInput ?? ''}
            key={'s' + String(state.stepInput)}
            onBlur={(e) => {
              const n = parseFloat(e.target.value);
              onChange({ ...state, stepInput: isFinite(n) && n > 0 ? n : null });
            }}
          />
          <label>
            <input
              type="checkbox"
              checked={state.stacked}
              onChange={(e) => onChange({ ...state, stacked: e.target.checked })}
            />{' '}
            stacked
          </label>
          <label>
            <input
              type="checkbox"
              checked={state.logScale}
              onChange={(e) => onChange({ ...state, logScale: e.target.checked })}
              data-testid="log-scale"
            />{' '}
            log scale
          </label>
        </div>
      )}
      {formatError && (
        <div className="error" data-testid="format-error">
          Error formatting expression: {formatError}
        </div>
      )}
      {out?.error && (
        <div className="error" data-testid="query-error">
          Error executing query: {out.error}
        </div>
      )}
      {out?.warnings.map((w, i) => (
        <div key={i} className="warning">
          Warning: {w}
        </div>
      ))}
      {state.tab === 1 && out?.instant && <ResultTable data={out.instant} />}
      {state.tab === 2 && <ExplainView expr={state.expr} time={state.momentTime} runs={runs} />}
      {state.tab === 0 &&
        out?.range &&
        (out.range.series.length === 0 ? (
          <div className="info" data-testid="empty-result">
            Empty query result
          </div>
        ) : (
          <UPlotChart
            {...out.range}
            stacked={state.stacked}
            logScale={state.logScale}
            onZoom={(from, to) => onChange({ ...state, ...zoomedRange(from, to) })}
          />
        ))}
    </div>
  );
}

/** Rows the table renders at most, as Prometheus's (a browser would hang on a huge result). */
const MAX_TABLE_ROWS = 10000;

function ResultTable({ data }: { data: InstantData }) {
  if (data.resultType === 'scalar')
    return (
      <table className="result" data-testid="result-table">
        <tbody>
          <tr>
            <td>scalar</td>
            <td>{data.result[1]}</td>
          </tr>
        </tbody>
      </table>
    );
  if (data.resultType === 'string')
    return (
      <table className="result" data-testid="result-table">
        <tbody>
          <tr>
            <td>string</td>
            <td>{data.result[1]}</td>
          </tr>
        </tbody>
      </table>
    );
  if (data.result.length === 0)
    return (
      <div className="info" data-testid="empty-result">
        Empty query result
      </div>
    );
  const total = data.result.length;
  return (
    <>
      {total > MAX_TABLE_ROWS && (
        <div className="warning">
          Warning: Fetched {total} series, only displaying first {MAX_TABLE_ROWS}.
        </div>
      )}
      <table className="result" data-testid="result-table">
        <tbody>
          {data.resultType === 'vector'
            ? data.result.slice(0, MAX_TABLE_ROWS).map((s, i) => (
                <tr key={i}>
                  <td>{formatSeriesName(s.metric)}</td>
                  <td>
                    {s.value ? s.value[1] : s.histogram ? formatHistogram(s.histogram[1]) : ''}
                  </td>
                </tr>
              ))
            : (data.result as MatrixRow[]).slice(0, MAX_TABLE_ROWS).map((s, i) => (
                <tr key={i}>
                  <td>{formatSeriesName(s.metric)}</td>
                  <td>
                    {(s.values ?? []).map(([t, v], j) => (
                      <div key={j}>
                        {v} @{t}
                      </div>
                    ))}
                    {(s.histograms ?? []).map(([t, h], j) => (
                      <div key={`h${j}`}>
                        {formatHistogram(h)} @{t}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
        </tbody>
      </table>
    </>
  );
}

export default function GraphPage() {
  const [panels, setPanels] = useState<PanelState[]>(() => decodePanels(window.location.search));
  // Stable keys, so removing a panel keeps the others' editors and results.
  const ids = useRef<number[]>([]);
  const nextId = useRef(0);
  while (ids.current.length < panels.length) ids.current.push(nextId.current++);
  ids.current.length = panels.length;

  // Each change of the panels is a history entry (Back returns to the previous query, as in Prometheus);
  // the first render only normalises the URL it was opened with.
  const mounted = useRef(false);
  useEffect(() => {
    const search = `?${encodePanels(panels)}`;
    if (search === window.location.search) return;
    const url = `${window.location.pathname}${search}`;
    if (mounted.current) window.history.pushState(null, '', url);
    else window.history.replaceState(null, '', url);
    mounted.current = true;
  }, [panels]);
  useEffect(() => {
    const h = () => setPanels(decodePanels(window.location.search));
    window.addEventListener('popstate', h);
    return () => window.removeEventListener('popstate', h);
  }, []);

  return (
    <div>
      {panels.map((p, i) => (
        <Panel
          key={ids.current[i]}
          state={p}
          first={i === 0}
          last={i === panels.length - 1}
          onChange={(np) => setPanels((ps) => ps.map((x, j) => (j === i ? np : x)))}
          onRemove={() => {
            ids.current.splice(i, 1);
            setPanels((ps) => (ps.length === 1 ? [defaultPanel()] : ps.filter((_, j) => j !== i)));
          }}
          onDuplicate={() => {
            ids.current.splice(i + 1, 0, nextId.current++);
            setPanels((ps) => [...ps.slice(0, i + 1), { ...ps[i]! }, ...ps.slice(i + 1)]);
          }}
          onMove={(dir) => {
            const j = i + dir;
            if (j < 0 || j >= panels.length) return;
            [ids.current[i], ids.current[j]] = [ids.current[j]!, ids.current[i]!];
            setPanels((ps) => ps.map((x, k) => (k === i ? ps[j]! : k === j ? ps[i]! : x)));
          }}
        />
      ))}
      <button onClick={() => setPanels((ps) => [...ps, defaultPanel()])} data-testid="add-panel">
        Add Panel
      </button>
    </div>
  );
}
