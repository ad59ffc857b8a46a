// static discovery: its config (registered on import) and its provider.
import './config.js'; // registers the mechanism
export type { StaticConfig } from './config.js';
export { StaticProvider } from './static.js';
