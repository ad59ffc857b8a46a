// Service discovery's face: the manager the server runs for scraping and for Alertmanagers.
export { DiscoveryManager, type DiscoveryManagerOptions } from './manager.js';
export { readGroups as readFileSDGroups } from './file/file.js';
export type { Provider } from './provider.js';
