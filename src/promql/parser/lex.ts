// The PromQL lexer. It tracks the same context Prometheus's lexer does (open parentheses,
// braces, brackets, the colon of a subquery) because the token stream and the wording of its
// errors depend on it: inside braces words are plain identifiers, inside brackets a duration
// comes first and any letter after it is taken as the subquery colon.
// Why this file is long: one lexer, whose token rules share the position and the open context.

export const enum Tok {
  EOF,
  ERROR,
  COMMENT,
  IDENTIFIER,
  METRIC_IDENTIFIER,
  NUMBER,
  STRING,
  DURATION,
  LEFT_PAREN,
  RIGHT_PAREN,
  LEFT_BRACE,
  RIGHT_BRACE,
  LEFT_BRACKET,
  RIGHT_BRACKET,
  COMMA,
  EQL,
  COLON,
  // operators
  ADD,
  SUB,
  MUL,
  DIV,
  MOD,
  POW,
  EQLC,
  NEQ,
  LTE,
  LSS,
  GTE,
  GTR,
  EQL_REGEX,
  NEQ_REGEX,
  LAND,
  LOR,
  LUNLESS,
  ATAN2,
  AT,
  // aggregators
  SUM,
  AVG,
  COUNT,
  MIN,
  MAX,
  GROUP,
  STDDEV,
  STDVAR,
  TOPK,
  BOTTOMK,
  COUNT_VALUES,
  QUANTILE,
  // keywords
  OFFSET,
  BY,
  WITHOUT,
  ON,
  IGNORING,
  GROUP_LEFT,
  GROUP_RIGHT,
  BOOL,
  // preprocessors
  START,
  END,
}

export interface Token {
  typ: Tok;
  pos: number;
  val: string;
}

export const KEYWORDS: ReadonlyMap<string, Tok> = new Map<string, Tok>([
  ['and', Tok.LAND],
  ['or', Tok.LOR],
  ['unless', Tok.LUNLESS],
  ['atan2', Tok.ATAN2],
  ['sum', Tok.SUM],
  ['avg', Tok.AVG],
  ['count', Tok.COUNT],
  ['min', Tok.MIN],
  ['max', Tok.MAX],
  ['group', Tok.GROUP],
  ['stddev', Tok.STDDEV],
  ['stdvar', Tok.STDVAR],
  ['topk', Tok.TOPK],
  ['bottomk', Tok.BOTTOMK],
  ['count_values', Tok.COUNT_VALUES],
  ['quantile', Tok.QUANTILE],
  ['offset', Tok.OFFSET],
  ['by', Tok.BY],
  ['without', Tok.WITHOUT],
  ['on', Tok.ON],
  ['ignoring', Tok.IGNORING],
  ['group_left', Tok.GROUP_LEFT],
  ['group_right', Tok.GROUP_RIGHT],
  ['bool', Tok.BOOL],
  ['start', Tok.START],
  ['end', Tok.END],
  ['inf', Tok.NUMBER],
  ['nan', Tok.NUMBER],
]);

const PUNCT_TEXT: Partial<Record<Tok, string>> = {
  [Tok.LEFT_PAREN]: '(',
  [Tok.RIGHT_PAREN]: ')',
  [Tok.LEFT_BRACE]: '{',
  [Tok.RIGHT_BRACE]: '}',
  [Tok.LEFT_BRACKET]: '[',
  [Tok.RIGHT_BRACKET]: ']',
  [Tok.COMMA]: ',',
  [Tok.EQL]: '=',
  [Tok.COLON]: ':',
};

export function isOperator(t: Tok): boolean {
  return t >= Tok.ADD && t <= Tok.AT;
}
export function isAggregator(t: Tok): boolean {
  return t >= Tok.SUM && t <= Tok.QUANTILE;
}
export function isKeyword(t: Tok): boolean {
  return t >= Tok.OFFSET && t <= Tok.BOOL;
}

/** Go's %q of a string (strconv.Quote); `maxRunes` truncates first like %.10q. */
export function goQuoteString(s: string, maxRunes = -1): string {
  let src = s;
  if (maxRunes >= 0) src = Array.from(s).slice(0, maxRunes).join('');
  let out = '"';
  for (const ch of src) out += escapeRune(ch, '"');
  return out + '"';
}

/** Go's %q of a rune: '$', '\n', '\x00'. */
export function goQuoteRune(ch: string): string {
  return `'${escapeRune(ch, "'")}'`;
}

function escapeRune(ch: string, quote: string): string {
  const c = ch.codePointAt(0)!;
  if (ch === quote || ch === '\\') return '\\' + ch;
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
  }
  if (c < 0x20 || c === 0x7f) return '\\x' + c.toString(16).padStart(2, '0');
  if (c >= 0x80 && !GO_PRINTABLE.test(ch))
    return c < 0x10000
      ? '\\u' + c.toString(16).padStart(4, '0')
      : '\\U' + c.toString(16).padStart(8, '0');
  return ch;
}

