// Parsers of the exposition formats a scrape receives: Prometheus text 0.0.4 and OpenMetrics
// 1.0 (chosen by Content-Type, as Prometheus chooses). They walk the body line by line without
// building labels: a series line yields its raw series text (the scrape cache's key), value and
// timestamp; labels are parsed only when the caller asks (a series not seen before). Numbers are
// read in place from the string.
import { Labels, LabelsBuilder } from '../labels/index.js';
import type { MetricType } from './metric_type.js';
import { parseGoFloat } from '../value/index.js';
import { goQuoteBytes, isEscapedByte } from './utf8.js';

export type Entry = 'series' | 'type' | 'help' | 'unit' | 'comment';

export class TextParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'TextParseError';
  }
}

export interface Exemplar {
  labels: Labels;
  value: number;
  /** ms, or null when the exemplar has none. */
  ts: number | null;
}

const PROM_TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OM_TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= 48 && c <= 57);
}

/** Go's %q of a string, for error texts. */
function q(s: string): string {
  return JSON.stringify(s);
}

export class TextParser {
  private pos = 0;
  private lineNo = 0;
  private lineStart = 0;
  private lineEnd = 0;
  private sawEOF = false;
  // Current entry.
  private seriesStart = 0;
  private seriesEnd = 0;
  private nameEnd = 0;
  private val = 0;
  private ts: number | null = null;
  private metaName = '';
  private metaText = '';
  private metaType: MetricType = 'unknown';
  private exemplarStart = -1;
  /** The series text the caller expects on the next series line, and whether the current one was it. */
  private expected = '';
  private matchedExpected = false;

  constructor(
    private readonly b: string,
    readonly openMetrics: boolean,
  ) {}

  /** Advances to the next entry; null at the end of the body. Throws TextParseError. */
  next(): Entry | null {
    const b = this.b;
    for (;;) {
      if (this.pos >= b.length) {
        if (this.openMetrics && !this.sawEOF) throw this.err('data does not end with # EOF');
        return null;
      }
      if (this.sawEOF) throw this.err('unexpected data after # EOF');
      this.lineNo++;
      this.lineStart = this.pos;
      let nl = b.indexOf('\n', this.pos);
      if (nl < 0) {
        if (this.openMetrics) throw this.err('data does not end with # EOF');
        nl = b.length;
      }
      this.lineEnd = nl;
      this.pos = nl + 1;
      let i = this.lineStart;
      const end = nl;
      if (!this.openMetrics) {
        // Text format: leading blanks and empty lines are allowed; a CR before LF is not special.
        while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
        if (i === end) continue;
      } else if (i === end) {
        throw this.err('expected a valid start token, got "\\n" ("INVALID") while parsing: "\\n"');
      }
      const c = b.charCodeAt(i);
      if (c === 35 /* # */) {
        const e = this.comment(i + 1, end);
        if (e !== null) return e;
        continue;
      }
      if (!isNameStart(c)) {
        if (this.openMetrics)
          throw this.err(
            `expected a valid start token, got ${q(b.slice(i, i + 1))} ("INVALID") while parsing: ${q(b.slice(i, i + 1))}`,
          );
        throw this.err(`${q(b.slice(i, end))} is not a valid start token`);
      }
      this.seriesLine(i, end);
      return 'series';
    }
  }

  private err(msg: string): TextParseError {
    return new TextParseError(msg, this.lineNo);
  }

