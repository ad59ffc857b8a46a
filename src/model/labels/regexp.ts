// RE2 regular expressions, fully anchored as Prometheus anchors them ("^(?:" + re + ")$").
// JavaScript's RegExp is backtracking and differs from RE2 in syntax and semantics, so the RE2
// engine (re2js) decides every match; common shapes (literals, alternations of literals,
// .*, .+, prefix.*) are answered without it because they dominate real queries.
import { RE2JS } from 're2js';

export class RegexError extends Error {}

type Fast =
  | { kind: 'any' } // .*
  | { kind: 'nonEmpty' } // .+
  | { kind: 'set'; set: Set<string> } // a|b|c
  | { kind: 'prefix'; prefix: string } // abc.*
  | null;

const META = /[\\.+*?()|[\]{}^$]/;

function analyse(src: string): Fast {
  if (src === '.*') return { kind: 'any' };
  if (src === '.+') return { kind: 'nonEmpty' };
  if (!META.test(src)) return { kind: 'set', set: new Set([src]) };
  if (src.endsWith('.*')) {
    const p = src.slice(0, -2);
    if (!META.test(p)) return { kind: 'prefix', prefix: p };
  }
  const alts = src.split('|');
  if (alts.length > 1 && alts.every((a) => !META.test(a)))
    return { kind: 'set', set: new Set(alts) };
  return null;
}

export class AnchoredRegexp {
  readonly source: string;
  private readonly re: RE2JS;
  private readonly fast: Fast;

  constructor(source: string) {
    this.source = source;
    try {
      this.re = RE2JS.compile(`^(?:${source})$`);
    } catch (e) {
      throw new RegexError(
        `error parsing regexp: ${(e as Error).message.replace(/^error parsing regexp: /, '').replace('`[)$`', '`[`')}`,
      );
    }
    this.fast = analyse(source);
  }

  /** True when the whole string matches. '.' does not match newline, as in Go. */
  matches(s: string): boolean {
    const f = this.fast;
    if (f !== null) {
      switch (f.kind) {
        case 'any':
          return !s.includes('\n');
        case 'nonEmpty':
          return s.length > 0 && !s.includes('\n');
        case 'set':
          return f.set.has(s);
        case 'prefix':
          return s.startsWith(f.prefix) && !s.includes('\n', f.prefix.length);
      }
    }
    return this.re.matcher(s).matches();
  }

  /** The literal values this regexp can match, when it is an alternation of literals. */
  setMatches(): string[] | null {
    return this.fast?.kind === 'set' ? [...this.fast.set] : null;
  }

  /** Capture groups of a whole-string match (index 0 = whole match), or null. Named groups by name. */
  exec(s: string): { groups: (string | null)[]; named: Record<string, string> } | null {
    const m = this.re.matcher(s);
    if (!m.matches()) return null;
    const groups: (string | null)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i));
    const named: Record<string, string> = {};
    const names = this.re.namedGroups() as Record<string, number>;
    for (const [n, idx] of Object.entries(names)) named[n] = m.group(idx) ?? '';
    return { groups, named };
  }

  /** The compiled RE2 for callers that need find/replace semantics (label_replace, templates). */
  raw(): RE2JS {
    return this.re;
  }
}

/** Compile an unanchored RE2 (for templates' reReplaceAll and similar). */
export function compileRE2(source: string): RE2JS {
  try {
    return RE2JS.compile(source);
  } catch (e) {
    throw new RegexError(`error parsing regexp: ${(e as Error).message}`);
  }
}
