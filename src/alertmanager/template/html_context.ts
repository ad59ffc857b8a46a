// The part of html/template's contextual escaping notification emails meet: an action inside a
// URL-valued attribute (href, src, …) is escaped as a URL — filtered and normalised at the start
// of the URL, percent-encoded after its "?" or "#" — and then for the attribute. The source is
// rewritten before parsing: each such action gets the escaper as a last pipeline stage, and the
// escaper's output is SafeHTML so the HTML printer does not escape it again. Actions anywhere
// else keep the plain HTML-text escaping of the printer. A {{ template }} called inside such an
// attribute is escaped in the caller's context, as Go's derived templates are: the call is
// bracketed by span markers, the printer passes each value of the span through raw (marked), and
// the finished output's spans are escaped as URLs (see UrlSpans).
import type { TemplateFunc } from '../../template/index.js';
import { SafeHTML } from './funcs.js';

/** Attributes whose value html/template treats as a URL. */
const URL_ATTRS = new Set([
  'action',
  'archive',
  'background',
  'cite',
  'classid',
  'codebase',
  'data',
  'formaction',
  'href',
  'icon',
  'longdesc',
  'manifest',
  'poster',
  'profile',
  'src',
  'usemap',
  'xmlns',
]);
const isURLAttr = (name: string) => {
  const n = name
    .toLowerCase()
    .replace(/^data-/, '')
    .replace(/^[a-z]+:/, '');
  return URL_ATTRS.has(n) || n.includes('src') || n.includes('uri') || n.includes('url');
};

type Part = 'start' | 'path' | 'query';
const KEYWORDS = /^(if|else|end|range|with|define|template|block|break|continue)\b/;

/** html/template's urlProcessor: keeps unreserved (and, normalising, reserved and valid %XX) bytes. */
function processURL(s: string, norm: boolean): string {
  let out = '';
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    const ch = String.fromCharCode(c);
    if (/[A-Za-z0-9\-._~]/.test(ch)) out += ch;
    else if (norm && '!#$&*+,/:;=?@[]'.includes(ch)) out += ch;
    else if (
      norm &&
      ch === '%' &&
      /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0))
    )
      out += ch;
    else out += '%' + c.toString(16).padStart(2, '0');
  }
  return out;
}

