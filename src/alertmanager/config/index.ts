export { loadAlertmanagerConfig, loadAlertmanagerConfigFile, AMConfigError } from './load.js';
export type {
  AlertmanagerConfig,
  RouteConfig,
  InhibitRuleConfig,
  ReceiverConfig,
  IntegrationConfig,
} from './types.js';
export { intervalContains, anyIntervalContains, type TimeInterval } from './timeinterval.js';
