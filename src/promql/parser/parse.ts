// Recursive-descent PromQL parser following Prometheus 2.48's grammar and precedence:
// or < and/unless < comparisons < + - < * / % atan2 < ^ (right-associative); unary +/- bind
// like *, so -a^b is -(a^b); range, offset and @ bind to the selector they follow.
// Why this file is long: one recursive-descent parser, whose productions call each other.
// Syntax errors stop the parse; semantic ones found while parsing are collected like
// Prometheus does, and the type check runs only when there is none. The first error is shown.
import { Matcher, MatchType, METRIC_NAME } from '../../model/labels/index.js';
import { parseDuration } from '../../model/duration/index.js';
import { formatGoPercentF } from '../../model/value/index.js';
import type {
  AggregateExpr,
  BinaryExpr,
  Call,
  Expr,
  FunctionDef,
  MatrixSelector,
  NumberLiteral,
  PositionRange,
  SubqueryExpr,
  ValueTypeName,
  VectorMatchCardinality,
  VectorMatching,
  VectorSelector,
} from './ast.js';
import { ParseErr, ParseErrors } from './errors.js';
import { getFunction } from './functions.js';
import {
  Lexer,
  Tok,
  describeToken,
  goQuoteString,
  isAggregator,
  isLabel,
  type Token,
} from './lex.js';
import { unquoteString, UnquoteError } from '../../util/unquote.js';
import { posRange } from './walk.js';
import { runDeep, type Deep } from './deep.js';

/** Unwinds the parser after a syntax error; not an Error, so no stack trace is captured. */
class Abort {}

const BIN_PREC: Partial<Record<Tok, number>> = {
  [Tok.LOR]: 1,
  [Tok.LAND]: 2,
  [Tok.LUNLESS]: 2,
  [Tok.EQLC]: 3,
  [Tok.NEQ]: 3,
  [Tok.LTE]: 3,
  [Tok.LSS]: 3,
  [Tok.GTE]: 3,
  [Tok.GTR]: 3,
  [Tok.ADD]: 4,
  [Tok.SUB]: 4,
  [Tok.MUL]: 5,
  [Tok.DIV]: 5,
  [Tok.MOD]: 5,
  [Tok.ATAN2]: 5,
  [Tok.POW]: 6,
};
const POW_PREC = 6;

const OP_TEXT: Partial<Record<Tok, string>> = {
  [Tok.LOR]: 'or',
  [Tok.LAND]: 'and',
  [Tok.LUNLESS]: 'unless',
  [Tok.ATAN2]: 'atan2',
};

/** Tokens that name a metric when they start a selector (Prometheus's metric_identifier). */
const METRIC_KEYWORDS = new Set<Tok>([
  Tok.AVG,
  Tok.BOTTOMK,
  Tok.BY,
  Tok.COUNT,
  Tok.COUNT_VALUES,
  Tok.GROUP,
  Tok.IDENTIFIER,
  Tok.LAND,
  Tok.LOR,
  Tok.LUNLESS,
  Tok.MAX,
  Tok.METRIC_IDENTIFIER,
  Tok.MIN,
  Tok.OFFSET,
  Tok.QUANTILE,
  Tok.STDDEV,
  Tok.STDVAR,
  Tok.SUM,
  Tok.TOPK,
  Tok.WITHOUT,
  Tok.START,
  Tok.END,
]);

/** Tokens accepted as label names in grouping clauses (Prometheus's maybe_label). */
const MAYBE_LABEL = new Set<Tok>([
  Tok.AVG,
  Tok.BOOL,
  Tok.BOTTOMK,
  Tok.BY,
  Tok.COUNT,
  Tok.COUNT_VALUES,
  Tok.GROUP,
  Tok.GROUP_LEFT,
  Tok.GROUP_RIGHT,
  Tok.IDENTIFIER,
  Tok.IGNORING,
  Tok.LAND,
  Tok.LOR,
  Tok.LUNLESS,
  Tok.MAX,
  Tok.METRIC_IDENTIFIER,
  Tok.MIN,
  Tok.OFFSET,
  Tok.ON,
  Tok.QUANTILE,
  Tok.STDDEV,
  Tok.STDVAR,
  Tok.SUM,
  Tok.TOPK,
  Tok.START,
  Tok.END,
  Tok.ATAN2,
]);

