// PromQL test scripts' face: parse, expand series notation, run.
export {
  parseScript,
  expandSeriesValues,
  parseSeriesLine,
  seriesSamples,
  ScriptError,
  type Command,
  type SeriesValue,
  type ExpectedSample,
} from './script.js';
export { runScript, almostEqual, type CaseResult } from './runner.js';
