// Traversal and typing helpers for the syntax tree: children in evaluation order, positions,
// and the value type an expression yields.
import type { Expr, PositionRange, ValueTypeName } from './ast.js';

/** The value type an expression evaluates to. */
export function exprType(e: Expr): ValueTypeName {
  switch (e.kind) {
    case 'AggregateExpr':
    case 'VectorSelector':
      return 'vector';
    case 'BinaryExpr':
      // Right side first: in long left-leaning chains it is the shallow one.
      return exprType(e.rhs) === 'scalar' && exprType(e.lhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return e.func.returnType;
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return exprType(e.expr);
  }
}

/** The part of the query an expression spans, [start, end). */
export function posRange(e: Expr): PositionRange {
  switch (e.kind) {
    case 'AggregateExpr':
    case 'BinaryExpr':
    case 'Call':
    case 'NumberLiteral':
    case 'ParenExpr':
    case 'StringLiteral':
    case 'VectorSelector':
      return e.posRange;
    case 'MatrixSelector':
      return { start: posRange(e.vectorSelector).start, end: e.endPos };
    case 'SubqueryExpr':
      return { start: posRange(e.expr).start, end: e.endPos };
    case 'UnaryExpr':
      return { start: e.startPos, end: posRange(e.expr).end };
    case 'StepInvariantExpr':
      return posRange(e.expr);
  }
}

/** The direct sub-expressions of a node, in the order Prometheus's Children() lists them. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'AggregateExpr':
      return e.param !== null ? [e.expr, e.param] : [e.expr];
    case 'BinaryExpr':
      return [e.lhs, e.rhs];
    case 'Call':
      return e.args;
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
    case 'StepInvariantExpr':
      return [e.expr];
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return [];
  }
}

/**
 * Depth-first walk. The visitor gets each node and its ancestors (outermost first); returning
 * false skips the node's children, throwing stops the walk.
 */
export function walk(e: Expr, visitor: (node: Expr, path: readonly Expr[]) => boolean | void, path: Expr[] = []): void {
  if (visitor(e, path) === false) return;
  path.push(e);
  for (const c of children(e)) walk(c, visitor, path);
  path.pop();
}

/** Like walk, for visitors that never prune. */
export function inspect(e: Expr, f: (node: Expr, path: readonly Expr[]) => void): void {
  walk(e, (n, p) => {
    f(n, p);
  });
}
