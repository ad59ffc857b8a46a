// Parse errors worded and positioned as Prometheus's: "<line>:<col>: parse error: <msg>",
// the column counted in UTF-8 bytes from the start of the line, starting at 1.
import type { PositionRange } from './ast.js';

const encoder = new TextEncoder();

/** Prometheus's PositionRange.StartPosInput: "line:col" of the range's start. */
export function startPosInput(query: string, start: number, lineOffset = 0): string {
  if (query === '') return 'unknown position';
  if (start < 0 || start > query.length) return 'invalid position';
  let line = lineOffset + 1;
  let lastBreak = -1;
  for (let i = 0; i < start; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  const lineText = query.slice(lastBreak + 1, start);
  return `${line}:${encoder.encode(lineText).length + 1}`;
}

export class ParseErr extends Error {
  readonly positionRange: PositionRange;
  readonly err: string;
  readonly query: string;
  /** Extra lines to add to the reported line, for queries embedded in a file. */
  lineOffset: number;

  constructor(positionRange: PositionRange, err: string, query: string, lineOffset = 0) {
    super();
    this.name = 'ParseErr';
    this.positionRange = positionRange;
    this.err = err;
    this.query = query;
    this.lineOffset = lineOffset;
    Object.defineProperty(this, 'message', {
      get: () => this.toString(),
      enumerable: false,
      configurable: true,
    });
  }

  override toString(): string {
    return `${startPosInput(this.query, this.positionRange.start, this.lineOffset)}: parse error: ${this.err}`;
  }
}

/** All errors of one parse; its message is the first one's, as in Prometheus. */
export class ParseErrors extends Error {
  readonly errors: ParseErr[];

  constructor(errors: ParseErr[]) {
    super();
    this.name = 'ParseErrors';
    this.errors = errors;
    Object.defineProperty(this, 'message', {
      get: () => this.toString(),
      enumerable: false,
      configurable: true,
    });
  }

  get length(): number {
    return this.errors.length;
  }

  [Symbol.iterator](): Iterator<ParseErr> {
    return this.errors[Symbol.iterator]();
  }

  override toString(): string {
    return this.errors.length > 0 ? this.errors[0]!.toString() : 'error contains no error message';
  }
}
