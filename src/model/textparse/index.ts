// The exposition formats' face: a parser per scrape body, chosen by Content-Type.
export type { MetricType } from './metric_type.js';
export {
  TextParser,
  TextParseError,
  isProtobuf,
  newParser,
  type Entry,
  type Exemplar,
} from './parser.js';
export { ProtobufParser, formatOpenMetricsFloat } from './protobuf.js';
export { decodeExposition } from './utf8.js';
