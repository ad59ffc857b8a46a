export * from './wal.js';
export * from './checkpoint.js';
