export * from './types.js';
export * from './config.js';
export { marshalConfig } from './marshal.js';
export { expandExternalLabels, goExpand } from './expand.js';
