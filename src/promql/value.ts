// The values a PromQL expression evaluates to, shared by the engine, the HTTP API and rules.
import type { Labels } from '../model/labels/index.js';

/** One float sample of an instant vector. */
export interface Sample {
  metric: Labels;
  t: number; // ms
  f: number;
}

/** One series of a range vector: parallel arrays of timestamps (ms) and values. */
export interface Series {
  metric: Labels;
  ts: number[];
  fs: number[];
}

export interface ScalarValue {
  type: 'scalar';
  t: number;
  v: number;
}

export interface StringValue {
  type: 'string';
  t: number;
  v: string;
}

export interface VectorValue {
  type: 'vector';
  samples: Sample[];
}

export interface MatrixValue {
  type: 'matrix';
  series: Series[];
}

export type Value = ScalarValue | StringValue | VectorValue | MatrixValue;
