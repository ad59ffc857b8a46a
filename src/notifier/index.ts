// The notifier's face: the manager that sends alerts to Alertmanager, and the alert type.
export { NotifierManager, type NotifierOptions } from './manager.js';
export type { Alert } from './alert.js';
export type { AlertmanagerRetriever } from './alertmanager_info.js';
