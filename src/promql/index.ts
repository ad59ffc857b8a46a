// The PromQL engine's face: build queries, run them, read their values and errors.
export {
  Engine,
  type EngineOptions,
  type Query,
  type QueryOptions,
  type QueryResult,
  type QueryStats,
} from './engine.js';
export { PromQLError, type PromQLErrorType } from './errors.js';
export type {
  Value,
  Sample,
  Series,
  ScalarValue,
  StringValue,
  VectorValue,
  MatrixValue,
} from './value.js';
