// file discovery: its config (registered on import) and its provider.
import './config.js'; // registers the mechanism
export type { FileSDConfig } from './config.js';
export { FileProvider, readGroups } from './file.js';
