// Compensated (Neumaier) summation: sums of many floats keep their low bits, as Prometheus 2.48's
// *_over_time functions do, so results agree to the last digit.

/** Adds inc to (sum, c); returns the new sum and writes the new compensation to out[0]. */
export function kahanSumInc(inc: number, sum: number, c: number, out: Float64Array): number {
  const t = sum + inc;
  if (Math.abs(sum) >= Math.abs(inc)) out[0] = c + (sum - t + inc);
  else out[0] = c + (inc - t + sum);
  return t;
}
