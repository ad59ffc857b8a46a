// Prometheus's prettifier (what /api/v1/format_query returns): an expression whose canonical
// text is longer than 100 bytes is split over lines, two spaces of indent per level.
import type { Expr } from './ast.js';
import { exprToString } from './printer.js';

const MAX_LINE = 100;
const encoder = new TextEncoder();

function indent(level: number): string {
  return '  '.repeat(level);
}

function needsSplit(e: Expr): boolean {
  const s = exprToString(e);
  return (s.length > MAX_LINE / 3 ? encoder.encode(s).length : s.length) > MAX_LINE;
}

function matchingText(e: Expr & { kind: 'BinaryExpr' }): string {
  // The operator line of a split binary expression: the part between its operands.
  const lhs = exprToString(e.lhs);
  const rhs = exprToString(e.rhs);
  const whole = exprToString(e);
  return whole.slice(lhs.length + 1, whole.length - rhs.length - 1);
}

/** The expression formatted as Prometheus's Prettify does. */
export function prettify(e: Expr, level = 0): string {
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      let s = indent(level) + e.op;
      if (e.without) s += ` without (${e.grouping.join(', ')}) `;
      else if (e.grouping.length > 0) s += ` by (${e.grouping.join(', ')}) `;
      s += '(\n';
      if (e.param !== null) s += `${prettify(e.param, level + 1)},\n`;
      return `${s}${prettify(e.expr, level + 1)}\n${indent(level)})`;
    }
    case 'BinaryExpr':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${prettify(e.lhs, level + 1)}\n${indent(level)}${matchingText(e)}\n${prettify(e.rhs, level + 1)}`;
    case 'Call':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}${e.func.name}(\n${e.args.map((a) => prettify(a, level + 1)).join(',\n')}\n${indent(level)})`;
    case 'ParenExpr':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}(\n${prettify(e.expr, level + 1)}\n${indent(level)})`;
    case 'StepInvariantExpr':
      return prettify(e.expr, level);
    case 'SubqueryExpr': {
      // Prometheus indents neither branch here; kept for identical output.
      if (!needsSplit(e)) return exprToString(e);
      const whole = exprToString(e);
      const inner = exprToString(e.expr);
      return prettify(e.expr, level) + whole.slice(inner.length);
    }
    case 'UnaryExpr':
      return `${indent(level)}${e.op}${prettify(e.expr, level).trim()}`;
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return indent(level) + exprToString(e);
  }
}
