// dns discovery: its config (registered on import) and its provider.
import './config.js'; // registers the mechanism
export type { DNSSDConfig } from './config.js';
export { DNSProvider } from './dns.js';
