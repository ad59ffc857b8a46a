export * from './xor.js';
export * from './arena.js';
export * from './encoding.js';
export * from './bstream.js';
export * from './histogram_layout.js';
export * from './histogram.js';
export * from './float_histogram.js';
export * from './histogram_appender.js';
