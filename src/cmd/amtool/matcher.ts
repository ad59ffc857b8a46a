// amtool's matcher syntax (Alertmanager's pkg/labels.ParseMatcher): `name op value`, the value
// optionally in double quotes with OpenMetrics escapes; regexps must compile (fully anchored).
import { compileRE2 } from '../../model/labels/index.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

const RE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

export function parseMatcher(s: string): Matcher {
  const m = RE.exec(s);
  if (!m) throw new Error(`bad matcher format: ${s}`);
  let raw = m[3]!;
  let expectQuote = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    expectQuote = true;
  }
  let value = '';
  const chars = [...raw];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i < chars.length - 1) {
      const n = chars[++i]!;
      value += n === 'n' ? '\n' : n === '"' || n === '\\' ? n : '\\' + n;
      continue;
    }
    if (c === '"') {
      if (!expectQuote || i < chars.length - 1)
        throw new Error(`matcher value contains unescaped double quote: ${m[3]}`);
      expectQuote = false;
      continue;
    }
    value += c;
  }
  if (expectQuote) throw new Error(`matcher value contains unescaped double quote: ${m[3]}`);
  const type = m[2] as MatchType;
  if (type === '=~' || type === '!~') {
    try {
      compileRE2(`^(?:${value})$`);
    } catch (e) {
      throw new Error(
        (e as Error).message.replace(/^(error parsing regexp: )+/, 'error parsing regexp: '),
      );
    }
  }
  return { name: m[1]!, type, value };
}

/** `name="value"` with OpenMetrics escaping, as labels.Matcher.String prints. */
export function matcherString(m: Matcher): string {
  return `${m.name}${m.type}"${m.value.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : '\\' + c))}"`;
}

/** amtool's convenience: a first argument that is not a matcher is the alertname. */
export function withAlertnameDefault(args: readonly string[]): string[] {
  const out = [...args];
  if (out.length > 0) {
    try {
      parseMatcher(out[0]!);
    } catch {
      out[0] = `alertname=${out[0]}`;
    }
  }
  return out;
}

/** The API's matcher form. */
export function apiMatcher(m: Matcher): {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
} {
  return {
    name: m.name,
    value: m.value,
    isRegex: m.type === '=~' || m.type === '!~',
    isEqual: m.type === '=' || m.type === '=~',
  };
}

export function fromAPIMatcher(m: {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}): Matcher {
  const eq = m.isEqual ?? true;
  return { name: m.name, value: m.value, type: m.isRegex ? (eq ? '=~' : '!~') : eq ? '=' : '!=' };
}