const MATCH_OPS: Partial<Record<Tok, MatchType>> = {
  [Tok.EQL]: MatchType.Equal,
  [Tok.NEQ]: MatchType.NotEqual,
  [Tok.EQL_REGEX]: MatchType.Regexp,
  [Tok.NEQ_REGEX]: MatchType.NotRegexp,
};

function isComparison(op: string): boolean {
  return op === '==' || op === '!=' || op === '<=' || op === '<' || op === '>=' || op === '>';
}
function isSetOperator(op: string): boolean {
  return op === 'and' || op === 'or' || op === 'unless';
}
function aggregatorWithParam(op: string): boolean {
  return op === 'topk' || op === 'bottomk' || op === 'count_values' || op === 'quantile';
}

/** The words Prometheus uses for a value type in messages. */
export function documentedType(t: ValueTypeName): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

function isSpaceCode(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

class Parser {
  private readonly lex: Lexer;
  private readonly input: string;
  private readonly buf: Token[] = [];
  readonly errors: ParseErr[] = [];
  /** End of the last ) ] } number or duration read, Prometheus's lastClosing. */
  private lastClosing = 0;
  /** How many aggregations' argument lists enclose the current token. */
  private aggDepth = 0;

  constructor(input: string) {
    this.input = input;
    this.lex = new Lexer(input);
  }

  private fill(n: number): void {
    while (this.buf.length <= n) {
      let t: Token;
      do t = this.lex.nextToken();
      while (t.typ === Tok.COMMENT);
      this.buf.push(t);
      if (t.typ === Tok.EOF || t.typ === Tok.ERROR) {
        while (this.buf.length <= n)
          this.buf.push({ typ: Tok.EOF, pos: this.input.length, val: '' });
      }
    }
  }

  private peek(n = 0): Token {
    this.fill(n);
    const t = this.buf[n]!;
    if (n === 0 && t.typ === Tok.ERROR) this.lexError(t);
    return t;
  }

  private advance(): Token {
    const t = this.peek();
    this.buf.shift();
    switch (t.typ) {
      case Tok.RIGHT_BRACE:
      case Tok.RIGHT_PAREN:
      case Tok.RIGHT_BRACKET:
      case Tok.DURATION:
      case Tok.NUMBER:
        this.lastClosing = t.pos + t.val.length;
    }
    return t;
  }

  private lexError(t: Token): never {
    this.errors.push(new ParseErr({ start: t.pos, end: this.input.length }, t.val, this.input));
    throw new Abort();
  }

  addError(pr: PositionRange, msg: string): void {
    this.errors.push(new ParseErr(pr, msg, this.input));
  }

  /** A syntax error at the current token: "unexpected <item>[ in <context>][, expected <what>]". */
  private unexpected(context = '', expected = ''): never {
    const t = this.peek();
    // Prometheus's error recovery unwinds to the nearest rule with an error alternative; for
    // syntax errors anywhere inside an aggregation's arguments that is the aggregation's.
    if (context === '' && this.aggDepth > 0) context = 'aggregation';
    let msg = `unexpected ${describeToken(t)}`;
    if (context !== '') msg += ` in ${context}`;
    if (expected !== '') msg += `, expected ${expected}`;
    this.addError({ start: t.pos, end: t.pos + t.val.length }, msg);
    throw new Abort();
  }

  parseTop(): Expr | null {
    if (this.peek().typ === Tok.EOF) {
      this.addError({ start: 0, end: 0 }, 'no expression found in input');
      return null;
    }
    const e = runDeep(this.parseExpr(0));
    if (this.peek().typ !== Tok.EOF) this.unexpected();
    return e;
  }

  parseSelectorTop(): VectorSelector {
    const t = this.peek();
    if (t.typ !== Tok.LEFT_BRACE && !METRIC_KEYWORDS.has(t.typ)) this.unexpected();
    const vs = this.parseVectorSelector();
    if (this.peek().typ !== Tok.EOF) this.unexpected();
    return vs;
  }

  private *parseExpr(minPrec: number): Deep<Expr> {
    let lhs = (yield this.parseUnary()) as Expr;
    for (;;) {
      const t = this.peek();
      const prec = BIN_PREC[t.typ];
      if (prec === undefined || prec < minPrec) return lhs;
      this.advance();
      const op = OP_TEXT[t.typ] ?? t.val;
      const mods = this.parseBinModifiers();
      const rhs = (yield this.parseExpr(t.typ === Tok.POW ? prec : prec + 1)) as Expr;
      const be: BinaryExpr = {
        kind: 'BinaryExpr',
        op,
        lhs,
        rhs,
        vectorMatching: mods.vm,
        returnBool: mods.returnBool,
        posRange: { start: posRange(lhs).start, end: posRange(rhs).end },
      };
      lhs = be;
    }
  }

  private parseBinModifiers(): { vm: VectorMatching; returnBool: boolean } {
    const vm: VectorMatching = { card: 'one-to-one', matchingLabels: [], on: false, include: [] };
    let returnBool = false;
    if (this.peek().typ === Tok.BOOL) {
      this.advance();
      returnBool = true;
    }
    const t = this.peek().typ;
    if (t === Tok.ON || t === Tok.IGNORING) {
      this.advance();
      vm.on = t === Tok.ON;
      vm.matchingLabels = this.parseGroupingLabels();
      const g = this.peek().typ;
      if (g === Tok.GROUP_LEFT || g === Tok.GROUP_RIGHT) {
        this.advance();
        vm.card = g === Tok.GROUP_LEFT ? 'many-to-one' : 'one-to-many';
        if (this.peek().typ === Tok.LEFT_PAREN) vm.include = this.parseGroupingLabels();
      }
    }
    return { vm, returnBool };
  }

  private parseGroupingLabels(): string[] {
    if (this.peek().typ !== Tok.LEFT_PAREN) this.unexpected('grouping opts', '"("');
    this.advance();
    const out: string[] = [];
    if (this.peek().typ === Tok.RIGHT_PAREN) {
      this.advance();
      return out;
    }
    for (;;) {
      const t = this.peek();
      if (!MAYBE_LABEL.has(t.typ) || !isLabel(t.val)) this.unexpected('grouping opts', 'label');
      this.advance();
      out.push(t.val);
      const n = this.peek().typ;
      if (n === Tok.COMMA) {
        this.advance();
        if (this.peek().typ === Tok.RIGHT_PAREN) {
          this.advance();
          return out;
        }
        continue;
      }
      if (n === Tok.RIGHT_PAREN) {
        this.advance();
        return out;
      }
      this.unexpected('grouping opts', '"," or ")"');
    }
  }

  private *parseUnary(): Deep<Expr> {
    const t = this.peek();
    if (t.typ === Tok.ADD || t.typ === Tok.SUB) {
      this.advance();
      const operand = (yield this.parseExpr(POW_PREC)) as Expr;
      if (operand.kind === 'NumberLiteral') {
        if (t.typ === Tok.SUB) operand.val = -operand.val;
        operand.posRange = { start: t.pos, end: operand.posRange.end };
        return operand;
      }
      return {
        kind: 'UnaryExpr',
        op: t.typ === Tok.SUB ? '-' : '+',
        expr: operand,
        startPos: t.pos,
      };
    }
    return this.parsePostfix((yield this.parsePrimary()) as Expr);
  }

  private *parsePrimary(): Deep<Expr> {
    const t = this.peek();
    switch (t.typ) {
      case Tok.NUMBER: {
        this.advance();
        return {
          kind: 'NumberLiteral',
          val: this.number(t),
          posRange: { start: t.pos, end: t.pos + t.val.length },
        };
      }
      case Tok.STRING:
        this.advance();
        return {
          kind: 'StringLiteral',
          val: this.unquote(t),
          posRange: { start: t.pos, end: t.pos + t.val.length },
        };
      case Tok.LEFT_PAREN: {
        this.advance();
        const e = (yield this.parseExpr(0)) as Expr;
        if (this.peek().typ !== Tok.RIGHT_PAREN) this.unexpected();
        const r = this.advance();
        return { kind: 'ParenExpr', expr: e, posRange: { start: t.pos, end: r.pos + 1 } };
      }
      case Tok.LEFT_BRACE:
        return this.parseVectorSelector();
      case Tok.IDENTIFIER:
        if (this.peek(1).typ === Tok.LEFT_PAREN) return (yield this.parseCall()) as Call;
        return this.parseVectorSelector();
    }
    if (isAggregator(t.typ)) {
      const n = this.peek(1).typ;
      if (n === Tok.LEFT_PAREN || n === Tok.BY || n === Tok.WITHOUT)
        return (yield this.parseAggregate()) as AggregateExpr;
    }
    if (METRIC_KEYWORDS.has(t.typ)) return this.parseVectorSelector();
    return this.unexpected();
  }

  private number(t: Token): number {
    const s = t.val;
    const lower = s.toLowerCase();
    if (lower === 'inf' || lower === '+inf') return Infinity;
    if (lower === '-inf') return -Infinity;
    if (lower === 'nan') return NaN;
    const where = { start: t.pos, end: t.pos + s.length };
    const isInt64 = (b: bigint): boolean => b <= 0x7fffffffffffffffn;
    if (/^0[xX][0-9a-fA-F]+$/.test(s)) {
      const b = BigInt(s);
      if (isInt64(b)) return Number(b);
    } else if (/^0[0-7]+$/.test(s) && isInt64(BigInt('0o' + s.slice(1)))) {
      return Number(BigInt('0o' + s.slice(1)));
    } else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
      const v = Number(s);
      if (Number.isFinite(v)) return v;
      this.addError(
        where,
        `error parsing number: strconv.ParseFloat: parsing ${goQuoteString(s)}: value out of range`,
      );
      return v;
    }
    this.addError(
      where,
      `error parsing number: strconv.ParseFloat: parsing ${goQuoteString(s)}: invalid syntax`,
    );
    return 0;
  }

  private unquote(t: Token): string {
    try {
      return unquoteString(t.val);
    } catch (e) {
      if (!(e instanceof UnquoteError)) throw e;
      this.addError(
        { start: t.pos, end: t.pos + t.val.length },
        `error unquoting string ${goQuoteString(t.val)}: ${e.message}`,
      );
      return '';
    }
  }

  private duration(t: Token): number {
    let d = 0;
    try {
      d = parseDuration(t.val);
    } catch (e) {
      this.addError({ start: t.pos, end: t.pos + t.val.length }, (e as Error).message);
      return 0;
    }
    // Prometheus keeps durations as int64 nanoseconds.
    if (d > 9223372036854) {
      this.addError({ start: t.pos, end: t.pos + t.val.length }, 'duration out of range');
      return 0;
    }
    if (d === 0)
      this.addError({ start: t.pos, end: t.pos + t.val.length }, 'duration must be greater than 0');
    return d;
  }

  private *parseCall(): Deep<Call> {
    const name = this.advance();
    const args = (yield this.parseCallBody()) as Expr[];
    // Checked once the call is complete, so errors inside it come first as in Prometheus.
    let func: FunctionDef | undefined = getFunction(name.val);
    if (func === undefined) {
      this.addError(
        { start: name.pos, end: name.pos + name.val.length },
        `unknown function with name ${goQuoteString(name.val)}`,
      );
      func = { name: name.val, argTypes: [], variadic: 0, returnType: 'none' };
    }
    return { kind: 'Call', func, args, posRange: { start: name.pos, end: this.lastClosing } };
  }

  /** "(" [expr {"," expr}] ")" — shared by calls and aggregations. */
  private *parseCallBody(): Deep<Expr[]> {
    if (this.peek().typ !== Tok.LEFT_PAREN) this.unexpected();
    this.advance();
    const args: Expr[] = [];
    if (this.peek().typ === Tok.RIGHT_PAREN) {
      this.advance();
      return args;
    }
    args.push((yield this.parseExpr(0)) as Expr);
    for (;;) {
      const t = this.peek();
      if (t.typ === Tok.RIGHT_PAREN) {
        this.advance();
        return args;
      }
      if (t.typ !== Tok.COMMA) this.unexpected();
      this.advance();
      if (this.startsExpr(this.peek().typ)) {
        args.push((yield this.parseExpr(0)) as Expr);
      } else {
        // Prometheus reduces "args ," on its own, records the error and carries on.
        this.addError(
          { start: t.pos, end: t.pos + 1 },
          'trailing commas not allowed in function call args',
        );
      }
    }
  }

  private startsExpr(t: Tok): boolean {
    switch (t) {
      case Tok.NUMBER:
      case Tok.STRING:
      case Tok.LEFT_PAREN:
      case Tok.LEFT_BRACE:
      case Tok.ADD:
      case Tok.SUB:
        return true;
    }
    return METRIC_KEYWORDS.has(t) || isAggregator(t);
  }

  private *parseAggregate(): Deep<AggregateExpr> {
    const opTok = this.advance();
    const op = opTok.val.toLowerCase();
    let grouping: string[] = [];
    let without = false;
    let args: Expr[];
    const first = this.peek().typ;
    this.aggDepth++;
    if (first === Tok.BY || first === Tok.WITHOUT) {
      this.advance();
      without = first === Tok.WITHOUT;
      grouping = this.parseGroupingLabels();
      if (this.peek().typ !== Tok.LEFT_PAREN) this.unexpected('aggregation');
      args = (yield this.parseCallBody()) as Expr[];
      this.aggDepth--;
    } else {
      args = (yield this.parseCallBody()) as Expr[];
      this.aggDepth--;
      const m = this.peek().typ;
      if (m === Tok.BY || m === Tok.WITHOUT) {
        this.advance();
        without = m === Tok.WITHOUT;
        grouping = this.parseGroupingLabels();
      }
    }
    const pr = { start: opTok.pos, end: this.lastClosing };
    const agg: AggregateExpr = {
      kind: 'AggregateExpr',
      op,
      expr: placeholder(pr),
      param: null,
      grouping,
      without,
      posRange: pr,
    };
    if (args.length === 0) {
      this.addError(pr, 'no arguments for aggregate expression provided');
      return agg;
    }
    const want = aggregatorWithParam(op) ? 2 : 1;
    if (want === 2) agg.param = args[0]!;
    if (args.length !== want) {
      this.addError(
        pr,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
      return agg;
    }
    agg.expr = args[want - 1]!;
    return agg;
  }

  private parseVectorSelector(): VectorSelector {
    const t = this.peek();
    let name = '';
    let start = t.pos;
    let end: number;
    let matchers: Matcher[] = [];
    if (t.typ !== Tok.LEFT_BRACE) {
      this.advance();
      name = t.val;
      end = t.pos + t.val.length;
      if (this.peek().typ === Tok.LEFT_BRACE) {
        const r = this.parseLabelMatchers();
        matchers = r.matchers;
        end = r.end;
      }
    } else {
      const r = this.parseLabelMatchers();
      matchers = r.matchers;
      start = t.pos;
      end = r.end;
    }
    if (name !== '') matchers.push(new Matcher(MatchType.Equal, METRIC_NAME, name));
    return {
      kind: 'VectorSelector',
      name,
      originalOffset: 0,
      offset: 0,
      timestamp: null,
      startOrEnd: null,
      labelMatchers: matchers,
      posRange: { start, end },
    };
  }

  private parseLabelMatchers(): { matchers: Matcher[]; end: number } {
    this.advance(); // {
    const matchers: Matcher[] = [];
    for (;;) {
      let t = this.peek();
      if (t.typ === Tok.RIGHT_BRACE) {
        this.advance();
        return { matchers, end: t.pos + 1 };
      }
      if (t.typ !== Tok.IDENTIFIER) this.unexpected('label matching', 'identifier or "}"');
      const label = this.advance();
      const opTok = this.peek();
      const mt = MATCH_OPS[opTok.typ];
      if (mt === undefined) this.unexpected('label matching', 'label matching operator');
      this.advance();
      const valTok = this.peek();
      if (valTok.typ !== Tok.STRING) this.unexpected('label matching', 'string');
      this.advance();
      const value = this.unquote(valTok);
      try {
        matchers.push(new Matcher(mt, label.val, value));
      } catch (e) {
        this.addError(
          { start: label.pos, end: valTok.pos + valTok.val.length },
          (e as Error).message,
        );
      }
      t = this.peek();
      if (t.typ === Tok.COMMA) {
        this.advance();
        if (this.peek().typ !== Tok.RIGHT_BRACE && this.peek().typ !== Tok.IDENTIFIER) {
          this.unexpected('label matching', 'identifier or "}"');
        }
        continue;
      }
      if (t.typ !== Tok.RIGHT_BRACE) this.unexpected('label matching', '"," or "}"');
    }
  }

  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.typ === Tok.LEFT_BRACKET) e = this.parseRange(e);
      else if (t.typ === Tok.OFFSET) this.parseOffset(e);
      else if (t.typ === Tok.AT) this.parseAt(e);
      else return e;
    }
  }

  private parseRange(e: Expr): Expr {
    const lb = this.advance();
    const d = this.peek();
    if (d.typ !== Tok.DURATION) this.unexpected('subquery selector', 'duration');
    this.advance();
    const range = this.duration(d);
    const n = this.peek();
    if (n.typ === Tok.RIGHT_BRACKET) {
      this.advance();
      let msg = '';
      if (e.kind !== 'VectorSelector') msg = 'ranges only allowed for vector selectors';
      else if (e.originalOffset !== 0) msg = 'no offset modifiers allowed before range';
      else if (e.timestamp !== null) msg = 'no @ modifiers allowed before range';
      if (msg !== '') this.addError({ start: lb.pos, end: n.pos + 1 }, msg);
      const ms: MatrixSelector = {
        kind: 'MatrixSelector',
        vectorSelector: e,
        range,
        endPos: this.lastClosing,
      };
      return ms;
    }
    if (n.typ !== Tok.COLON) this.unexpected('subquery or range', '":" or "]"');
    this.advance();
    let step = 0;
    if (this.peek().typ === Tok.DURATION) {
      step = this.duration(this.advance());
      if (this.peek().typ !== Tok.RIGHT_BRACKET) this.unexpected('subquery selector', '"]"');
    } else if (this.peek().typ !== Tok.RIGHT_BRACKET) {
      this.unexpected('subquery selector', 'duration or "]"');
    }
    const rb = this.advance();
    const sq: SubqueryExpr = {
      kind: 'SubqueryExpr',
      expr: e,
      range,
      originalOffset: 0,
      offset: 0,
      timestamp: null,
      startOrEnd: null,
      step,
      endPos: rb.pos + 1,
    };
    return sq;
  }

  private parseOffset(e: Expr): void {
    this.advance();
    let neg = false;
    if (this.peek().typ === Tok.SUB) {
      this.advance();
      neg = true;
    }
    const d = this.peek();
    if (d.typ !== Tok.DURATION) this.unexpected('offset', 'duration');
    this.advance();
    let off = this.duration(d);
    if (neg) off = -off;

    let target: VectorSelector | SubqueryExpr;
    if (e.kind === 'VectorSelector') target = e;
    else if (e.kind === 'SubqueryExpr') target = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') {
        this.addError(posRange(e), 'ranges only allowed for vector selectors');
        return;
      }
      target = e.vectorSelector;
    } else {
      this.addError(
        posRange(e),
        'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
      return;
    }
    if (target.originalOffset !== 0) {
      this.addError(posRange(e), 'offset may not be set multiple times');
    } else {
      target.originalOffset = off;
      target.offset = off;
    }
    this.setEnd(e);
  }

  private setEnd(e: Expr): void {
    if (e.kind === 'VectorSelector')
      e.posRange = { start: e.posRange.start, end: this.lastClosing };
    else if (e.kind === 'MatrixSelector' || e.kind === 'SubqueryExpr') e.endPos = this.lastClosing;
  }

  private parseAt(e: Expr): void {
    this.advance();
    const t = this.peek();
    let ts: number | null = null;
    let preproc: 'start' | 'end' | null = null;
    if (t.typ === Tok.NUMBER) {
      this.advance();
      ts = this.number(t);
    } else if (t.typ === Tok.ADD || t.typ === Tok.SUB) {
      this.advance();
      if (this.peek().typ !== Tok.NUMBER) this.unexpected('@', 'timestamp');
      ts = this.number(this.advance());
      if (t.typ === Tok.SUB) ts = -ts;
    } else if (t.typ === Tok.START || t.typ === Tok.END) {
      this.advance();
      if (this.peek().typ !== Tok.LEFT_PAREN) this.unexpected('@', 'timestamp');
      this.advance();
      if (this.peek().typ !== Tok.RIGHT_PAREN) this.unexpected('@', 'timestamp');
      this.advance();
      preproc = t.typ === Tok.START ? 'start' : 'end';
    } else {
      this.unexpected('@', 'timestamp');
    }

    if (
      ts !== null &&
      (!Number.isFinite(ts) || ts >= 9223372036854775807 || ts <= -9223372036854775808)
    ) {
      this.addError(posRange(e), `timestamp out of bounds for @ modifier: ${formatGoPercentF(ts)}`);
    }
    let target: VectorSelector | SubqueryExpr;
    if (e.kind === 'VectorSelector' || e.kind === 'SubqueryExpr') target = e;
    else if (e.kind === 'MatrixSelector') {
      if (e.vectorSelector.kind !== 'VectorSelector') {
        this.addError(posRange(e), 'ranges only allowed for vector selectors');
        return;
      }
      target = e.vectorSelector;
    } else {
      this.addError(
        posRange(e),
        '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
      );
      return;
    }
    if (target.timestamp !== null || target.startOrEnd !== null) {
      this.addError(posRange(e), '@ <timestamp> may not be set multiple times');
      return;
    }
    if (ts !== null) target.timestamp = roundHalfAway(ts * 1000);
    else target.startOrEnd = preproc;
    this.setEnd(e);
  }

  // ---- type checking (Prometheus's checkAST) ----

  /** Prometheus's checkAST: type-checks the tree, returning the node's type. */
  *check(node: Expr): Deep<ValueTypeName> {
    switch (node.kind) {
      case 'AggregateExpr':
        yield this.expectType(node.expr, 'vector', 'aggregation expression');
        if (node.op === 'topk' || node.op === 'bottomk' || node.op === 'quantile') {
          yield this.expectType(node.param!, 'scalar', 'aggregation parameter');
        }
        if (node.op === 'count_values')
          yield this.expectType(node.param!, 'string', 'aggregation parameter');
        return 'vector';
      case 'BinaryExpr':
        return (yield this.checkBinaryChain(node)) as ValueTypeName;
      case 'Call':
        yield this.checkCall(node);
        return node.func.returnType;
      case 'ParenExpr':
      case 'StepInvariantExpr':
        return (yield this.check(node.expr)) as ValueTypeName;
      case 'UnaryExpr': {
        const t = (yield this.check(node.expr)) as ValueTypeName;
        if (t !== 'scalar' && t !== 'vector') {
          this.addError(
            posRange(node),
            `unary expression only allowed on expressions of type scalar or instant vector, got ${goQuoteString(documentedType(t))}`,
          );
        }
        return t;
      }
      case 'SubqueryExpr': {
        const t = (yield this.check(node.expr)) as ValueTypeName;
        if (t !== 'vector')
          this.addError(
            posRange(node),
            `subquery is only allowed on instant vector, got ${t} instead`,
          );
        return 'matrix';
      }
      case 'MatrixSelector':
        yield this.check(node.vectorSelector);
        return 'matrix';
      case 'VectorSelector':
        this.checkSelector(node);
        return 'vector';
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
    }
  }

  /**
   * Checks a chain of binary expressions along its left spine without recursing into it, so
   * generated queries with thousands of terms do not exhaust the stack. The order of checks
   * (left operand, right operand, then the node) is the recursive one's.
   */
  private *checkBinaryChain(top: BinaryExpr): Deep<ValueTypeName> {
    const spine: BinaryExpr[] = [top];
    for (let n = top.lhs; n.kind === 'BinaryExpr'; n = n.lhs) spine.push(n);
    let lt = (yield this.check(spine[spine.length - 1]!.lhs)) as ValueTypeName;
    for (let i = spine.length - 1; i >= 0; i--) {
      const n = spine[i]!;
      const rt = (yield this.check(n.rhs)) as ValueTypeName;
      this.checkBinary(n, lt, rt);
      lt = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    }
    return lt;
  }

  private *expectType(node: Expr, want: ValueTypeName, context: string): Deep<void> {
    const t = (yield this.check(node)) as ValueTypeName;
    if (t !== want)
      this.addError(
        posRange(node),
        `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`,
      );
  }

  private opRange(n: BinaryExpr): PositionRange {
    let start = posRange(n.lhs).end;
    while (start < this.input.length && isSpaceCode(this.input.charCodeAt(start))) start++;
    let end = posRange(n.rhs).start - 1;
    while (end > 0 && isSpaceCode(this.input.charCodeAt(end))) end--;
    return { start, end };
  }

  private checkBinary(n: BinaryExpr, lt: ValueTypeName, rt: ValueTypeName): void {
    if (n.returnBool && !isComparison(n.op))
      this.addError(this.opRange(n), 'bool modifier can only be used on comparison operators');
    if (isComparison(n.op) && !n.returnBool && rt === 'scalar' && lt === 'scalar') {
      this.addError(this.opRange(n), 'comparisons between scalars must use BOOL modifier');
    }
    const vm = n.vectorMatching;
    if (vm !== null) {
      if (isSetOperator(n.op) && vm.card === 'one-to-one') vm.card = 'many-to-many';
      if (vm.on) {
        for (const l1 of vm.matchingLabels) {
          if (vm.include.includes(l1))
            this.addError(
              this.opRange(n),
              `label ${goQuoteString(l1)} must not occur in ON and GROUP clause at once`,
            );
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector')
      this.addError(
        posRange(n.lhs),
        'binary expression must contain only scalar and instant vector types',
      );
    if (rt !== 'scalar' && rt !== 'vector')
      this.addError(
        posRange(n.rhs),
        'binary expression must contain only scalar and instant vector types',
      );
    if ((lt !== 'vector' || rt !== 'vector') && vm !== null) {
      if (vm.matchingLabels.length > 0)
        this.addError(posRange(n), 'vector matching only allowed between instant vectors');
      n.vectorMatching = null;
    } else if (isSetOperator(n.op) && vm !== null) {
      if (vm.card === 'one-to-many' || vm.card === 'many-to-one')
        this.addError(posRange(n), `no grouping allowed for ${goQuoteString(n.op)} operation`);
      if (vm.card !== 'many-to-many')
        this.addError(posRange(n), 'set operations must always be many-to-many');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOperator(n.op)) {
      this.addError(
        posRange(n),
        `set operator ${goQuoteString(n.op)} not allowed in binary scalar expression`,
      );
    }
  }

  private *checkCall(n: Call): Deep<void> {
    const f = n.func;
    const nargs = f.argTypes.length;
    if (f.variadic === 0) {
      if (nargs !== n.args.length)
        this.addError(
          n.posRange,
          `expected ${nargs} argument(s) in call to ${goQuoteString(f.name)}, got ${n.args.length}`,
        );
    } else {
      const na = nargs - 1;
      if (na > n.args.length) {
        this.addError(
          n.posRange,
          `expected at least ${na} argument(s) in call to ${goQuoteString(f.name)}, got ${n.args.length}`,
        );
      } else if (f.variadic > 0 && na + f.variadic < n.args.length) {
        this.addError(
          n.posRange,
          `expected at most ${na + f.variadic} argument(s) in call to ${goQuoteString(f.name)}, got ${n.args.length}`,
        );
      }
    }
    for (let i = 0; i < n.args.length; i++) {
      let idx = i;
      if (i >= nargs) {
        if (f.variadic === 0) break;
        idx = nargs - 1;
      }
      yield this.expectType(
        n.args[i]!,
        f.argTypes[idx]!,
        `call to function ${goQuoteString(f.name)}`,
      );
    }
  }

  private checkSelector(n: VectorSelector): void {
    if (n.name !== '') {
      const ms = n.labelMatchers;
      for (let i = 0; i < ms.length - 1; i++) {
        const m = ms[i]!;
        if (m.name === METRIC_NAME) {
          this.addError(
            n.posRange,
            `metric name must not be set twice: ${goQuoteString(n.name)} or ${goQuoteString(m.value)}`,
          );
        }
      }
      return;
    }
    if (!n.labelMatchers.some((m) => !m.matches(''))) {
      this.addError(n.posRange, 'vector selector must contain at least one non-empty matcher');
    }
  }

  run<T>(f: () => T): T | null {
    try {
      return f();
    } catch (e) {
      if (e instanceof Abort) return null;
      throw e;
    }
  }
}

/** Go's %f: six decimals, +Inf/-Inf/NaN spelled as Go does. */

/** Go's math.Round: halves away from zero. */
function roundHalfAway(v: number): number {
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return r === 0 ? 0 : r;
}

function placeholder(pr: PositionRange): NumberLiteral {
  return { kind: 'NumberLiteral', val: NaN, posRange: pr };
}

/** Parses a PromQL expression; throws ParseErrors (message = the first error, Prometheus-style). */
export function parseExpr(input: string): Expr {
  const p = new Parser(input);
  const e = p.run(() => p.parseTop());
  if (p.errors.length === 0 && e !== null) runDeep(p.check(e));
  if (p.errors.length > 0 || e === null) throw new ParseErrors(p.errors);
  return e;
}

/** Parses a series selector such as `foo{a="b"}` (the API's match[]) into its matchers. */
export function parseMetricSelector(input: string): Matcher[] {
  const p = new Parser(input);
  const vs = p.run(() => p.parseSelectorTop());
  if (p.errors.length > 0 || vs === null) throw new ParseErrors(p.errors);
  return vs.labelMatchers;
}

export type { VectorMatchCardinality };
