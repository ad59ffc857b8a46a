// Prometheus's canonical text for an expression (what format_query returns and rules show).
import { goQuote, METRIC_NAME } from '../../model/labels/index.js';
import { formatDuration } from '../../model/duration/index.js';
import { formatFloatG } from '../../model/value/index.js';
import type { Expr, SubqueryExpr, VectorSelector } from './ast.js';

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
  const mods = withModifiers ? atText(vs.timestamp, vs.startOrEnd) + offsetText(vs.originalOffset) : '';
  if (parts.length === 0) return vs.name + mods;
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${vs.name}{${parts.join(',')}}${mods}`;
}

function subqueryText(e: SubqueryExpr): string {
  const step = e.step !== 0 ? formatDuration(e.step) : '';
  return `[${formatDuration(e.range)}:${step}]${atText(e.timestamp, e.startOrEnd)}${offsetText(e.originalOffset)}`;
}

/** The expression in Prometheus's canonical form, e.g. `sum by (job) (rate(foo[5m]))`. */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'AggregateExpr': {
      let s = e.op;
      if (e.without) s += ` without (${e.grouping.join(', ')}) `;
      else if (e.grouping.length > 0) s += ` by (${e.grouping.join(', ')}) `;
      s += '(';
      if (e.param !== null) s += `${exprToString(e.param)}, `;
      return `${s}${exprToString(e.expr)})`;
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
      return `${exprToString(e.lhs)} ${e.op}${e.returnBool ? ' bool' : ''}${matching} ${exprToString(e.rhs)}`;
    }
    case 'Call':
      return `${e.func.name}(${e.args.map(exprToString).join(', ')})`;
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      if (vs.kind !== 'VectorSelector') return `${exprToString(vs)}[${formatDuration(e.range)}]`;
      return `${selectorText(vs, false)}[${formatDuration(e.range)}]${atText(vs.timestamp, vs.startOrEnd)}${offsetText(vs.originalOffset)}`;
    }
    case 'SubqueryExpr':
      return exprToString(e.expr) + subqueryText(e);
    case 'NumberLiteral':
      return formatFloatG(e.val);
    case 'ParenExpr':
      return `(${exprToString(e.expr)})`;
    case 'StringLiteral':
      return goQuote(e.val);
    case 'UnaryExpr':
      return `${e.op}${exprToString(e.expr)}`;
    case 'VectorSelector':
      return selectorText(e, true);
    case 'StepInvariantExpr':
      return exprToString(e.expr);
  }
}
