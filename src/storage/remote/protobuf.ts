// The protocol-buffer wire format lives in util (the scrape's protobuf exposition parser reads it too).
export {
  ProtoError,
  ProtoReader,
  ProtoWriter,
  readBucketSpan,
  readRepeated,
  unzigzag,
} from '../../util/protobuf.js';
