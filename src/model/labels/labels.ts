// Labels: an immutable, name-sorted set of label pairs, the identity of a series.
// Stored flat ([n0, v0, n1, v1, …]) so a set costs one array and comparisons walk it in place.
// As in Prometheus, a label with an empty value is the same as an absent label.

export const METRIC_NAME = '__name__';

export interface Label {
  name: string;
  value: string;
}

const SEP = '\xff';

export class Labels {
  static readonly EMPTY = new Labels([]);

  /** Flat, sorted by name: [n0, v0, n1, v1, …]. Never mutated. */
  readonly flat: readonly string[];
  private _key: string | undefined;
  private _hash: number | undefined;

  private constructor(flat: readonly string[]) {
    this.flat = flat;
  }

  /** From already name-sorted, duplicate-free, non-empty flat pairs (trusted: no checks). */
  static fromSortedFlat(flat: readonly string[]): Labels {
    return flat.length === 0 ? Labels.EMPTY : new Labels(flat);
  }

  /** From name/value pairs in any order; empty values are dropped, a later duplicate wins. */
  static fromStrings(...nv: string[]): Labels {
    if (nv.length % 2 !== 0) throw new Error('Labels.fromStrings: odd number of strings');
    const pairs: [string, string][] = [];
    for (let i = 0; i < nv.length; i += 2) pairs.push([nv[i]!, nv[i + 1]!]);
    return Labels.fromPairs(pairs);
  }

  static fromObject(o: Readonly<Record<string, string>>): Labels {
    return Labels.fromPairs(Object.entries(o));
  }

  static fromPairs(pairs: Iterable<readonly [string, string]>): Labels {
    const m = new Map<string, string>();
    for (const [n, v] of pairs) m.set(n, v);
    const names = [...m.keys()].filter((n) => m.get(n) !== '').sort(compareStrings);
    const flat: string[] = new Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      flat[2 * i] = names[i]!;
      flat[2 * i + 1] = m.get(names[i]!)!;
    }
    return Labels.fromSortedFlat(flat);
  }

  static fromLabels(ls: Iterable<Label>): Labels {
    const pairs: [string, string][] = [];
    for (const l of ls) pairs.push([l.name, l.value]);
    return Labels.fromPairs(pairs);
  }

  /** Number of labels. */
  get length(): number {
    return this.flat.length >> 1;
  }

  isEmpty(): boolean {
    return this.flat.length === 0;
  }

  nameAt(i: number): string {
    return this.flat[2 * i]!;
  }

  valueAt(i: number): string {
    return this.flat[2 * i + 1]!;
  }

  /** The value of a label, or '' when absent (Prometheus semantics). */
  get(name: string): string {
    const f = this.flat;
    // Label sets are small: a linear scan beats a binary search for typical sizes.
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === name) return f[i + 1]!;
    }
    return '';
  }

  has(name: string): boolean {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (f[i] === name) return true;
    return false;
  }

  metricName(): string {
    return this.get(METRIC_NAME);
  }

  forEach(fn: (name: string, value: string) => void): void {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) fn(f[i]!, f[i + 1]!);
  }

  *[Symbol.iterator](): IterableIterator<Label> {
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) yield { name: f[i]!, value: f[i + 1]! };
  }

  toArray(): Label[] {
    return [...this];
  }

  names(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.flat.length; i += 2) out.push(this.flat[i]!);
    return out;
  }

  /** A plain object, in label order (the shape of the HTTP API's `metric`/`labels`). */
  toObject(): Record<string, string> {
    const o: Record<string, string> = {};
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) o[f[i]!] = f[i + 1]!;
    return o;
  }

  /** Prometheus's Labels.String(): `{a="1", b="2"}` with Go-style quoting of values. */
  toString(): string {
    const parts: string[] = [];
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) parts.push(`${f[i]}=${goQuote(f[i + 1]!)}`);
    return `{${parts.join(', ')}}`;
  }

  /** A string that is unique per label set: use it as a Map key. */
  key(): string {
    if (this._key === undefined) this._key = this.flat.join(SEP);
    return this._key;
  }

  /** A 32-bit FNV-1a hash of the label set (stable within and across processes). */
  hash(): number {
    if (this._hash === undefined) this._hash = fnv1a32(this.key());
    return this._hash;
  }

  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.flat;
    const b = o.flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Only the named labels (Prometheus's Labels.Keep / WithLabels). */
  keep(names: readonly string[]): Labels {
    const out: string[] = [];
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (names.includes(f[i]!)) out.push(f[i]!, f[i + 1]!);
    return out.length === f.length ? this : Labels.fromSortedFlat(out);
  }

  /** All but the named labels (Prometheus's Labels.WithoutLabels / DropMetricName). */
  drop(names: readonly string[]): Labels {
    const out: string[] = [];
    const f = this.flat;
    for (let i = 0; i < f.length; i += 2) if (!names.includes(f[i]!)) out.push(f[i]!, f[i + 1]!);
    return out.length === f.length ? this : Labels.fromSortedFlat(out);
  }

  withoutMetricName(): Labels {
    return this.has(METRIC_NAME) ? this.drop([METRIC_NAME]) : this;
  }

  builder(): LabelsBuilder {
    return new LabelsBuilder(this);
  }
}

