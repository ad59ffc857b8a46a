// The PromQL parser's face: parse, print, type and walk expressions.
export * from './ast.js';
export { parseExpr, parseMetricSelector, documentedType } from './parse.js';
export { ParseErr, ParseErrors, startPosInput } from './errors.js';
export { FUNCTIONS, getFunction } from './functions.js';
export { exprToString } from './printer.js';
export { prettify } from './pretty.js';
export { exprType, posRange, children, walk, inspect } from './walk.js';
export { unquoteString } from '../../util/unquote.js';
