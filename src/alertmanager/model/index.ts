export * from './labelset.js';
export * from './time.js';
export * from './alert.js';
