import { useEffect, useState } from 'react';
import { apiCall } from '../api.js';
import { explainNode, formatTraceTime, type TraceNode } from '../lib/explain.js';

function NodeView({ n, total }: { n: TraceNode; total: number }) {
  const share =
    total > 0 && n.selfSeconds !== undefined ? Math.min(100, (n.selfSeconds / total) * 100) : 0;
  return (
    <li className="explain-node" data-testid="explain-node" data-node={n.node}>
      <div className="explain-row">
        <code className="explain-expr">{n.expr}</code>
        <span className="badge">{n.node}</span>
        {n.resultType && <span className="badge">{n.resultType}</span>}
      </div>
      <div className="stats explain-what">{explainNode(n)}</div>
      {n.error !== undefined ? (
        <div className="error">{n.error}</div>
      ) : (
        <div className="stats explain-cost" data-testid="explain-cost">
          {n.series !== undefined && <>{n.series} series · </>}
          {n.samples ?? 0} samples read ({n.selfSamples ?? 0} here) · {formatTraceTime(n.seconds)} (
          {formatTraceTime(n.selfSeconds)} here)
          <span
            className="cost-bar"
            title={`${share.toFixed(0)}% of the query's time spent in this node itself`}
          >
            <span style={{ width: `${share}%` }} />
          </span>
        </div>
      )}
      {n.children.length > 0 && (
        <ul className="explain-tree">
          {n.children.map((c, i) => (
            <NodeView key={i} n={c} total={total} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * The Explain tab: the expression as a tree, what each node does, and — from the server's query
 * trace (trace=1, ours) — each node's result type, series, samples read and time.
 */
export function ExplainView({
  expr,
  time,
  runs,
}: {
  expr: string;
  time: number | null;
  runs: number;
}) {
  const [trace, setTrace] = useState<TraceNode | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (expr.trim() === '') return;
    let live = true;
    setTrace(undefined);
    setError(null);
    apiCall<{ trace?: TraceNode }>(
      'query',
      { query: expr, time: String((time ?? Date.now()) / 1000), trace: '1' },
      true,
    ).then(
      (r) => live && setTrace(r.data.trace ?? null),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [expr, time, runs]);
  if (expr.trim() === '') return <div className="info">Enter an expression to explain.</div>;
  if (error !== null)
    return (
      <div className="error" data-testid="query-error">
        Error executing query: {error}
      </div>
    );
  if (trace === undefined) return <div className="loading">Tracing…</div>;
  if (trace === null)
    return (
      <div className="info" data-testid="no-trace">
        This server does not trace queries (the trace is prometheus-ts's own:
        /api/v1/query?…&amp;trace=1).
      </div>
    );
  return (
    <ul className="explain-tree root" data-testid="explain">
      <NodeView n={trace} total={trace.seconds ?? 0} />
    </ul>
  );
}
