// What each node of a PromQL expression does, in words, for the Explain view; functions and
// aggregations take codemirror-promql's own one-line descriptions.
import {
  aggregateOpTerms,
  functionIdentifierTerms,
} from '@prometheus-io/codemirror-promql/dist/esm/complete/promql.terms.js';

/** A node of the server's query trace (/api/v1/query?…&trace=1). */
export interface TraceNode {
  expr: string;
  node: string;
  op?: string;
  resultType?: string;
  series?: number;
  samples?: number;
  peakSamples?: number;
  seconds?: number;
  selfSeconds?: number;
  selfSamples?: number;
  error?: string;
  children: TraceNode[];
}

const INFO = new Map<string, string>(
  [...functionIdentifierTerms, ...aggregateOpTerms].map((t) => [t.label, t.info ?? '']),
);

const BINARY: Record<string, string> = {
  '+': 'Adds',
  '-': 'Subtracts',
  '*': 'Multiplies',
  '/': 'Divides',
  '%': 'Takes the remainder of',
  '^': 'Raises to the power',
  '==': 'Keeps elements equal to',
  '!=': 'Keeps elements not equal to',
  '>': 'Keeps elements greater than',
  '<': 'Keeps elements less than',
  '>=': 'Keeps elements greater than or equal to',
  '<=': 'Keeps elements less than or equal to',
  and: 'Keeps the left-hand elements that have a match on the right (and)',
  or: 'Takes the left-hand elements and the right-hand ones without a match on the left (or)',
  unless: 'Keeps the left-hand elements that have no match on the right (unless)',
  atan2: 'Takes atan2 of',
};

/** One sentence on what the node does. */
export function explainNode(n: TraceNode): string {
  switch (n.node) {
    case 'VectorSelector':
      return 'Selects the latest sample (within the lookback window) of every series matching the selector.';
    case 'MatrixSelector':
      return 'Selects every sample in the range of every series matching the selector.';
    case 'SubqueryExpr':
      return 'Evaluates the inner expression at each step over the range (a subquery), giving a range vector.';
    case 'NumberLiteral':
      return 'A number.';
    case 'StringLiteral':
      return 'A string.';
    case 'ParenExpr':
      return 'Parentheses: the inner expression, grouped.';
    case 'UnaryExpr':
      return n.op === '-' ? 'Negates every value.' : 'The value, unchanged.';
    case 'Call':
      return `${n.op}(): ${INFO.get(n.op ?? '') ?? 'a function.'}`;
    case 'AggregateExpr':
      return `${n.op}: ${INFO.get(n.op ?? '') ?? 'an aggregation.'}`;
    case 'BinaryExpr':
      return `${BINARY[n.op ?? ''] ?? 'Combines'} the left- and right-hand sides, element by element (matched on their labels).`;
    default:
      return '';
  }
}

/** Seconds as the Explain view shows them: µs, ms or s. */
export function formatTraceTime(s: number | undefined): string {
  if (s === undefined) return '-';
  if (s < 0.001) return `${Math.round(s * 1e6)}µs`;
  if (s < 1) return `${(s * 1000).toFixed(1)}ms`;
  return `${s.toFixed(2)}s`;
}
