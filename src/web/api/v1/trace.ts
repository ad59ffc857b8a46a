// Query trace (ours, `/api/v1/query?…&trace=1`): the expression as a tree, each node evaluated on
// its own at the query's time with the engine's statistics, so a user sees which part of a slow
// query costs what. A node's figures include its children's (it is evaluated whole); `self*` is
// what is left after its children's.
import { exprToString, parseExpr, children, type Expr } from '../../../promql/parser/index.js';
import type { Engine, QueryOptions, Value } from '../../../promql/index.js';
import type { Queryable } from '../../../storage/index.js';

/** Nodes traced at most, so a huge expression costs a bounded number of extra evaluations. */
export const TRACE_MAX_NODES = 64;

export interface TraceNode {
  /** The node's own expression, printed. */
  expr: string;
  /** The AST node kind: VectorSelector, MatrixSelector, Call, AggregateExpr, BinaryExpr, … */
  node: string;
  /** Function or operator name where there is one (rate, sum, +, …). */
  op?: string;
  resultType?: Value['type'];
  /** Series in the node's result (vector or matrix); undefined for scalars and strings. */
  series?: number;
  /** Samples the node's evaluation read (Prometheus's totalQueryableSamples) and held at most. */
  samples?: number;
  peakSamples?: number;
  /** Seconds the node's evaluation took, and those not spent in its children. */
  seconds?: number;
  selfSeconds?: number;
  selfSamples?: number;
  error?: string;
  children: TraceNode[];
}

function opOf(e: Expr): string | undefined {
  switch (e.kind) {
    case 'Call':
      return e.func.name;
    case 'AggregateExpr':
    case 'BinaryExpr':
    case 'UnaryExpr':
      return String(e.op);
    default:
      return undefined;
  }
}

/** The tree to trace: a matrix selector is one node (its inner selector is not a query of its own). */
function shape(e: Expr, budget: { left: number }): { e: Expr; kids: ReturnType<typeof shape>[] } {
  budget.left--;
  const kids =
    e.kind === 'MatrixSelector'
      ? []
      : children(e)
          .filter(() => budget.left > 0)
          .map((c) => shape(c, budget));
  return { e, kids };
}

async function evaluate(
  engine: Engine,
  queryable: Queryable,
  s: ReturnType<typeof shape>,
  t: number,
  opts: QueryOptions,
): Promise<TraceNode> {
  const kids: TraceNode[] = [];
  for (const k of s.kids) kids.push(await evaluate(engine, queryable, k, t, opts));
  const expr = exprToString(s.e);
  const node: TraceNode = { expr, node: s.e.kind, children: kids };
  const op = opOf(s.e);
  if (op !== undefined) node.op = op;
  try {
    const q = engine.newInstantQuery(queryable, expr, t, opts);
    try {
      const r = await q.exec();
      const st = q.stats();
      node.resultType = r.value.type;
      if (r.value.type === 'vector') node.series = r.value.samples.length;
      if (r.value.type === 'matrix') node.series = r.value.series.length;
      node.samples = st.samples.totalQueryableSamples;
      node.peakSamples = st.samples.peakSamples;
      node.seconds = st.timings.evalTotalTime;
      node.selfSeconds = Math.max(0, node.seconds - kids.reduce((a, k) => a + (k.seconds ?? 0), 0));
      node.selfSamples = Math.max(0, node.samples - kids.reduce((a, k) => a + (k.samples ?? 0), 0));
    } finally {
      q.close();
    }
  } catch (e) {
    node.error = (e as Error).message;
  }
  return node;
}

/** Traces `query` at time t (ms): every node of its tree evaluated alone, children first. */
export async function traceQuery(
  engine: Engine,
  queryable: Queryable,
  query: string,
  t: number,
  opts: QueryOptions,
): Promise<TraceNode> {
  return evaluate(engine, queryable, shape(parseExpr(query), { left: TRACE_MAX_NODES }), t, opts);
}
