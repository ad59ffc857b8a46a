export * from './tombstones.js';
