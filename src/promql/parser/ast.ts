// The PromQL syntax tree, mirroring Prometheus's parser/ast.go so either codebase reads the other.
// Positions are character offsets into the query string ([start, end)).
import type { Matcher } from '../../model/labels/index.js';

export type ValueTypeName = 'none' | 'vector' | 'scalar' | 'matrix' | 'string';

export interface PositionRange {
  start: number;
  end: number;
}

export type ItemType = string; // an operator's text: '+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', 'and', 'or', 'unless', 'atan2'

export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | MatrixSelector
  | SubqueryExpr
  | NumberLiteral
  | ParenExpr
  | StringLiteral
  | UnaryExpr
  | VectorSelector
  | StepInvariantExpr;

export interface AggregateExpr {
  kind: 'AggregateExpr';
  op: string; // 'sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar', 'topk', 'bottomk', 'count_values', 'quantile'
  expr: Expr;
  param: Expr | null;
  grouping: string[];
  without: boolean;
  posRange: PositionRange;
}

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: VectorMatchCardinality;
  /** Labels to match on (on) or to ignore (ignoring, when on is false). */
  matchingLabels: string[];
  on: boolean;
  /** Extra labels to take from the "one" side (group_left/group_right labels). */
  include: string[];
}

export interface BinaryExpr {
  kind: 'BinaryExpr';
  op: ItemType;
  lhs: Expr;
  rhs: Expr;
  /** null when at least one side is a scalar. */
  vectorMatching: VectorMatching | null;
  returnBool: boolean;
  posRange: PositionRange;
}

export interface FunctionDef {
  name: string;
  argTypes: ValueTypeName[];
  /** -1: variadic without limit; otherwise the count of optional trailing args. */
  variadic: number;
  returnType: ValueTypeName;
}

export interface Call {
  kind: 'Call';
  func: FunctionDef;
  args: Expr[];
  posRange: PositionRange;
}

export interface VectorSelector {
  kind: 'VectorSelector';
  name: string;
  /** Original offset (ms), as written (negative allowed). */
  originalOffset: number;
  /** Offset after @ handling, used by evaluation. */
  offset: number;
  /** @ timestamp in ms, or null. */
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  labelMatchers: Matcher[];
  posRange: PositionRange;
}

export interface MatrixSelector {
  kind: 'MatrixSelector';
  /** Always a VectorSelector. */
  vectorSelector: Expr;
  range: number; // ms
  endPos: number;
}

export interface SubqueryExpr {
  kind: 'SubqueryExpr';
  expr: Expr;
  range: number; // ms
  originalOffset: number;
  offset: number;
  timestamp: number | null;
  startOrEnd: 'start' | 'end' | null;
  step: number; // ms, 0 = default evaluation interval
  endPos: number;
}

export interface NumberLiteral {
  kind: 'NumberLiteral';
  val: number;
  posRange: PositionRange;
}

export interface ParenExpr {
  kind: 'ParenExpr';
  expr: Expr;
  posRange: PositionRange;
}

export interface StringLiteral {
  kind: 'StringLiteral';
  val: string;
  posRange: PositionRange;
}

export interface UnaryExpr {
  kind: 'UnaryExpr';
  op: '+' | '-';
  expr: Expr;
  startPos: number;
}

/** Wraps a subtree whose value is the same at every step (engine-inserted, never parsed). */
export interface StepInvariantExpr {
  kind: 'StepInvariantExpr';
  expr: Expr;
}
