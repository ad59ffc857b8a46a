// Rule files' face: parse and validate groups of recording and alerting rules.
export {
  parseRuleFile,
  parseRules,
  RuleFileError,
  type RuleDef,
  type RuleGroupDef,
} from './rulefmt.js';
