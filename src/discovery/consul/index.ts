// consul discovery: its config (registered on import) and its provider.
import './config.js'; // registers the mechanism
export type { ConsulSDConfig } from './config.js';
export { ConsulProvider } from './consul.js';
