export { Alertmanager, AM_VERSION, type AlertmanagerOptions } from './alertmanager.js';
export {
  loadAlertmanagerConfig,
  loadAlertmanagerConfigFile,
  AMConfigError,
  type AlertmanagerConfig,
} from './config/index.js';
