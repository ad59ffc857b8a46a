export * from './wal.js';
