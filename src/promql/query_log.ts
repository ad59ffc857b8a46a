// The query log of global.query_log_file: one JSON object per executed query, as Prometheus
// writes it — params (query, start, end, step in seconds), error, stats timings, where the
// query came from (httpRequest for the API), ts — keys sorted as Go's JSON logger sorts them.
import { createWriteStream, type WriteStream } from 'node:fs';

export interface QueryLogEntry {
  query: string;
  /** ms; equal for an instant query. */
  start: number;
  end: number;
  /** ms; 0 for an instant query. */
  step: number;
  error?: string;
  stats: unknown;
  origin?: Record<string, unknown>;
}

/** Go's "2006-01-02T15:04:05.000Z07:00" in UTC. */
function formatDate(ms: number): string {
  return new Date(ms).toISOString();
}

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

export class QueryLogger {
  private readonly out: WriteStream;
  private failed = false;

  constructor(
    readonly path: string,
    private readonly onFailure: () => void = () => {},
  ) {
    this.out = createWriteStream(path, { flags: 'a', mode: 0o666 });
    this.out.on('error', () => {
      this.failed = true;
      this.onFailure();
    });
  }

  log(e: QueryLogEntry): void {
    if (this.failed) return this.onFailure();
    const entry: Record<string, unknown> = {
      params: {
        end: formatDate(e.end),
        query: e.query,
        start: formatDate(e.start),
        step: Math.trunc(e.step / 1000),
      },
      stats: e.stats,
      ts: new Date().toISOString(),
      ...e.origin,
    };
    if (e.error !== undefined) entry['error'] = e.error;
    this.out.write(JSON.stringify(sortedKeys(entry)) + '\n');
  }

  close(): Promise<void> {
    return new Promise((r) => this.out.end(() => r()));
  }
}