/** html/template's attribute escaping for a quoted value. */
const attrEscape = (s: string) =>
  s.replace(
    /[\u0000"&'+<>]/g,
    (c) =>
      ({
        '\u0000': '\uFFFD',
        '"': '&#34;',
        '&': '&amp;',
        "'": '&#39;',
        '+': '&#43;',
        '<': '&lt;',
        '>': '&gt;',
      })[c]!,
  );

const str = (v: unknown) =>
  v instanceof SafeHTML ? v.html : typeof v === 'string' ? v : String(v);

export const URL_ESCAPERS: Record<string, TemplateFunc> = {
  // An unsafe scheme (javascript:, data:, …) becomes html/template's "#ZgotmplZ".
  __ts_url_start: (v) => {
    const s = str(v);
    const scheme = /^([^/?#:]*):/.exec(s)?.[1]?.toLowerCase();
    if (scheme !== undefined && scheme !== 'http' && scheme !== 'https' && scheme !== 'mailto')
      return new SafeHTML('#ZgotmplZ');
    return new SafeHTML(attrEscape(processURL(s, true)));
  },
  __ts_url_path: (v) => new SafeHTML(attrEscape(processURL(str(v), true))),
  __ts_url_query: (v) => new SafeHTML(attrEscape(processURL(str(v), false))),
  __ts_attr: (v) => new SafeHTML(attrEscape(str(v))),
  // Stand-ins so templates with span markers parse; each HTML expansion brings its own (UrlSpans).
  __ts_span_open: () => new SafeHTML(''),
  __ts_span_close: () => new SafeHTML(''),
};

/** Adds the URL escapers to the actions that stand in URL-valued attributes of an HTML template source. */
export function escapeURLAttributes(src: string): string {
  let out = '';
  let state: 'text' | 'tag' | 'attr' = 'text';
  let attrName = '';
  let quote = '';
  let part: Part = 'start';
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    const text = src.slice(i, open < 0 ? src.length : open);
    // Walk the text between actions through a small tag/attribute state machine.
    for (let k = 0; k < text.length; k++) {
      const c = text[k]!;
      if (state === 'text') {
        if (c === '<' && /[A-Za-z]/.test(text[k + 1] ?? '')) state = 'tag';
      } else if (state === 'tag') {
        if (c === '>') state = 'text';
        else if (/[A-Za-z_:-]/.test(c)) {
          const m = /^[A-Za-z_:][A-Za-z0-9_:.-]*/.exec(text.slice(k))![0];
          const rest = text.slice(k + m.length);
          const eq = /^\s*=\s*(["'])/.exec(rest);
          if (eq) {
            attrName = m;
            quote = eq[1]!;
            state = 'attr';
            part = 'start';
            k += m.length + eq[0].length - 1;
          } else k += m.length - 1;
        }
      } else if (c === quote) state = 'tag';
      else if (isURLAttr(attrName) && (c === '?' || c === '#')) part = 'query';
      else if (isURLAttr(attrName) && part === 'start' && !/\s/.test(c)) part = 'path';
    }
    out += text;
    if (open < 0) break;
    const close = findClose(src, open + 2);
    if (close < 0) {
      out += src.slice(open);
      break;
    }
    const action = src.slice(open, close + 2);
    i = close + 2;
    if (state !== 'attr' || !isURLAttr(attrName)) {
      out += action;
      continue;
    }
    const m = /^\{\{(-\s)?([\s\S]*?)(\s-)?\}\}$/.exec(action)!;
    const body = m[2]!.trim();
    if (/^template\b/.test(body)) {
      out += `{{${m[1] ?? ''} __ts_span_open ${JSON.stringify(part)} }}{{ ${body} }}{{ __ts_span_close ${m[3] ?? ''}}}`;
      if (part === 'start') part = 'path';
      continue;
    }
    if (
      body === '' ||
      body.startsWith('/*') ||
      KEYWORDS.test(body) ||
      /^\$\w*(\s*,\s*\$\w*)?\s*:?=/.test(body)
    ) {
      out += action;
      continue;
    }
    // A pipeline already ending in urlquery is html/template's URL escaper; only the attribute's remains.
    const escaper =
      /\|\s*urlquery\s*$/.test(body) || /^urlquery\b/.test(body)
        ? '__ts_attr'
        : part === 'start'
          ? '__ts_url_start'
          : part === 'path'
            ? '__ts_url_path'
            : '__ts_url_query';
    out += `{{${m[1] ?? ''} ${body} | ${escaper} ${m[3] ?? ''}}}`;
    if (part === 'start') part = 'path';
  }
  return out;
}

/** The "}}" closing an action opened before `from`, skipping quoted strings. */
function findClose(src: string, from: number): number {
  let q = '';
  for (let j = from; j < src.length; j++) {
    const c = src[j]!;
    if (q) {
      if (c === '\\' && q !== '`') j++;
      else if (c === q) q = '';
    } else if (c === '"' || c === '`' || c === "'") q = c;
    else if (c === '}' && src[j + 1] === '}') return j;
  }
  return -1;
}

// Span markers, from the private-use area: they never occur in templates or data.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const RAW = '\uE002';
const ATTR_ONLY = '\uE003';
const END = '\uE004';

/** A marker the printer writes as it is. */
export class SpanMarker {
  constructor(readonly text: string) {}
}

/** urlquery's output inside a span: already a URL escape, so only the attribute's remains (as Go). */
export class URLQueried {
  constructor(readonly text: string) {}
}

/**
 * The state of one HTML expansion: how deep it is in called templates that stand in URL
 * attributes, the marking of values printed there, and the final escaping of those spans.
 */
export class UrlSpans {
  private depth = 0;

  readonly funcs: Record<string, TemplateFunc> = {
    __ts_span_open: (part) => {
      this.depth++;
      return new SpanMarker(OPEN + (part === 'query' ? 'q' : part === 'path' ? 'p' : 's'));
    },
    __ts_span_close: () => {
      this.depth--;
      return new SpanMarker(CLOSE);
    },
  };

  get active(): boolean {
    return this.depth > 0;
  }

  /** How the printer writes a value inside a span. */
  mark(v: unknown, format: (v: unknown) => string): string {
    if (v instanceof URLQueried) return ATTR_ONLY + v.text + END;
    return RAW + format(v) + END;
  }

  /** Escapes the marked values of each span for their place in the URL. */
  finish(out: string): string {
    if (!out.includes(OPEN)) return out;
    let res = '';
    let depth = 0;
    let part: Part = 'start';
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (c === OPEN) {
        if (depth++ === 0)
          part = ({ s: 'start', p: 'path', q: 'query' } as const)[out[i + 1] as 's' | 'p' | 'q'];
        i++;
        continue;
      }
      if (c === CLOSE) {
        depth--;
        continue;
      }
      if (c === RAW || c === ATTR_ONLY) {
        const end = out.indexOf(END, i);
        const v = out.slice(i + 1, end);
        if (c === ATTR_ONLY) res += attrEscape(v);
        else
          res += str(
            (part === 'start'
              ? URL_ESCAPERS['__ts_url_start']!
              : part === 'path'
                ? URL_ESCAPERS['__ts_url_path']!
                : URL_ESCAPERS['__ts_url_query']!)(v),
          );
        if (part === 'start' && v !== '') part = 'path';
        i = end;
        continue;
      }
      if (depth > 0) {
        if (c === '?' || c === '#') part = 'query';
        else if (part === 'start' && !/\s/.test(c)) part = 'path';
      }
      res += c;
    }
    return res;
  }
}
