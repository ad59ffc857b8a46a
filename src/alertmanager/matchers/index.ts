export {
  AMMatcher,
  compareMatchers,
  matchersMatch,
  matchersString,
  type MatchType,
} from './matcher.js';
export { parseMatcher, parseMatchers, MatcherParseError } from './parse.js';
