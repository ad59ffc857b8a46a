export * from './value.js';
export * from './gofloat.js';
