export * from './xor.js';
