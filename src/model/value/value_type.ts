/** The kind of value an iterator is positioned on (Prometheus's chunkenc.ValueType). */
export const enum ValueType {
  None = 0,
  Float = 1,
  Histogram = 2,
  FloatHistogram = 3,
}
