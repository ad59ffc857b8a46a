// The builtin functions of Go templates (and, or, not, eq…, len, index, print*, html, js,
// urlquery, slice, call), with fmt's Sprintf as printf uses it.
import type { TemplateFunc, Value } from './ast.js';

/** Go's notion of truth for if/with/and/or. */
export function truth(v: Value): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === 0n || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (typeof v === 'object')
    return Object.keys(v as object).length > 0 || !(Object.getPrototypeOf(v) === Object.prototype);
  return true;
}

export const BUILTINS = new Set([
  'and',
  'or',
  'not',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'len',
  'index',
  'print',
  'printf',
  'println',
  'html',
  'js',
  'urlquery',
  'slice',
  'call',
]);

/** The Go type fmt names in %!verb(type=value). */
function goTypeName(v: Value): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return typeof v;
}

function basicKind(v: Value): string {
  // Go keeps ints (integer literals, len) and floats ($value, query values) apart in comparisons.
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'other';
}

function cmp(a: Value, b: Value, op: string): boolean {
  if (op === 'eq' || op === 'ne') {
    const eq = a === b;
    if (
      !eq &&
      basicKind(a) !== basicKind(b) &&
      basicKind(a) !== 'other' &&
      basicKind(b) !== 'other' &&
      a !== null &&
      b !== null
    ) {
      throw new Error('incompatible types for comparison');
    }
    return op === 'eq' ? eq : !eq;
  }
  if (basicKind(a) !== basicKind(b) || basicKind(a) === 'other' || basicKind(a) === 'bool')
    throw new Error('incompatible types for comparison');
  const x = a as number | bigint | string;
  const y = b as number | bigint | string;
  switch (op) {
    case 'lt':
      return x < y;
    case 'le':
      return x <= y;
    case 'gt':
      return x > y;
    default:
      return x >= y;
  }
}

/** Go's fmt.Sprintf for the verbs templates use. */
export function sprintf(format: string, args: Value[], formatValue: (v: Value) => string): string {
  let ai = 0;
  return (
    format.replace(
      /%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g,
      (m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
        if (verb === '%') return '%';
        if (ai >= args.length) return `%!${verb}(MISSING)`;
        const a = args[ai++];
        let s: string;
        switch (verb) {
          case 'd':
            s =
              typeof a === 'number'
                ? String(Math.trunc(a))
                : typeof a === 'bigint'
                  ? String(a)
                  : `%!d(${goTypeName(a)}=${formatValue(a)})`;
            break;
          case 'f':
          case 'F':
            s =
              typeof a === 'number'
                ? Number.isFinite(a)
                  ? a.toFixed(prec !== undefined ? Number(prec) : 6)
                  : formatValue(a)
                : `%!f(${goTypeName(a)}=${formatValue(a)})`;
            break;
          case 'e':
            s =
              typeof a === 'number'
                ? a
                    .toExponential(prec !== undefined ? Number(prec) : 6)
                    .replace(/e([+-])(\d)$/, 'e$10$2')
                : formatValue(a);
            break;
          case 'g':
            s =
              typeof a === 'number'
                ? prec !== undefined
                  ? String(Number(a.toPrecision(Number(prec))))
                  : formatValue(a)
                : formatValue(a);
            break;
          case 's':
          case 'v':
            // %s of a number or bool is a bad verb in Go; strings, Stringers and collections print.
            if (
              verb === 's' &&
              (typeof a === 'number' || typeof a === 'bigint' || typeof a === 'boolean')
            ) {
              s = `%!s(${goTypeName(a)}=${formatValue(a)})`;
              break;
            }
            s = formatValue(a);
            if (prec !== undefined && verb === 's') s = s.slice(0, Number(prec));
            break;
          case 'q':
            s = JSON.stringify(typeof a === 'string' ? a : formatValue(a));
            break;
          case 'x':
          case 'X':
            s =
              typeof a === 'number'
                ? Math.trunc(a).toString(16)
                : typeof a === 'bigint'
                  ? a.toString(16)
                  : Buffer.from(String(a)).toString('hex');
            if (verb === 'X') s = s.toUpperCase();
            break;
          case 't':
            s = String(Boolean(a));
            break;
          default:
            s = `%!${verb}(${formatValue(a)})`;
        }
        if (
          flags.includes('+') &&
          (typeof a === 'number' || typeof a === 'bigint') &&
          a >= 0 &&
          'dfeg'.includes(verb)
        )
          s = '+' + s;
        if (width !== undefined && s.length < Number(width)) {
          const pad = Number(width) - s.length;
          if (flags.includes('-')) s = s + ' '.repeat(pad);
          else if (flags.includes('0') && (typeof a === 'number' || typeof a === 'bigint'))
            s = s.startsWith('-') ? '-' + '0'.repeat(pad) + s.slice(1) : '0'.repeat(pad) + s;
          else s = ' '.repeat(pad) + s;
        }
        void m;
        return s;
      },
    ) +
    (ai < args.length
      ? `%!(EXTRA ${args
          .slice(ai)
          .map((a) => `${goTypeName(a)}=${formatValue(a)}`)
          .join(', ')})`
      : '')
  );
}