// Go's unicode.IsPrint beyond ASCII.
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's %#U: U+0041 'A'. */
function goRuneU(ch: string): string {
  const c = ch.codePointAt(0)!;
  const u = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const printable = (c >= 0x20 && c < 0x7f) || (c >= 0x80 && GO_PRINTABLE.test(ch));
  return printable ? `${u} '${ch}'` : u;
}

/** How an item is named in "unexpected …" errors, as Prometheus's Item.desc() words it. */
export function describeToken(t: Token): string {
  if (t.typ === Tok.EOF) return 'end of input';
  if (t.typ === Tok.ERROR) return t.val;
  const punct = PUNCT_TEXT[t.typ];
  if (punct !== undefined) return goQuoteString(punct);
  // Prometheus has no text for '@', so its message names the token's internal number (2.48's).
  if (t.typ === Tok.AT) return `"<Item 57398>" <op:@>`;
  if (isKeyword(t.typ)) return `<${t.val.toLowerCase()}>`;
  if (isOperator(t.typ)) return `<op:${isWord(t.typ) ? t.val.toLowerCase() : t.val}>`;
  if (isAggregator(t.typ)) return `<aggr:${t.val.toLowerCase()}>`;
  if (t.typ === Tok.START || t.typ === Tok.END) return goQuoteString(t.val.toLowerCase());
  const quoted =
    t.val.length > 10 && t.typ !== Tok.IDENTIFIER && t.typ !== Tok.METRIC_IDENTIFIER
      ? goQuoteString(t.val, 10) + '...'
      : goQuoteString(t.val);
  switch (t.typ) {
    case Tok.IDENTIFIER:
      return `identifier ${quoted}`;
    case Tok.METRIC_IDENTIFIER:
      return `metric identifier ${quoted}`;
    case Tok.STRING:
      return `string ${quoted}`;
    case Tok.NUMBER:
      return `number ${quoted}`;
    case Tok.DURATION:
      return `duration ${quoted}`;
    case Tok.COMMENT:
      return `comment ${quoted}`;
  }
  return quoted;
}

