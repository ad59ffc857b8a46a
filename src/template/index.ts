// Templates' face: expansion of alert labels/annotations, and a parse-only check for rule files.
export {
  expandTemplate,
  checkTemplate,
  TemplateError,
  printValue,
  goG4,
  type TemplateData,
  type QueryFunc,
  type ExpandOptions,
  type TemplateSample,
} from './template.js';
// The engine itself, for other template dialects (Alertmanager's notification templates).
export { GoTemplate } from './exec.js';
export type { TemplateFunc, Value as TemplateValue } from './ast.js';
export { formatGoTime } from './gotime.js';
export { sprintf } from './funcs.js';
