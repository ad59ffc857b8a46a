// The functions PromQL 2.48 knows: argument types, how many trailing arguments are optional
// (-1: any number of the last type) and the result type. The engine owns their evaluation.
import type { FunctionDef, ValueTypeName } from './ast.js';

function def(
  name: string,
  argTypes: ValueTypeName[],
  variadic: number,
  returnType: ValueTypeName,
): FunctionDef {
  return { name, argTypes, variadic, returnType };
}

const LIST: FunctionDef[] = [
  def('abs', ['vector'], 0, 'vector'),
  def('absent', ['vector'], 0, 'vector'),
  def('absent_over_time', ['matrix'], 0, 'vector'),
  def('acos', ['vector'], 0, 'vector'),
  def('acosh', ['vector'], 0, 'vector'),
  def('asin', ['vector'], 0, 'vector'),
  def('asinh', ['vector'], 0, 'vector'),
  def('atan', ['vector'], 0, 'vector'),
  def('atanh', ['vector'], 0, 'vector'),
  def('avg_over_time', ['matrix'], 0, 'vector'),
  def('ceil', ['vector'], 0, 'vector'),
  def('changes', ['matrix'], 0, 'vector'),
  def('clamp', ['vector', 'scalar', 'scalar'], 0, 'vector'),
  def('clamp_max', ['vector', 'scalar'], 0, 'vector'),
  def('clamp_min', ['vector', 'scalar'], 0, 'vector'),
  def('cos', ['vector'], 0, 'vector'),
  def('cosh', ['vector'], 0, 'vector'),
  def('count_over_time', ['matrix'], 0, 'vector'),
  def('days_in_month', ['vector'], 1, 'vector'),
  def('day_of_month', ['vector'], 1, 'vector'),
  def('day_of_week', ['vector'], 1, 'vector'),
  def('day_of_year', ['vector'], 1, 'vector'),
  def('deg', ['vector'], 0, 'vector'),
  def('delta', ['matrix'], 0, 'vector'),
  def('deriv', ['matrix'], 0, 'vector'),
  def('exp', ['vector'], 0, 'vector'),
  def('floor', ['vector'], 0, 'vector'),
  def('histogram_count', ['vector'], 0, 'vector'),
  def('histogram_sum', ['vector'], 0, 'vector'),
  def('histogram_stddev', ['vector'], 0, 'vector'),
  def('histogram_stdvar', ['vector'], 0, 'vector'),
  def('histogram_fraction', ['scalar', 'scalar', 'vector'], 0, 'vector'),
  def('histogram_quantile', ['scalar', 'vector'], 0, 'vector'),
  def('holt_winters', ['matrix', 'scalar', 'scalar'], 0, 'vector'),
  def('hour', ['vector'], 1, 'vector'),
  def('idelta', ['matrix'], 0, 'vector'),
  def('increase', ['matrix'], 0, 'vector'),
  def('irate', ['matrix'], 0, 'vector'),
  def('label_replace', ['vector', 'string', 'string', 'string', 'string'], 0, 'vector'),
  def('label_join', ['vector', 'string', 'string', 'string'], -1, 'vector'),
  def('last_over_time', ['matrix'], 0, 'vector'),
  def('ln', ['vector'], 0, 'vector'),
  def('log10', ['vector'], 0, 'vector'),
  def('log2', ['vector'], 0, 'vector'),
  def('max_over_time', ['matrix'], 0, 'vector'),
  def('min_over_time', ['matrix'], 0, 'vector'),
  def('minute', ['vector'], 1, 'vector'),
  def('month', ['vector'], 1, 'vector'),
  def('pi', [], 0, 'scalar'),
  def('predict_linear', ['matrix', 'scalar'], 0, 'vector'),
  def('present_over_time', ['matrix'], 0, 'vector'),
  def('quantile_over_time', ['scalar', 'matrix'], 0, 'vector'),
  def('rad', ['vector'], 0, 'vector'),
  def('rate', ['matrix'], 0, 'vector'),
  def('resets', ['matrix'], 0, 'vector'),
  def('round', ['vector', 'scalar'], 1, 'vector'),
  def('scalar', ['vector'], 0, 'scalar'),
  def('sgn', ['vector'], 0, 'vector'),
  def('sin', ['vector'], 0, 'vector'),
  def('sinh', ['vector'], 0, 'vector'),
  def('sort', ['vector'], 0, 'vector'),
  def('sort_desc', ['vector'], 0, 'vector'),
  def('sqrt', ['vector'], 0, 'vector'),
  def('stddev_over_time', ['matrix'], 0, 'vector'),
  def('stdvar_over_time', ['matrix'], 0, 'vector'),
  def('sum_over_time', ['matrix'], 0, 'vector'),
  def('tan', ['vector'], 0, 'vector'),
  def('tanh', ['vector'], 0, 'vector'),
  def('time', [], 0, 'scalar'),
  def('timestamp', ['vector'], 0, 'vector'),
  def('vector', ['scalar'], 0, 'vector'),
  def('year', ['vector'], 1, 'vector'),
];

export const FUNCTIONS: Record<string, FunctionDef> = Object.freeze(
  Object.fromEntries(LIST.map((f) => [f.name, f])),
);

/** The definition of a function by name, or undefined for an unknown one. */
export function getFunction(name: string): FunctionDef | undefined {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}
