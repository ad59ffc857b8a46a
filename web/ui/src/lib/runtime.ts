// The server process's own runtime facts, read from its /metrics: Node's (event loop, V8 heap,
// GC) for this server, Go's (goroutines, heap, GC) for a Prometheus — whichever it exposes, so the
// status page never shows fields that mean nothing for the runtime it describes.
import { formatBytes } from './format.js';

/** Sample values by `name` and by `name{labels}` from exposition text (comments skipped). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : m[3]);
    const name = m[1]!;
    out.set(name + (m[2] ?? ''), v);
    // Summed over label sets under the bare name (e.g. GC seconds over every kind).
    if (m[2] !== undefined) out.set(name, (out.get(name) ?? 0) + v);
  }
  return out;
}

export interface RuntimeFact {
  title: string;
  value: string;
}

const secs = (v: number): string => (v < 1 ? `${(v * 1000).toFixed(2)} ms` : `${v.toFixed(2)} s`);

/** The facts to show, Node's or Go's; empty when the text has neither. */
export function runtimeFacts(m: Map<string, number>, versionInfo: string): RuntimeFact[] {
  const facts: RuntimeFact[] = [];
  const add = (title: string, key: string, fmt: (v: number) => string): void => {
    const v = m.get(key);
    if (v !== undefined && Number.isFinite(v)) facts.push({ title, value: fmt(v) });
  };
  if (m.has('nodejs_heap_size_used_bytes')) {
    if (versionInfo !== '') facts.push({ title: 'Runtime', value: `Node.js ${versionInfo}` });
    add('Event loop lag (mean)', 'nodejs_eventloop_lag_mean_seconds', secs);
    add('Event loop lag (p99)', 'nodejs_eventloop_lag_p99_seconds', secs);
    add('Event loop lag (max)', 'nodejs_eventloop_lag_max_seconds', secs);
    add('V8 heap used', 'nodejs_heap_size_used_bytes', formatBytes);
    add('V8 heap total', 'nodejs_heap_size_total_bytes', formatBytes);
    add('External memory', 'nodejs_external_memory_bytes', formatBytes);
    add('GC pauses', 'nodejs_gc_duration_seconds_count', (v) => String(v));
    add('GC time', 'nodejs_gc_duration_seconds_sum', secs);
    add('Active handles', 'nodejs_active_handles_total', (v) => String(v));
    add('Active requests', 'nodejs_active_requests_total', (v) => String(v));
  } else if (m.has('go_goroutines')) {
    add('Goroutines', 'go_goroutines', (v) => String(v));
    add('OS threads', 'go_threads', (v) => String(v));
    add('Go heap in use', 'go_memstats_heap_inuse_bytes', formatBytes);
    add('GC pauses', 'go_gc_duration_seconds_count', (v) => String(v));
    add('GC time', 'go_gc_duration_seconds_sum', secs);
  }
  add('Resident memory', 'process_resident_memory_bytes', formatBytes);
  add('CPU time', 'process_cpu_seconds_total', secs);
  add('Open file descriptors', 'process_open_fds', (v) => String(v));
  return facts;
}

/** Runtime-info fields that describe Go's runtime and mean nothing for a Node process. */
export const GO_ONLY_FIELDS = new Set([
  'goroutineCount',
  'GOMAXPROCS',
  'GOMEMLIMIT',
  'GOGC',
  'GODEBUG',
]);
