export * from './wal.js';
export * from './checkpoint.js';
export * from './prometheus_wal.js';
