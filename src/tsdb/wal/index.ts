export * from './wal.js';
export * from './records.js';
export * from './checkpoint.js';
export * from './watcher.js';