function htmlEscape(s: string): string {
  return s.replace(
    /[&'<>"\u0000]/g,
    (c) =>
      ({ '&': '&amp;', "'": '&#39;', '<': '&lt;', '>': '&gt;', '"': '&#34;', '\u0000': '\uFFFD' })[
        c
      ]!,
  );
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\n\r\t]/g, (c) => {
    switch (c) {
      case '\\':
        return '\\\\';
      case "'":
        return "\\'";
      case '"':
        return '\\"';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    }
  });
}

const builtinsByPrinter = new WeakMap<(v: Value) => string, Record<string, TemplateFunc>>();

/** The builtin functions, printing values with printValue (built once per printer). */
export function builtinFuncs(printValue: (v: Value) => string): Record<string, TemplateFunc> {
  let fs = builtinsByPrinter.get(printValue);
  if (fs === undefined) builtinsByPrinter.set(printValue, (fs = makeBuiltins(printValue)));
  return fs;
}

function makeBuiltins(printValue: (v: Value) => string): Record<string, TemplateFunc> {
  return {
    not: (a) => !truth(a),
    eq: (a, ...bs) => {
      if (bs.length === 0) throw new Error('missing argument for comparison');
      return bs.some((b) => cmp(a, b, 'eq'));
    },
    ne: (a, b) => cmp(a, b, 'ne'),
    lt: (a, b) => cmp(a, b, 'lt'),
    le: (a, b) => cmp(a, b, 'le'),
    gt: (a, b) => cmp(a, b, 'gt'),
    ge: (a, b) => cmp(a, b, 'ge'),
    len: (a) => {
      if (typeof a === 'string') return BigInt(Buffer.byteLength(a));
      if (Array.isArray(a)) return BigInt(a.length);
      if (a instanceof Map) return BigInt(a.size);
      if (a !== null && typeof a === 'object') return BigInt(Object.keys(a).length);
      throw new Error(`len of type ${typeof a}`);
    },
    index: (a, ...keys) => {
      let v = a;
      for (const k of keys) {
        // A missing key gives the map's zero value; template maps here are all map[string]string.
        if (v instanceof Map) v = v.has(k) ? v.get(k) : '';
        else if (Array.isArray(v)) {
          const i = Number(k);
          if (i < 0 || i >= v.length) throw new Error(`index out of range: ${i}`);
          v = v[i];
        } else if (v !== null && typeof v === 'object')
          v = String(k) in (v as object) ? (v as Record<string, Value>)[String(k)] : '';
        else throw new Error(`can't index item of type ${typeof v}`);
      }
      return v;
    },
    print: (...args) => {
      // Go's Sprint: spaces only between operands when neither is a string.
      let out = '';
      args.forEach((a, i) => {
        if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
        out += printValue(a);
      });
      return out;
    },
    println: (...args) => args.map((a) => printValue(a)).join(' ') + '\n',
    printf: (format, ...args) => sprintf(String(format), args, printValue),
    html: (...args) => htmlEscape(args.map((a) => printValue(a)).join('')),
    js: (...args) => jsEscape(args.map((a) => printValue(a)).join('')),
    urlquery: (...args) =>
      encodeURIComponent(args.map((a) => printValue(a)).join(''))
        .replace(/%20/g, '+')
        .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()),
    slice: (a, ...idx) => {
      if (typeof a === 'string')
        return a.slice(Number(idx[0] ?? 0), idx[1] === undefined ? undefined : Number(idx[1]));
      if (Array.isArray(a))
        return a.slice(Number(idx[0] ?? 0), idx[1] === undefined ? undefined : Number(idx[1]));
      throw new Error(`can't slice item of type ${typeof a}`);
    },
    call: async (f, ...args) => {
      if (typeof f !== 'function') throw new Error('non-function of type');
      return (f as TemplateFunc)(...args);
    },
  };
}
