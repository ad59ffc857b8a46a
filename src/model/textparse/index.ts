// The exposition formats' face: a parser per scrape body, chosen by Content-Type.
export { TextParser, TextParseError, newParser, type Entry, type Exemplar } from './parser.js';
export { decodeExposition } from './utf8.js';
