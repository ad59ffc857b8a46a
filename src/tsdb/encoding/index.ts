export * from './crc32c.js';
export * from './encbuf.js';
