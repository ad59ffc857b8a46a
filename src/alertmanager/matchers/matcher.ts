// Alertmanager's label matchers (pkg/labels): the four operators, fully anchored RE2 regexps,
// the printed form used in route keys, and the ordering a route's matchers are kept in.
import { AnchoredRegexp } from '../../model/labels/index.js';
import type { LabelSet } from '../model/index.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

export class AMMatcher {
  private readonly re: AnchoredRegexp | null;

  /** Throws (RegexError) when a regexp value does not compile. */
  constructor(
    readonly type: MatchType,
    readonly name: string,
    readonly value: string,
  ) {
    this.re = type === '=~' || type === '!~' ? new AnchoredRegexp(value) : null;
  }

  matches(v: string): boolean {
    switch (this.type) {
      case '=':
        return v === this.value;
      case '!=':
        return v !== this.value;
      case '=~':
        return this.re!.matches(v);
      case '!~':
        return !this.re!.matches(v);
    }
  }

  get isRegex(): boolean {
    return this.type === '=~' || this.type === '!~';
  }

  get isEqual(): boolean {
    return this.type === '=' || this.type === '=~';
  }

  /** `name="value"` with only \, newline and " escaped (OpenMetrics escaping), as Alertmanager prints. */
  toString(): string {
    return `${this.name}${this.type}"${escapeValue(this.value)}"`;
  }
}

function escapeValue(s: string): string {
  return s.replace(/[\\\n"]/g, (c) => (c === '\n' ? '\\n' : '\\' + c));
}

const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };

/** Alertmanager's Matchers order: by name, then value, then operator. */
export function compareMatchers(a: AMMatcher, b: AMMatcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

export function matchersMatch(ms: readonly AMMatcher[], ls: LabelSet): boolean {
  for (const m of ms) if (!m.matches(ls[m.name] ?? '')) return false;
  return true;
}

/** `{a="1",b=~"x"}`: the matchers as a route key prints them. */
export function matchersString(ms: readonly AMMatcher[]): string {
  return '{' + ms.map((m) => m.toString()).join(',') + '}';
}
