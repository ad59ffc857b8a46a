// Alertmanager's matcher-list syntax on the UI side: `a="b", c=~"d"` (braces optional) split into
// one matcher string per element (commas inside quotes kept), as the API's `filter` takes them,
// and turned into the API's silence matchers.

export function splitMatchers(s: string): string[] {
  let body = s.trim();
  if (body.startsWith('{')) body = body.slice(1);
  if (body.endsWith('}')) body = body.slice(0, -1);
  const out: string[] = [];
  let tok = '';
  let inQuotes = false;
  let escaped = false;
  for (const c of body) {
    if (c === ',' && !inQuotes) {
      if (tok.trim() !== '') out.push(tok.trim());
      tok = '';
      continue;
    }
    if (c === '"' && !escaped) inQuotes = !inQuotes;
    escaped = c === '\\' && !escaped;
    tok += c;
  }
  if (tok.trim() !== '') out.push(tok.trim());
  return out;
}

export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

const ONE = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$/s;

/** One `name op value` matcher for a silence; null when it does not parse. */
export function silenceMatcher(s: string): SilenceMatcher | null {
  const m = ONE.exec(s);
  if (m === null) return null;
  let v = m[3]!;
  if (v.startsWith('"') && v.endsWith('"') && v.length >= 2)
    v = v
      .slice(1, -1)
      .replace(/\\(["\\])/g, '$1')
      .replace(/\\n/g, '\n');
  const op = m[2]!;
  return {
    name: m[1]!,
    value: v,
    isRegex: op === '=~' || op === '!~',
    isEqual: op === '=' || op === '=~',
  };
}

/** A label set as the matchers that select exactly it. */
export function labelsToMatchers(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
}

export function matcherText(m: SilenceMatcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