  /** Handles `# HELP`, `# TYPE`, `# UNIT`, `# EOF` and plain comments (returns null to skip). */
  private comment(i: number, end: number): Entry | null {
    const b = this.b;
    const om = this.openMetrics;
    if (!om) while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
    else if (b.charCodeAt(i) !== 32) {
      if (i === end) return 'comment';
      return 'comment';
    } else i++;
    let w = i;
    while (w < end && b.charCodeAt(w) !== 32 && b.charCodeAt(w) !== 9) w++;
    const word = b.slice(i, w);
    if (om && word === 'EOF' && w === end) {
      this.sawEOF = true;
      return null;
    }
    if (word !== 'HELP' && word !== 'TYPE' && (word !== 'UNIT' || !om))
      return om ? this.omComment() : 'comment';
    let p = w;
    if (om) {
      if (b.charCodeAt(p) !== 32)
        throw this.err(`expected metric name after ${word}, got ${q(b.slice(p, p + 1))}`);
      p++;
    } else {
      while (p < end && (b.charCodeAt(p) === 32 || b.charCodeAt(p) === 9)) p++;
    }
    const ns = p;
    if (p >= end || !isNameStart(b.charCodeAt(p)))
      throw this.err(
        `expected metric name after ${word}, got ${q(b.slice(p, end))} ("INVALID") while parsing: ${q(b.slice(this.lineStart, end))}`,
      );
    while (p < end && isNameChar(b.charCodeAt(p))) p++;
    this.metaName = b.slice(ns, p);
    let text = '';
    if (p < end) {
      const sep = b.charCodeAt(p);
      if (sep !== 32 && sep !== 9) throw this.err(`expected text in ${word}`);
      p++;
      if (!om) while (p < end && (b.charCodeAt(p) === 32 || b.charCodeAt(p) === 9)) p++;
      text = b.slice(p, end);
    } else if (word !== 'HELP') {
      throw this.err(`expected text in ${word}`);
    }
    switch (word) {
      case 'HELP':
        this.metaText = unescapeHelp(text, om);
        return 'help';
      case 'TYPE': {
        const t = om ? text : text.trimEnd();
        if (!(om ? OM_TYPES : PROM_TYPES).has(t)) throw this.err(`invalid metric type ${q(t)}`);
        this.metaType = (t === 'untyped' ? 'unknown' : t) as MetricType;
        return 'type';
      }
      default:
        this.metaText = text;
        if (text !== '' && !this.metaName.endsWith('_' + text) && !this.metaName.endsWith(text)) {
          throw this.err(`unit ${q(text)} not a suffix of metric ${q(this.metaName)}`);
        }
        return 'unit';
    }
  }

  private omComment(): Entry {
    return 'comment';
  }

  /** `name{labels} value [timestamp] [# {exemplar labels} value [timestamp]]` */
  private seriesLine(i: number, end: number): void {
    const b = this.b;
    const om = this.openMetrics;
    this.seriesStart = i;
    const x = this.expected;
    this.expected = '';
    // A series text that ends with its label set and starts this line is this series: it parsed
    // before (the caller saw it), so neither its name nor its labels need a second look.
    this.matchedExpected = x.length > 0 && x.charCodeAt(x.length - 1) === 125 && b.startsWith(x, i);
    if (this.matchedExpected) {
      this.nameEnd = -1; // found when asked
      i += x.length;
    } else {
      while (i < end && isNameChar(b.charCodeAt(i))) i++;
      this.nameEnd = i;
      if (!om) while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
      if (i < end && b.charCodeAt(i) === 123 /* { */) {
        i = this.skipLabels(i + 1, end);
      } else {
        i = this.nameEnd;
      }
    }
    this.seriesEnd = i;
    // value
    if (i >= end || (b.charCodeAt(i) !== 32 && b.charCodeAt(i) !== 9)) {
      throw this.err(
        `expected value after metric, got ${q(b.slice(i, end) || '\n')} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, end))}`,
      );
    }
    if (om && b.charCodeAt(i) !== 32)
      throw this.err(`expected value after metric, got ${q(b.slice(i, i + 1))}`);
    i++;
    if (!om) while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
    let ve = i;
    while (ve < end && b.charCodeAt(ve) !== 32 && b.charCodeAt(ve) !== 9) ve++;
    this.val = this.float(i, ve);
    i = ve;
    this.ts = null;
    this.exemplarStart = -1;
    if (!om) while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
    else if (i < end) i++; // the single space
    if (i >= end) return;
    if (om && b.charCodeAt(i) === 35) {
      this.exemplarStart = i;
      return;
    }
    let te = i;
    while (te < end && b.charCodeAt(te) !== 32 && b.charCodeAt(te) !== 9) te++;
    if (om) {
      const t = this.float(i, te);
      if (!Number.isFinite(t)) throw this.err(`invalid timestamp ${t}`);
      this.ts = omTimestamp(t);
    } else {
      this.ts = this.int(i, te);
    }
    i = te;
    if (!om) {
      while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
      if (i < end)
        throw this.err(
          `expected next entry after timestamp, got ${q(b.slice(i, end))} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, end))}`,
        );
    } else if (i < end) {
      if (b.charCodeAt(i) === 32 && b.charCodeAt(i + 1) === 35) this.exemplarStart = i + 1;
      else
        throw this.err(
          `expected next entry after timestamp, got ${q(b.slice(i, end))} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, end))}`,
        );
    }
  }

