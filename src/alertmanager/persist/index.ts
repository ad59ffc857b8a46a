export {
  ProtoWriter,
  readFields,
  readTimestamp,
  readPackedUints,
  utf8,
  ProtoError,
} from './protobuf.js';
export { writeSnapshot, readSnapshot, Snapshotter } from './snapshot.js';
