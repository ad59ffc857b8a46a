// A metric family's type as the exposition formats declare it (# TYPE), untyped read as unknown.
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';
