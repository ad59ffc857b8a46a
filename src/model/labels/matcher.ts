// Label matchers: =, !=, =~, !~ with Prometheus's semantics (an absent label has the value '').
import { AnchoredRegexp } from './regexp.js';
import { goQuote } from './labels.js';

export enum MatchType {
  Equal = '=',
  NotEqual = '!=',
  Regexp = '=~',
  NotRegexp = '!~',
}

export class Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly re: AnchoredRegexp | null;

  constructor(type: MatchType, name: string, value: string) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.re =
      type === MatchType.Regexp || type === MatchType.NotRegexp ? new AnchoredRegexp(value) : null;
  }

  static equal(name: string, value: string): Matcher {
    return new Matcher(MatchType.Equal, name, value);
  }

  matches(v: string): boolean {
    switch (this.type) {
      case MatchType.Equal:
        return v === this.value;
      case MatchType.NotEqual:
        return v !== this.value;
      case MatchType.Regexp:
        return this.re!.matches(v);
      case MatchType.NotRegexp:
        return !this.re!.matches(v);
    }
  }

  /** True when the matcher accepts the empty string (so series lacking the label match). */
  matchesEmpty(): boolean {
    return this.matches('');
  }

  /** Prometheus's Matcher.String(): name="value" with Go quoting. */
  toString(): string {
    return `${this.name}${this.type}${goQuote(this.value)}`;
  }
}

/** True when every matcher accepts the label set's value for its name. */
export function matchLabels(ms: readonly Matcher[], get: (name: string) => string): boolean {
  for (const m of ms) if (!m.matches(get(m.name))) return false;
  return true;
}
