export * from './xor.js';
export * from './arena.js';
