// Rule unit-test files' face: decoding checks shared by promtool-ts test rules.
export { checkUnitTestFile } from './strict.js';
