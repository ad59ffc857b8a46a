export * from './relabel.js';
export type { RelabelAction, RelabelConfig } from './config.js';
