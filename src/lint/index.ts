// Lints: configs and rules that load fine but certainly do not do what they say.
export { formatFinding, type LintFinding } from './finding.js';
export { globalEvaluationInterval, lintConfig } from './config.js';
export { lintRuleFile, selectedMetricNames, type RuleLintOptions } from './rules.js';
export { templateRefs } from './relabel.js';
