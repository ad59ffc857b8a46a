// The matcher syntax of Alertmanager 0.25's `matchers:`, amtool and the API's `filter`:
// `name op value` where the value may be double-quoted (with \" \\ \n escapes) or bare, and a
// list of them separated by commas, optionally inside braces.
import { AMMatcher, type MatchType } from './matcher.js';

export class MatcherParseError extends Error {}

const MATCHER = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*([\s\S]*?)\s*$/;

/** One matcher, e.g. `severity="critical"` or `job=~api.*`. */
export function parseMatcher(s: string): AMMatcher {
  const m = MATCHER.exec(s);
  if (m === null) throw new MatcherParseError(`bad matcher format: ${s}`);
  const shown = m[3]!;
  let raw = shown;
  let quoted = false;
  if (raw.startsWith('"')) {
    raw = raw.slice(1);
    quoted = true;
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
      if (!quoted || i < chars.length - 1)
        throw new MatcherParseError(`matcher value contains unescaped double quote: ${shown}`);
      quoted = false;
      continue;
    }
    value += c;
  }
  if (quoted)
    throw new MatcherParseError(`matcher value contains unescaped double quote: ${shown}`);
  try {
    return new AMMatcher(m[2] as MatchType, m[1]!, value);
  } catch (e) {
    throw new MatcherParseError((e as Error).message);
  }
}

/** A comma-separated list, optionally in braces: `{a="1", b=~"x,y"}` (commas inside quotes kept). */
export function parseMatchers(s: string): AMMatcher[] {
  let body = s.startsWith('{') ? s.slice(1) : s;
  if (body.endsWith('}')) body = body.slice(0, -1);
  const tokens: string[] = [];
  let inQuotes = false;
  let escaped = false;
  let tok = '';
  for (const c of body) {
    if (c === ',' && !inQuotes) {
      tokens.push(tok);
      tok = '';
      continue;
    }
    if (c === '"') {
      if (!escaped) inQuotes = !inQuotes;
      else escaped = false;
    } else if (c === '\\') escaped = !escaped;
    else escaped = false;
    tok += c;
  }
  if (tok.trim() !== '') tokens.push(tok.trim());
  return tokens.map(parseMatcher);
}
