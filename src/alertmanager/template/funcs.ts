// The functions Alertmanager 0.25 gives notification templates (template.DefaultFuncs): toUpper,
// toLower, title, join, match, safeHtml, reReplaceAll, stringSlice — and no others (date, tz,
// since and humanizeDuration arrived in later releases, so a 0.25 template using them fails).
import { compileRE2 } from '../../model/labels/index.js';
import {
  printValue,
  sprintf,
  type TemplateFunc,
  type TemplateValue,
} from '../../template/index.js';
import { KV, Pair } from './data.js';

/** html/template's HTML type: text that the HTML expansion prints unescaped. */
export class SafeHTML {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

const str = (v: TemplateValue): string =>
  v instanceof SafeHTML ? v.html : typeof v === 'string' ? v : printValue(v);

function regexp(pattern: TemplateValue): ReturnType<typeof compileRE2> {
  try {
    return compileRE2(str(pattern));
  } catch (e) {
    throw new Error(
      (e as Error).message.replace(/^(error parsing regexp: )+/, 'error parsing regexp: '),
    );
  }
}

/**
 * cases.Title(language.AmericanEnglish): each word's first letter upper case and the rest lower
 * case; a word runs over letters, digits, marks and the characters that join words (' . : _).
 */
function title(s: string): string {
  return s.replace(/[\p{L}\p{M}\p{N}_'’.:·]+/gu, (w) => {
    const i = w.search(/\p{L}/u);
    if (i < 0) return w;
    const first = String.fromCodePoint(w.codePointAt(i)!);
    return w.slice(0, i) + first.toUpperCase() + w.slice(i + first.length).toLowerCase();
  });
}

/**
 * strings.ToUpper/ToLower: each code point by its simple mapping only — a character whose full
 * mapping is several (ß → SS) stays as it is.
 */
function simpleCase(s: string, to: 'upper' | 'lower'): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130' && to === 'lower') {
      out += 'i';
      continue;
    }
    const m = to === 'upper' ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}

export const notificationFuncs: Record<string, TemplateFunc> = {
  toUpper: (s) => simpleCase(str(s), 'upper'),
  toLower: (s) => simpleCase(str(s), 'lower'),
  title: (s) => title(str(s)),
  join: (sep, list) =>
    Array.isArray(list)
      ? list.map(str).join(str(sep))
      : list === null
        ? ''
        : (() => {
            throw new Error(`wrong type for value; expected []string; got ${typeof list}`);
          })(),
  match: (pattern, s) => regexp(pattern).matcher(str(s)).find(),
  safeHtml: (s) => new SafeHTML(str(s)),
  reReplaceAll: (pattern, repl, text) => replaceAllString(regexp(pattern), str(text), str(repl)),
  stringSlice: (...s) => s.map(str),
  // Go's fmt over this data's types (maps print as map[k:v …], pairs as {k v}).
  printf: (format, ...args) => sprintf(str(format), args, formatGoValue),
  print: (...args) =>
    args
      .map(
        (a, i) =>
          (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string' ? ' ' : '') +
          formatGoValue(a),
      )
      .join(''),
  println: (...args) => args.map(formatGoValue).join(' ') + '\n',
};

type RE2 = ReturnType<typeof compileRE2>;
type RE2Matcher = ReturnType<RE2['matcher']>;

/**
 * regexp.ReplaceAllString: every match replaced by the template expanded as Regexp.Expand does
 * ($1, ${1}, $name, ${name}, $$; an unknown or unmatched group is empty; $1x names group "1x"),
 * an empty match right after a match not replaced, and the search always moving on.
 */
function replaceAllString(re: RE2, src: string, template: string): string {
  const m = re.matcher(src);
  let out = '';
  let lastEnd = 0;
  let pos = 0;
  while (pos <= src.length && m.find(pos)) {
    const s = m.start();
    const e = m.end();
    out += src.slice(lastEnd, s);
    if (e > lastEnd || s === 0) out += expand(template, m, re);
    lastEnd = e;
    const width = pos < src.length ? String.fromCodePoint(src.codePointAt(pos)!).length : 1;
    pos = pos + width > e ? pos + width : pos + 1 > e ? pos + 1 : e;
  }
  return out + src.slice(lastEnd);
}

function expand(template: string, m: RE2Matcher, re: RE2): string {
  let out = '';
  let t = template;
  while (t !== '') {
    const i = t.indexOf('$');
    if (i < 0) return out + t;
    out += t.slice(0, i);
    t = t.slice(i);
    if (t[1] === '$') {
      out += '$';
      t = t.slice(2);
      continue;
    }
    const ref = /^\$(?:\{(\w+)\}|(\w+))/.exec(t);
    if (!ref) {
      // Malformed: the $ is text.
      out += '$';
      t = t.slice(1);
      continue;
    }
    t = t.slice(ref[0].length);
    const name = ref[1] ?? ref[2]!;
    const num = /^(0|[1-9]\d{0,7})$/.test(name) ? Number(name) : -1;
    if (num >= 0) out += num <= m.groupCount() ? (m.group(num) ?? '') : '';
    else if (name in re.namedGroups()) out += m.group(name) ?? '';
  }
  return out;
}

/** Go's %v of the values notification templates meet. */
export function formatGoValue(v: TemplateValue): string {
  if (v instanceof SafeHTML) return v.html;
  if (v instanceof KV)
    return (
      'map[' +
      [...v.keys()]
        .sort()
        .map((k) => `${k}:${v.get(k)!}`)
        .join(' ') +
      ']'
    );
  if (v instanceof Pair) return `{${v.Name} ${v.Value}}`;
  if (Array.isArray(v)) return '[' + v.map(formatGoValue).join(' ') + ']';
  return printValue(v);
}

/** html/template's escaping of an action's output in HTML text (SafeHTML passes through). */
export function formatHTMLValue(v: TemplateValue): string {
  if (v instanceof SafeHTML) return v.html;
  return formatGoValue(v).replace(/[\u0000"&'+<>]/g, (c) => HTML_ESCAPES[c]!);
}

const HTML_ESCAPES: Record<string, string> = {
  '\u0000': '\uFFFD',
  '"': '&#34;',
  '&': '&amp;',
  "'": '&#39;',
  '+': '&#43;',
  '<': '&lt;',
  '>': '&gt;',
};