  /** Skips `a="b",c="d"}`; returns the index after the closing brace. Validates as it goes. */
  private skipLabels(i: number, end: number): number {
    const b = this.b;
    i = this.blanks(i, end);
    if (b.charCodeAt(i) === 125) return i + 1;
    for (;;) {
      i = this.blanks(i, end);
      if (i >= end || !isLabelStart(b.charCodeAt(i))) {
        if (!this.openMetrics && b.charCodeAt(i) === 125) return i + 1; // trailing comma
        throw this.err(
          `expected label name, got ${q(b.slice(i, i + 1) || '\n')} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, Math.min(i + 1, end)))}`,
        );
      }
      while (i < end && isLabelChar(b.charCodeAt(i))) i++;
      i = this.blanks(i, end);
      if (b.charCodeAt(i) !== 61 /* = */)
        throw this.err(
          `expected equal, got ${q(b.slice(i, i + 1) || '\n')} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, Math.min(i + 1, end)))}`,
        );
      i++;
      i = this.blanks(i, end);
      if (b.charCodeAt(i) !== 34 /* " */)
        throw this.err(
          `expected label value, got ${q(b.slice(i, i + 1) || '\n')} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, Math.min(i + 1, end)))}`,
        );
      const vs = i;
      i++;
      let badByte = false;
      for (;;) {
        if (i >= end)
          throw this.err(
            `expected label value, got "\\n" ("INVALID") while parsing: ${q(b.slice(this.seriesStart, end))}`,
          );
        const c = b.charCodeAt(i);
        if (c === 92 /* \ */) i += 2;
        else if (c === 34) break;
        else {
          if (c >= 0xdc00 && c <= 0xdfff && isEscapedByte(b, i)) badByte = true;
          i++;
        }
      }
      i++;
      if (badByte) throw this.err(`invalid UTF-8 label value: ${goQuoteBytes(b.slice(vs, i))}`);
      i = this.blanks(i, end);
      const c = b.charCodeAt(i);
      if (c === 44 /* , */) {
        i++;
        i = this.blanks(i, end);
        if (b.charCodeAt(i) === 125) {
          if (this.openMetrics)
            throw this.err(
              `expected label name, got "}" ("BCLOSE") while parsing: ${q(b.slice(this.seriesStart, i + 1))}`,
            );
          return i + 1;
        }
        continue;
      }
      if (c === 125) return i + 1;
      throw this.err(
        `expected comma, got ${q(b.slice(i, i + 1) || '\n')} ("INVALID") while parsing: ${q(b.slice(this.seriesStart, Math.min(i + 1, end)))}`,
      );
    }
  }

  /** Skips spaces and tabs (the text format allows them between tokens; OpenMetrics does not). */
  private blanks(i: number, end: number): number {
    if (this.openMetrics) return i;
    const b = this.b;
    while (i < end && (b.charCodeAt(i) === 32 || b.charCodeAt(i) === 9)) i++;
    return i;
  }

