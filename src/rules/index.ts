// The rules side's face: the manager the server runs, and a group that tests can drive in time.
export { RuleManager, RuleLoadError, type RuleManagerOptions } from './manager.js';
export { RuleGroup, type GroupOptions } from './group.js';
export { AlertingRule, RecordingRule, type Rule } from './rule.js';
export { RuleMetrics } from './metrics.js';
export type {
  RulesRetriever,
  RuleGroupInfo,
  RuleInfo,
  ActiveAlert,
  AlertState,
  RuleHealth,
} from './rule_info.js';
export {
  backtest,
  headQueryable,
  type BacktestOptions,
  type BacktestResult,
  type AlertTimeline,
  type AlertPeriod,
} from './backtest.js';
export { runRuleTestFile } from './unittest.js';
