// http discovery: its config (registered on import) and its provider.
import './config.js'; // registers the mechanism
export type { HTTPSDConfig } from './config.js';
export { HTTPProvider } from './http.js';
