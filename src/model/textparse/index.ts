// The exposition formats' face: a parser per scrape body, chosen by Content-Type.
export type { MetricType } from './metric_type.js';
export { TextParser, TextParseError, newParser, type Entry, type Exemplar } from './parser.js';