function isWord(t: Tok): boolean {
  return t === Tok.LAND || t === Tok.LOR || t === Tok.LUNLESS || t === Tok.ATAN2;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isAlpha(c: string): boolean {
  return c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isAlphaNumeric(c: string): boolean {
  return isAlpha(c) || isDigit(c);
}

/** True for a valid label name in grouping clauses (no colons, not starting with a digit). */
export function isLabel(s: string): boolean {
  if (s.length === 0 || !isAlpha(s[0]!)) return false;
  for (let i = 1; i < s.length; i++) if (!isAlphaNumeric(s[i]!)) return false;
  return true;
}

const EOF_CH = '';

export class Lexer {
  readonly input: string;
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private done = false;
  /** Start of the item that failed, for the error's position. */
  errorStart = 0;

  constructor(input: string) {
    this.input = input;
  }

  private next(): string {
    if (this.pos >= this.input.length) {
      this.pos = this.input.length + 1; // so backup() returns to the end
      return EOF_CH;
    }
    return this.input[this.pos++]!;
  }
  private backup(): void {
    this.pos--;
  }
  private peek(): string {
    return this.pos < this.input.length ? this.input[this.pos]! : EOF_CH;
  }
  private accept(valid: string): boolean {
    const c = this.peek();
    if (c !== EOF_CH && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private acceptRun(valid: string): void {
    while (this.accept(valid));
  }
  private emit(typ: Tok): Token {
    const t: Token = { typ, pos: this.start, val: this.input.slice(this.start, this.pos) };
    this.start = this.pos;
    return t;
  }
  private error(msg: string): Token {
    this.done = true;
    this.errorStart = this.start;
    return { typ: Tok.ERROR, pos: this.start, val: msg };
  }

  /** The next item, comments included. After EOF or an error it keeps returning EOF. */
  nextItem(): Token {
    if (this.done) return { typ: Tok.EOF, pos: this.input.length, val: '' };
    for (;;) {
      if (this.braceOpen) {
        const t = this.lexInsideBraces();
        if (t !== null) return t;
        continue;
      }
      if (this.input.startsWith('#', this.pos)) return this.lexComment();
      const r = this.next();
      if (r === EOF_CH) {
        this.pos = this.input.length;
        if (this.parenDepth !== 0) return this.error('unclosed left parenthesis');
        if (this.bracketOpen) return this.error('unclosed left bracket');
        this.done = true;
        return this.emit(Tok.EOF);
      }
      if (isSpace(r)) {
        this.skipSpaces();
        continue;
      }
      switch (r) {
        case ',':
          return this.emit(Tok.COMMA);
        case '*':
          return this.emit(Tok.MUL);
        case '/':
          return this.emit(Tok.DIV);
        case '%':
          return this.emit(Tok.MOD);
        case '+':
          return this.emit(Tok.ADD);
        case '-':
          return this.emit(Tok.SUB);
        case '^':
          return this.emit(Tok.POW);
        case '=': {
          const t = this.peek();
          if (t === '=') {
            this.pos++;
            return this.emit(Tok.EQLC);
          }
          if (t === '~') return this.error(`unexpected character after '=': ${goQuoteRune(t)}`);
          return this.emit(Tok.EQL);
        }
        case '!': {
          const t = this.next();
          if (t === '=') return this.emit(Tok.NEQ);
          return this.error(
            `unexpected character after '!': ${goQuoteRune(t === EOF_CH ? '\uFFFD' : t)}`,
          );
        }
        case '<':
          if (this.peek() === '=') {
            this.pos++;
            return this.emit(Tok.LTE);
          }
          return this.emit(Tok.LSS);
        case '>':
          if (this.peek() === '=') {
            this.pos++;
            return this.emit(Tok.GTE);
          }
          return this.emit(Tok.GTR);
        case '"':
        case "'":
          return this.lexString(r);
        case '`':
          return this.lexRawString();
        case '(':
          this.parenDepth++;
          return this.emit(Tok.LEFT_PAREN);
        case ')': {
          const t = this.emit(Tok.RIGHT_PAREN);
          this.parenDepth--;
          // The error replaces the paren and points just after it, as in Prometheus.
          if (this.parenDepth < 0) return this.error(`unexpected right parenthesis ')'`);
          return t;
        }
        case '{':
          this.braceOpen = true;
          return this.emit(Tok.LEFT_BRACE);
        case '[': {
          if (this.bracketOpen) return this.error(`unexpected left bracket '['`);
          this.gotColon = false;
          const t = this.emit(Tok.LEFT_BRACKET);
          this.skipSpaces();
          this.bracketOpen = true;
          this.durationNext = true;
          return t;
        }
        case ']':
          if (!this.bracketOpen) return this.error(`unexpected right bracket ']'`);
          this.bracketOpen = false;
          return this.emit(Tok.RIGHT_BRACKET);
        case '@':
          return this.emit(Tok.AT);
      }
      if (isDigit(r) || (r === '.' && isDigit(this.peek()))) {
        this.backup();
        return this.lexNumberOrDuration();
      }
      if (isAlpha(r) || r === ':') {
        if (!this.bracketOpen) {
          this.backup();
          return this.lexKeywordOrIdentifier();
        }
        if (this.gotColon) return this.error(`unexpected colon ${goQuoteRune(r)}`);
        this.gotColon = true;
        return this.emit(Tok.COLON);
      }
      return this.error(
        `unexpected character: ${goQuoteRune(r === EOF_CH ? '\0' : String.fromCodePoint(this.input.codePointAt(this.pos - 1)!))}`,
      );
    }
  }

  private durationNext = false;

  /** The next item; right after '[' a duration is lexed first. */
  nextToken(): Token {
    if (this.durationNext && !this.done) {
      this.durationNext = false;
      return this.lexDuration();
    }
    return this.nextItem();
  }

  private skipSpaces(): void {
    while (isSpace(this.peek())) this.pos++;
    this.start = this.pos;
  }

  private lexComment(): Token {
    this.pos++;
    while (
      this.pos < this.input.length &&
      this.input[this.pos] !== '\n' &&
      this.input[this.pos] !== '\r'
    )
      this.pos++;
    return this.emit(Tok.COMMENT);
  }

  private lexInsideBraces(): Token | null {
    if (this.input.startsWith('#', this.pos)) return this.lexComment();
    const r = this.next();
    if (r === EOF_CH) {
      this.pos = this.input.length;
      return this.error('unexpected end of input inside braces');
    }
    if (isSpace(r)) {
      this.skipSpaces();
      return null;
    }
    if (isAlpha(r)) {
      while (isAlphaNumeric(this.peek())) this.pos++;
      return this.emit(Tok.IDENTIFIER);
    }
    switch (r) {
      case ',':
        return this.emit(Tok.COMMA);
      case '"':
      case "'":
        return this.lexString(r);
      case '`':
        return this.lexRawString();
      case '=':
        if (this.peek() === '~') {
          this.pos++;
          return this.emit(Tok.EQL_REGEX);
        }
        return this.emit(Tok.EQL);
      case '!': {
        const nr = this.next();
        if (nr === '~') return this.emit(Tok.NEQ_REGEX);
        if (nr === '=') return this.emit(Tok.NEQ);
        return this.error(
          `unexpected character after '!' inside braces: ${goQuoteRune(nr === EOF_CH ? '\uFFFD' : nr)}`,
        );
      }
      case '{':
        return this.error(`unexpected left brace '{'`);
      case '}':
        this.braceOpen = false;
        return this.emit(Tok.RIGHT_BRACE);
    }
    return this.error(
      `unexpected character inside braces: ${goQuoteRune(String.fromCodePoint(this.input.codePointAt(this.pos - 1)!))}`,
    );
  }

  private lexString(quote: string): Token {
    for (;;) {
      const c = this.next();
      if (c === '\\') {
        const err = this.lexEscape(quote);
        if (err !== null) return this.error(err);
        continue;
      }
      if (c === EOF_CH || c === '\n') {
        if (c === EOF_CH) this.pos = this.input.length;
        return this.error('unterminated quoted string');
      }
      if (c === quote) break;
    }
    return this.emit(Tok.STRING);
  }

  private lexRawString(): Token {
    for (;;) {
      const c = this.next();
      if (c === EOF_CH) {
        this.pos = this.input.length;
        return this.error('unterminated raw string');
      }
      if (c === '`') break;
    }
    return this.emit(Tok.STRING);
  }

  /** Validates one escape sequence as Prometheus's lexer does; returns the error or null. */
  private lexEscape(quote: string): string | null {
    let ch = this.next();
    let n: number;
    let base: number;
    let max: number;
    switch (ch) {
      case 'a':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
      case 'v':
      case '\\':
      case quote:
        return null;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
        n = 3;
        base = 8;
        max = 255;
        break;
      case 'x':
        ch = this.next();
        n = 2;
        base = 16;
        max = 255;
        break;
      case 'u':
        ch = this.next();
        n = 4;
        base = 16;
        max = 0x10ffff;
        break;
      case 'U':
        ch = this.next();
        n = 8;
        base = 16;
        max = 0x10ffff;
        break;
      case EOF_CH:
        return 'escape sequence not terminated';
      default:
        return `unknown escape sequence ${goRuneU(String.fromCodePoint(this.input.codePointAt(this.pos - 1)!))}`;
    }
    let x = 0;
    while (n > 0) {
      const d = ch === EOF_CH ? 16 : parseInt(ch, 16);
      if (Number.isNaN(d) || d >= base) {
        if (ch === EOF_CH) return 'escape sequence not terminated';
        return `illegal character ${goRuneU(ch)} in escape sequence`;
      }
      x = x * base + d;
      n--;
      if (n > 0) ch = this.next();
    }
    if (x > max || (x >= 0xd800 && x < 0xe000))
      return 'escape sequence is an invalid Unicode code point';
    return null;
  }

  /** Scans a number's characters; true when what follows cannot continue a word. */
  private scanNumber(): boolean {
    let digits = '0123456789';
    if (this.accept('0') && this.accept('xX')) digits = '0123456789abcdefABCDEF';
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789');
    }
    return !isAlphaNumeric(this.peek());
  }

  private acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      this.acceptRun('0123456789');
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    // Like Prometheus, consume the following character; callers back up on success so a
    // failure quotes it.
    const c = this.next();
    return c === EOF_CH || !isAlphaNumeric(c);
  }

  private lexNumberOrDuration(): Token {
    if (this.scanNumber()) return this.emit(Tok.NUMBER);
    if (this.acceptRemainingDuration()) {
      this.backup();
      return this.emit(Tok.DURATION);
    }
    return this.error(
      `bad number or duration syntax: ${goQuoteString(this.input.slice(this.start, Math.min(this.pos, this.input.length)))}`,
    );
  }

  private lexDuration(): Token {
    if (this.scanNumber()) return this.error('missing unit character in duration');
    if (!this.acceptRemainingDuration()) {
      return this.error(
        `bad duration syntax: ${goQuoteString(this.input.slice(this.start, Math.min(this.pos, this.input.length)))}`,
      );
    }
    this.backup();
    return this.emit(Tok.DURATION);
  }

  private lexKeywordOrIdentifier(): Token {
    for (;;) {
      const c = this.peek();
      if (c !== EOF_CH && (isAlphaNumeric(c) || c === ':')) this.pos++;
      else break;
    }
    const word = this.input.slice(this.start, this.pos);
    const kw = KEYWORDS.get(word.toLowerCase());
    if (kw !== undefined) return this.emit(kw);
    if (!word.includes(':')) return this.emit(Tok.IDENTIFIER);
    return this.emit(Tok.METRIC_IDENTIFIER);
  }
}
