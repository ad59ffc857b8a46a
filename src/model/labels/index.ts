export * from './labels.js';
export * from './matcher.js';
export * from './regexp.js';
