// Prometheus's prettifier (what /api/v1/format_query returns): an expression whose canonical
// text is longer than 100 bytes is split over lines, two spaces of indent per level.
import type { Expr } from './ast.js';
import { binaryOperatorText, exprToString, subqueryOwnText } from './printer.js';
import { runDeep, type Deep } from './deep.js';

const MAX_LINE = 100;
const encoder = new TextEncoder();

function indent(level: number): string {
  return '  '.repeat(level);
}

/** Whether the canonical text passes MAX_LINE bytes; printed only as far as that takes, as deep trees ask it at every level. */
function needsSplit(e: Expr): boolean {
  const s = exprToString(e, MAX_LINE);
  return (s.length > MAX_LINE / 3 ? encoder.encode(s).length : s.length) > MAX_LINE;
}

/** The expression formatted as Prometheus's Prettify does (any depth: see deep.ts). */
export function prettify(e: Expr, level = 0): string {
  return runDeep(pretty(e, level));
}

function* pretty(e: Expr, level: number): Deep<string> {
  switch (e.kind) {
    case 'AggregateExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      let s = indent(level) + e.op;
      if (e.without) s += ` without (${e.grouping.join(', ')}) `;
      else if (e.grouping.length > 0) s += ` by (${e.grouping.join(', ')}) `;
      s += '(\n';
      if (e.param !== null) s += `${(yield pretty(e.param, level + 1)) as string},\n`;
      return `${s}${(yield pretty(e.expr, level + 1)) as string}\n${indent(level)})`;
    }
    case 'BinaryExpr': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      const lhs = (yield pretty(e.lhs, level + 1)) as string;
      return `${lhs}\n${indent(level)}${binaryOperatorText(e)}\n${(yield pretty(e.rhs, level + 1)) as string}`;
    }
    case 'Call': {
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      const args: string[] = [];
      for (const a of e.args) args.push((yield pretty(a, level + 1)) as string);
      return `${indent(level)}${e.func.name}(\n${args.join(',\n')}\n${indent(level)})`;
    }
    case 'ParenExpr':
      if (!needsSplit(e)) return indent(level) + exprToString(e);
      return `${indent(level)}(\n${(yield pretty(e.expr, level + 1)) as string}\n${indent(level)})`;
    case 'StepInvariantExpr':
      return (yield pretty(e.expr, level)) as string;
    case 'SubqueryExpr': {
      // Prometheus indents neither branch here; kept for identical output.
      if (!needsSplit(e)) return exprToString(e);
      return ((yield pretty(e.expr, level)) as string) + subqueryOwnText(e);
    }
    case 'UnaryExpr':
      return `${indent(level)}${e.op}${((yield pretty(e.expr, level)) as string).trim()}`;
    case 'MatrixSelector':
    case 'VectorSelector':
    case 'NumberLiteral':
    case 'StringLiteral':
      return indent(level) + exprToString(e);
  }
}
