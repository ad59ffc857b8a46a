// Alertmanager's notification templates: the data templates see, their functions, the default
// templates, and loading a config's template files.
export { loadNotificationTemplates } from './templates.js';
export {
  buildTemplateData,
  alertStatus,
  quoteMeta,
  toGoData,
  KV,
  Pairs,
  Pair,
  Alerts,
  type GoData,
  type GoAlert,
} from './data.js';
export { notificationFuncs, SafeHTML } from './funcs.js';
export { DEFAULT_TEMPLATES } from './defaults.js';
