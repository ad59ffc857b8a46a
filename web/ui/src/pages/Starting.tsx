import { useEffect, useState } from 'react';
import { pathPrefix } from '../api.js';

/** WAL replay progress as /api/v1/status/walreplay gives it (segments). */
export interface ReplayStatus {
  min: number;
  max: number;
  current: number;
}

/**
 * null once the server is ready; until then (it answers /-/ready with 503 while its WAL replays)
 * the replay's progress, polled twice a second, as Prometheus 3's startup screen shows it.
 */
export function useStarting(): ReplayStatus | null {
  const [status, setStatus] = useState<ReplayStatus | null>(null);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async (): Promise<void> => {
      try {
        const ready = await fetch(`${pathPrefix()}/-/ready`);
        if (!live) return;
        if (ready.status !== 503) {
          setStatus(null);
          return;
        }
        const r = await fetch(`${pathPrefix()}/api/v1/status/walreplay`);
        const body = (await r.json().catch(() => ({}))) as { data?: ReplayStatus };
        if (live) setStatus(body.data ?? { min: 0, max: 0, current: 0 });
      } catch {
        // The server is not answering at all: keep the last state and try again.
      }
      if (live) timer = setTimeout(() => void poll(), 500);
    };
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return status;
}

export function StartingPage({ status }: { status: ReplayStatus }) {
  const total = status.max - status.min + 1;
  const done = Math.max(0, status.current - status.min);
  const pct = status.max > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div className="starting" data-testid="starting">
      <h2>Starting up…</h2>
      <p>The server is replaying its write-ahead log; queries answer once it is done.</p>
      <div
        className="progress"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
      >
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <div className="stats" data-testid="replay-progress">
        {status.max > 0
          ? `WAL segment ${status.current} of ${status.min}–${status.max} (${pct}%)`
          : 'Opening the storage…'}
      </div>
    </div>
  );
}
