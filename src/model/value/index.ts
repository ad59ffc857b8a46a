export * from './value.js';
export * from './value_type.js';
export * from './strconv.js';
