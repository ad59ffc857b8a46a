export * from './types.js';
export * from './config.js';
