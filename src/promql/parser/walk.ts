// Traversal and typing helpers for the syntax tree: children in evaluation order, positions,
// and the value type an expression yields.
import type { Expr, PositionRange, ValueTypeName } from './ast.js';

/** The value type of a node that is neither a wrapper nor a binary expression. */
function leafType(e: Expr): ValueTypeName {
  switch (e.kind) {
    case 'AggregateExpr':
    case 'VectorSelector':
      return 'vector';
    case 'Call':
      return e.func.returnType;
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    default:
      throw new Error(`leafType of ${e.kind}`);
  }
}

/** Through parentheses, unary operators and step-invariant marks, which keep their operand's type. */
function unwrapTyped(e: Expr): Expr {
  while (e.kind === 'ParenExpr' || e.kind === 'UnaryExpr' || e.kind === 'StepInvariantExpr')
    e = e.expr;
  return e;
}

/**
 * The value type an expression evaluates to. Without recursion: a binary expression is scalar
 * exactly when every operand it is built from is, so its operands are checked from a work list.
 */
export function exprType(e: Expr): ValueTypeName {
  e = unwrapTyped(e);
  if (e.kind !== 'BinaryExpr') return leafType(e);
  const todo: Expr[] = [e.lhs, e.rhs];
  while (todo.length > 0) {
    const n = unwrapTyped(todo.pop()!);
    if (n.kind === 'BinaryExpr') todo.push(n.lhs, n.rhs);
    else if (leafType(n) !== 'scalar') return 'vector';
  }
  return 'scalar';
}

/** The part of the query an expression spans, [start, end); chains of any depth without recursion. */
export function posRange(e: Expr): PositionRange {
  let start: number | null = null;
  let end: number | null = null;
  for (let n = e; start === null || end === null;) {
    switch (n.kind) {
      case 'AggregateExpr':
      case 'BinaryExpr':
      case 'Call':
      case 'NumberLiteral':
      case 'ParenExpr':
      case 'StringLiteral':
      case 'VectorSelector':
        start ??= n.posRange.start;
        end ??= n.posRange.end;
        break;
      case 'MatrixSelector':
        end ??= n.endPos;
        n = n.vectorSelector;
        break;
      case 'SubqueryExpr':
        end ??= n.endPos;
        n = n.expr;
        break;
      case 'UnaryExpr':
        start ??= n.startPos;
        n = n.expr;
        break;
      case 'StepInvariantExpr':
        n = n.expr;
        break;
    }
  }
  return { start, end };
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
 * false skips the node's children, throwing stops the walk. Iterative: trees of any depth.
 */
export function walk(
  e: Expr,
  visitor: (node: Expr, path: readonly Expr[]) => boolean | void,
  path: Expr[] = [],
): void {
  // Per ancestor on the path, the children still to visit (reversed, next one last).
  const pending: Expr[][] = [];
  let next: Expr | undefined = e;
  for (;;) {
    if (next !== undefined) {
      if (visitor(next, path) !== false) {
        path.push(next);
        // A copy: a call's children are its own argument list.
        pending.push([...children(next)].reverse());
      }
    }
    // Climb until an ancestor has a child left.
    for (;;) {
      if (pending.length === 0) return;
      const top = pending[pending.length - 1]!;
      next = top.pop();
      if (next !== undefined) break;
      pending.pop();
      path.pop();
    }
  }
}

/** Like walk, for visitors that never prune. */
export function inspect(e: Expr, f: (node: Expr, path: readonly Expr[]) => void): void {
  walk(e, (n, p) => {
    f(n, p);
  });
}
