export * from './prompb.js';
export * from './queue_manager.js';
export * from './storage.js';
export * from './write_handler.js';
export * from './read_handler.js';
export * from './chunked.js';
export * from './read_client.js';
export { ProtoError } from './protobuf.js';
