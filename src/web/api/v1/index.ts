// The HTTP API v1's face.
export {
  APIv1,
  APIError,
  handlerName,
  goTime,
  type APIDeps,
  type TSDBAdmin,
  type BuildInfo,
  type ErrorType,
} from './api.js';
export type { TraceNode } from './trace.js';
