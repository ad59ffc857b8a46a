export * from './xor.js';
export * from './arena.js';
export * from './encoding.js';
