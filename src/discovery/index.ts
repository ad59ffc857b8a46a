// Service discovery's face: the manager the server runs for scraping and for Alertmanagers, the
// mechanism registry, and every mechanism this build runs (registered by ./install).
import './install/index.js';
export { DiscoveryManager, type DiscoveryManagerOptions } from './manager.js';
export { readGroups as readFileSDGroups } from './file/index.js';
export {
  mechanisms,
  unsupportedKeys,
  type Mechanism,
  type Provider,
  type SDConfigs,
  type ServiceDiscoveryConfigs,
  type TargetGroup,
} from './mechanism/index.js';
export type { ConsulSDConfig } from './consul/index.js';
export type { DNSSDConfig } from './dns/index.js';
export type { FileSDConfig } from './file/index.js';
export type { HTTPSDConfig } from './http/index.js';
export type { StaticConfig } from './static/index.js';
