// The binary operators on two sample values, as Prometheus computes them (Go's math where it
// differs from JavaScript's).
import { PromQLError } from './errors.js';

export const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '^', 'atan2']);
export const COMPARISON = new Set(['==', '!=', '>', '<', '>=', '<=']);

/** The value of `l op r` for one pair of samples; a comparison yields l (see elemKeeps). */
export function elemBinop(op: string, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return goPow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    case '==':
    case '!=':
    case '>':
    case '<':
    case '>=':
    case '<=':
      return l;
  }
  throw new PromQLError('internal', `operator "${op}" not allowed for operations between vectors`);
}

/** Whether a comparison keeps the pair (true for every arithmetic operator). */
export function elemKeeps(op: string, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
  }
  return true;
}

/** Go's math.Pow where it differs from JavaScript's **. */
function goPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return x ** y;
}
