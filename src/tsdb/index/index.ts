export * from './writer.js';
export * from './reader.js';
