// amtool's matcher syntax (Alertmanager's pkg/labels.ParseMatcher): `name op value`, the value
// optionally in double quotes with OpenMetrics escapes; regexps must compile (fully anchored).
import { parseMatcher as parseAMMatcher } from '../../alertmanager/matchers/index.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
}

/** One matcher, parsed as the Alertmanager parses `matchers:` (one parser for both). */
export function parseMatcher(s: string): Matcher {
  try {
    const m = parseAMMatcher(s);
    return { name: m.name, type: m.type, value: m.value };
  } catch (e) {
    throw new Error(
      (e as Error).message.replace(/^(error parsing regexp: )+/, 'error parsing regexp: '),
    );
  }
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