  private float(s: number, e: number): number {
    const b = this.b;
    // Fast path: plain decimal integers, the common case.
    let v = 0;
    let i = s;
    let neg = false;
    if (b.charCodeAt(i) === 45) {
      neg = true;
      i++;
    }
    if (i < e && e - i <= 15) {
      for (; i < e; i++) {
        const c = b.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      if (i === e) return neg ? -v : v;
    }
    const text = b.slice(s, e);
    if (/[pP_]/.test(text))
      throw this.err(
        `unsupported character in float while parsing: ${q(b.slice(this.seriesStart, e))}`,
      );
    const f = parseGoFloat(text);
    if (f === null) {
      if (text === '')
        throw this.err(
          `expected value after metric, got "\\n" ("INVALID") while parsing: ${q(b.slice(this.seriesStart, e))}`,
        );
      throw this.err(
        `strconv.ParseFloat: parsing ${q(text)}: invalid syntax while parsing: ${q(b.slice(this.seriesStart, e))}`,
      );
    }
    return f;
  }

  private int(s: number, e: number): number {
    const b = this.b;
    let v = 0;
    let i = s;
    let neg = false;
    if (b.charCodeAt(i) === 45) {
      neg = true;
      i++;
    } else if (b.charCodeAt(i) === 43) i++;
    if (i === e)
      throw this.err(
        `strconv.ParseInt: parsing ${q(b.slice(s, e))}: invalid syntax while parsing: ${q(b.slice(this.seriesStart, e))}`,
      );
    const digits = i;
    for (; i < e; i++) {
      const c = b.charCodeAt(i) - 48;
      if (c < 0 || c > 9)
        throw this.err(
          `strconv.ParseInt: parsing ${q(b.slice(s, e))}: invalid syntax while parsing: ${q(b.slice(this.seriesStart, e))}`,
        );
      v = v * 10 + c;
    }
    // Go's ParseInt(…, 10, 64): past int64 is an error. Doubles lose the exact value beyond 2^53,
    // so the range is decided on the digits.
    if (v >= 1e15) {
      if (!fitsInt64(b, digits, e, neg))
        throw this.err(
          `strconv.ParseInt: parsing ${q(b.slice(s, e))}: value out of range while parsing: ${q(b.slice(this.seriesStart, e))}`,
        );
      v = Number(b.slice(digits, e)); // rounded once, not at every digit
    }
    return neg ? -v : v;
  }

  /** The raw text of the current series (name and labels as written): the scrape cache key. */
  series(): string {
    return this.b.slice(this.seriesStart, this.seriesEnd);
  }

  /**
   * The raw series text the next series line is expected to have (a series seen before, from a
   * body that parsed): when that line starts with it, its labels are not validated again.
   */
  expect(series: string): void {
    this.expected = series;
  }

  /** Whether the current series is the one passed to expect() just before it. */
  wasExpected(): boolean {
    return this.matchedExpected;
  }

  /** Whether the current series' raw text is key, compared in place (no slice, no hashing). */
  seriesIs(key: string): boolean {
    return (
      this.seriesEnd - this.seriesStart === key.length && this.b.startsWith(key, this.seriesStart)
    );
  }

  value(): number {
    return this.val;
  }

  /** ms, or null when the line has none. */
  timestamp(): number | null {
    return this.ts;
  }

  metricName(): string {
    return this.b.slice(this.seriesStart, this.endOfName());
  }

  private endOfName(): number {
    if (this.nameEnd < 0) {
      let i = this.seriesStart;
      while (isNameChar(this.b.charCodeAt(i))) i++;
      this.nameEnd = i;
    }
    return this.nameEnd;
  }

  /** The current series' labels, `__name__` included. */
  labels(): Labels {
    const lb = new LabelsBuilder();
    lb.set('__name__', this.metricName());
    parseLabelPairs(this.b, this.endOfName(), this.seriesEnd, lb);
    return lb.labels();
  }

  /** Text formats carry no native histograms (the protobuf parser's counterpart). */
  histogram(): null {
    return null;
  }

  /** The exemplar on the current line (OpenMetrics), or null. */
  exemplar(): Exemplar | null {
    if (this.exemplarStart < 0) return null;
    const b = this.b;
    let i = this.exemplarStart + 1;
    if (b.charCodeAt(i) !== 32 || b.charCodeAt(i + 1) !== 123)
      throw this.err('expected label name or left brace in exemplar');
    i += 2;
    const ls = i;
    // Validated like a series' label set: parseLabelPairs trusts its input (an unterminated
    // value sent it back to the start of the body, for ever).
    i = this.skipLabels(i, this.lineEnd);
    const lb = new LabelsBuilder();
    parseLabelPairs(b, ls - 1, i, lb);
    const rest = b.slice(i, this.lineEnd).trim().split(' ');
    const value = parseGoFloat(rest[0] ?? '');
    if (value === null) throw this.err('expected value after exemplar labels');
    let ts: number | null = null;
    if (rest[1] !== undefined) {
      const t = parseGoFloat(rest[1]);
      if (t === null || !Number.isFinite(t))
        throw this.err(`invalid exemplar timestamp ${rest[1]}`);
      ts = omTimestamp(t);
    }
    return { labels: lb.labels(), value, ts };
  }

  help(): [name: string, text: string] {
    // Invalid bytes kept by decodeExposition: U+FFFD, as Go's JSON shows them.
    return [this.metaName, this.metaText.replace(/[\ud800-\udfff]/gu, '\ufffd')];
  }

  type(): [name: string, type: MetricType] {
    return [this.metaName, this.metaType];
  }

  unit(): [name: string, unit: string] {
    return [this.metaName, this.metaText];
  }

  /** 1-based number of the current line. */
  line(): number {
    return this.lineNo;
  }
}

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/** Whether the decimal digits b[s, e) (sign already read) are within int64. */
function fitsInt64(b: string, s: number, e: number, neg: boolean): boolean {
  while (s < e - 1 && b.charCodeAt(s) === 48) s++;
  const n = e - s;
  if (n !== 19) return n < 19;
  return b.slice(s, e) <= (neg ? INT64_MIN_DIGITS : INT64_MAX_DIGITS);
}

/**
 * Go's conversion int64(ts * 1000) of an OpenMetrics timestamp: out of int64's range it gives
 * the minimum on amd64 (what the real Prometheus runs on), a time no append accepts.
 */
function omTimestamp(seconds: number): number {
  const ms = Math.trunc(seconds * 1000);
  return ms >= 2 ** 63 || ms < -(2 ** 63) ? -(2 ** 63) : ms;
}

/** Parses `{a="b",c="d"}` found between [start, end) (the braces included) into lb. */
function parseLabelPairs(b: string, start: number, end: number, lb: LabelsBuilder): void {
  let i = b.indexOf('{', start);
  if (i < 0 || i >= end) return;
  i++;
  while (i < end) {
    const c = b.charCodeAt(i);
    if (c === 125) return;
    if (!isLabelStart(c)) {
      i++;
      continue;
    }
    const ns = i;
    while (isLabelChar(b.charCodeAt(i))) i++;
    const name = b.slice(ns, i);
    i = b.indexOf('"', i) + 1;
    const vs = i;
    let escaped = false;
    while (i < end) {
      const ch = b.charCodeAt(i);
      if (ch === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (ch === 34) break;
      i++;
    }
    const raw = b.slice(vs, i);
    lb.set(name, escaped ? unescapeLabelValue(raw) : raw);
    i++;
  }
}

/** Label value escapes: \\, \" and \n; any other backslash stays as written. */
function unescapeLabelValue(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      if (n === '\\' || n === '"') {
        out += n;
        i++;
        continue;
      }
      if (n === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

function unescapeHelp(s: string, om: boolean): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      if (n === '\\') {
        out += '\\';
        i++;
        continue;
      }
      if (n === 'n') {
        out += '\n';
        i++;
        continue;
      }
      if (om && n === '"') {
        out += '"';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Picks the parser for a response's Content-Type, as Prometheus does (text 0.0.4 by default). */
export function newParser(body: string, contentType: string | undefined): TextParser {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return new TextParser(body, mediaType === 'application/openmetrics-text');
}

/** Whether a Content-Type is the protobuf exposition format (see protobuf.ts). */
export function isProtobuf(contentType: string | undefined): boolean {
  const parts = (contentType ?? '').split(';').map((x) => x.trim().toLowerCase());
  return (
    parts[0] === 'application/vnd.google.protobuf' &&
    parts.includes('proto=io.prometheus.client.metricfamily')
  );
}
