// The protocol-buffer wire format lives in util (the scrape's protobuf exposition parser reads it too).
export { ProtoReader, ProtoWriter } from '../../util/protobuf.js';
