export * from './writer.js';
export * from './reader.js';
export * from './mem_postings.js';
export * from './postings.js';
