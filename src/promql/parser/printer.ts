// Prometheus's canonical text for an expression (what format_query returns and rules show).
import { goQuote, METRIC_NAME } from '../../model/labels/index.js';
import { formatDuration } from '../../model/duration/index.js';
import { formatFloatG } from '../../model/value/index.js';
import type { BinaryExpr, Expr, SubqueryExpr, VectorSelector } from './ast.js';

function offsetText(ms: number): string {
  if (ms > 0) return ` offset ${formatDuration(ms)}`;
  if (ms < 0) return ` offset -${formatDuration(-ms)}`;
  return '';
}

function atText(ts: number | null, startOrEnd: 'start' | 'end' | null): string {
  if (ts !== null) return ` @ ${(ts / 1000).toFixed(3)}`;
  if (startOrEnd === 'start') return ' @ start()';
  if (startOrEnd === 'end') return ' @ end()';
  return '';
}

function selectorText(vs: VectorSelector, withModifiers: boolean): string {
  const parts: string[] = [];
  for (const m of vs.labelMatchers) {
    if (m.name === METRIC_NAME && m.type === '=' && m.value === vs.name) continue;
    parts.push(m.toString());
  }
  const mods = withModifiers
    ? atText(vs.timestamp, vs.startOrEnd) + offsetText(vs.originalOffset)
    : '';
  if (parts.length === 0) return vs.name + mods;
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${vs.name}{${parts.join(',')}}${mods}`;
}

function subqueryText(e: SubqueryExpr): string {
  const step = e.step !== 0 ? formatDuration(e.step) : '';
  return `[${formatDuration(e.range)}:${step}]${atText(e.timestamp, e.startOrEnd)}${offsetText(e.originalOffset)}`;
}

/**
 * The expression in Prometheus's canonical form, e.g. `sum by (job) (rate(foo[5m]))`. Built from
 * a work list of text pieces and nodes still to print, so trees of any depth print. With
 * maxChars, printing stops once the text is longer (what the prettifier needs to know).
 */
export function exprToString(e: Expr, maxChars = Infinity): string {
  const out: string[] = [];
  let length = 0;
  // Next item last; a string is emitted as is, a node is replaced by its pieces.
  const todo: (Expr | string)[] = [e];
  while (todo.length > 0 && length <= maxChars) {
    const item = todo.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      length += item.length;
    } else {
      const pieces = nodePieces(item);
      for (let i = pieces.length - 1; i >= 0; i--) todo.push(pieces[i]!);
    }
  }
  return out.join('');
}

/** The text between a binary expression's operands: the operator and its modifiers. */
export function binaryOperatorText(e: BinaryExpr): string {
  return (nodePieces(e)[1] as string).slice(1, -1);
}

/** A subquery's own text after its expression: `[range:step]` and its modifiers. */
export function subqueryOwnText(e: SubqueryExpr): string {
  return subqueryText(e);
}

/** A node's text, its sub-expressions left in place to be printed in turn. */
function nodePieces(e: Expr): (Expr | string)[] {
  switch (e.kind) {
    case 'AggregateExpr': {
      let s = e.op;
      if (e.without) s += ` without (${e.grouping.join(', ')}) `;
      else if (e.grouping.length > 0) s += ` by (${e.grouping.join(', ')}) `;
      s += '(';
      return e.param !== null ? [s, e.param, ', ', e.expr, ')'] : [s, e.expr, ')'];
    }
    case 'BinaryExpr': {
      let matching = '';
      const vm = e.vectorMatching;
      if (vm !== null && (vm.matchingLabels.length > 0 || vm.on)) {
        matching = ` ${vm.on ? 'on' : 'ignoring'} (${vm.matchingLabels.join(', ')})`;
        if (vm.card === 'many-to-one' || vm.card === 'one-to-many') {
          matching += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${vm.include.join(', ')})`;
        }
      }
      return [e.lhs, ` ${e.op}${e.returnBool ? ' bool' : ''}${matching} `, e.rhs];
    }
    case 'Call': {
      const pieces: (Expr | string)[] = [`${e.func.name}(`];
      e.args.forEach((a, i) => (i > 0 ? pieces.push(', ', a) : pieces.push(a)));
      pieces.push(')');
      return pieces;
    }
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      if (vs.kind !== 'VectorSelector') return [vs, `[${formatDuration(e.range)}]`];
      return [
        `${selectorText(vs, false)}[${formatDuration(e.range)}]${atText(vs.timestamp, vs.startOrEnd)}${offsetText(vs.originalOffset)}`,
      ];
    }
    case 'SubqueryExpr':
      return [e.expr, subqueryText(e)];
    case 'NumberLiteral':
      return [formatFloatG(e.val)];
    case 'ParenExpr':
      return ['(', e.expr, ')'];
    case 'StringLiteral':
      return [goQuote(e.val)];
    case 'UnaryExpr':
      return [e.op, e.expr];
    case 'VectorSelector':
      return [selectorText(e, true)];
    case 'StepInvariantExpr':
      return [e.expr];
  }
}
