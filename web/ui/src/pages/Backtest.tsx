import { useState } from 'react';
import { apiCall } from '../api.js';
import { formatSeriesName } from '../lib/format.js';
import { formatDuration, formatDisplayTime, parseDuration } from '../lib/time.js';
import { useSettings } from '../lib/settings.js';

interface Period {
  state: 'pending' | 'firing';
  from: string;
  to: string;
  open: boolean;
}
interface AlertLine {
  file: string;
  group: string;
  alertname: string;
  labels: Record<string, string>;
  activeAt: string[];
  periods: Period[];
}
interface Result {
  evaluations: number;
  errors: string[];
  alerts: AlertLine[];
}

/**
 * Alert backtesting on the rules page (ours): the loaded rules evaluated over the stored history of
 * the chosen range, each alert drawn as a timeline of its pending and firing periods.
 */
export function BacktestPanel() {
  const { localTime } = useSettings();
  const [range, setRange] = useState('1h');
  const [result, setResult] = useState<{ r: Result; start: number; end: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const run = (): void => {
    const ms = parseDuration(range);
    if (ms === null || ms <= 0) {
      setError(`not a duration: ${range}`);
      return;
    }
    const end = Date.now();
    const start = end - ms;
    setRunning(true);
    setError(null);
    apiCall<Result>('backtest', { start: String(start / 1000), end: String(end / 1000) }, true)
      .then(
        (res) => setResult({ r: res.data, start, end }),
        (e: Error) => setError(e.message),
      )
      .finally(() => setRunning(false));
  };
  return (
    <div className="panel" data-testid="backtest">
      <div className="row">
        <b>Backtest</b>
        <span className="stats">
          Evaluate these rules over the stored history: when would each alert have been pending and
          firing?
        </span>
        <span className="spacer" />
        Last{' '}
        <input
          type="text"
          size={6}
          value={range}
          onChange={(e) => setRange(e.target.value)}
          data-testid="backtest-range"
        />
        <button className="primary" onClick={run} disabled={running} data-testid="backtest-run">
          {running ? 'Running…' : 'Run backtest'}
        </button>
      </div>
      {error !== null && (
        <div className="error" data-testid="backtest-error">
          {error}
        </div>
      )}
      {result && (
        <div data-testid="backtest-result">
          <div className="stats">
            {result.r.evaluations} group evaluations from{' '}
            {formatDisplayTime(result.start, localTime)} to{' '}
            {formatDisplayTime(result.end, localTime)} ({formatDuration(result.end - result.start)}
            ): {result.r.alerts.length} alerts.
          </div>
          {result.r.errors.map((e, i) => (
            <div key={i} className="error">
              {e}
            </div>
          ))}
          {result.r.alerts.map((a, i) => (
            <div key={i} className="backtest-alert" data-testid="backtest-alert">
              <div className="mono">{formatSeriesName(a.labels)}</div>
              <div className="timeline">
                {a.periods.map((p, j) => {
                  const span = result.end - result.start;
                  const from = Math.max(0, (Date.parse(p.from) - result.start) / span);
                  const to = Math.min(1, (Date.parse(p.to) - result.start) / span);
                  return (
                    <span
                      key={j}
                      className={`period period-${p.state}`}
                      data-state={p.state}
                      style={{
                        left: `${from * 100}%`,
                        width: `${Math.max(0.3, (to - from) * 100)}%`,
                      }}
                      title={`${p.state} ${formatDisplayTime(Date.parse(p.from), localTime)} – ${p.open ? 'the end' : formatDisplayTime(Date.parse(p.to), localTime)}`}
                    />
                  );
                })}
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