/** Accumulates sets and deletions on top of a base label set. */
export class LabelsBuilder {
  private base: Labels;
  private readonly changes = new Map<string, string>(); // '' = delete

  constructor(base: Labels = Labels.EMPTY) {
    this.base = base;
  }

  reset(base: Labels): this {
    this.base = base;
    this.changes.clear();
    return this;
  }

  get(name: string): string {
    const c = this.changes.get(name);
    return c !== undefined ? c : this.base.get(name);
  }

  /** Setting an empty value deletes the label. */
  set(name: string, value: string): this {
    this.changes.set(name, value);
    return this;
  }

  del(...names: string[]): this {
    for (const n of names) this.changes.set(n, '');
    return this;
  }

  /** Keep only the named labels. */
  keep(...names: string[]): this {
    const cur = this.labels();
    this.changes.clear();
    this.base = cur.keep(names);
    return this;
  }

  forEach(fn: (name: string, value: string) => void): void {
    this.labels().forEach(fn);
  }

  labels(): Labels {
    if (this.changes.size === 0) return this.base;
    const m = new Map<string, string>();
    this.base.forEach((n, v) => m.set(n, v));
    for (const [n, v] of this.changes) {
      if (v === '') m.delete(n);
      else m.set(n, v);
    }
    return Labels.fromPairs(m);
  }
}

/** Prometheus's labels.Compare: by name then value, pair by pair; a prefix sorts first. */
export function compareLabels(a: Labels, b: Labels): number {
  const x = a.flat;
  const y = b.flat;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i += 2) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    if (x[i + 1] !== y[i + 1]) return x[i + 1]! < y[i + 1]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** Byte-wise string order for ASCII, code-unit order otherwise (as Go's for BMP text). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function isValidLabelName(name: string): boolean {
  return LABEL_NAME_RE.test(name);
}

export function isValidMetricName(name: string): boolean {
  return METRIC_NAME_RE.test(name);
}

/** Go's strconv.Quote for the characters label values contain in practice. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else if (c >= 0x80 && !GO_PRINTABLE.test(ch))
      out +=
        c < 0x10000
          ? '\\u' + c.toString(16).padStart(4, '0')
          : '\\U' + c.toString(16).padStart(8, '0');
    else out += ch;
  }
  return out + '"';
}

// Go's unicode.IsPrint beyond ASCII: letters, marks, numbers, punctuation and symbols; other
// spaces (U+00A0, U+2028, …) and format or private-use characters are escaped by strconv.Quote.
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
