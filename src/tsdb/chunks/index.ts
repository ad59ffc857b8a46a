export * from './chunks.js';
export * from './head_chunks.js';
