// The config codec: strict YAML decoding with Go's messages, the shared field decoders, and the
// marshal description of a struct. Below every package that owns a part of the config.
export * from './decode.js';
export * from './fields.js';
export * from './marshal_spec.js';
