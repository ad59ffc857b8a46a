export { Route } from './route.js';
export { Dispatcher } from './dispatcher.js';
export { Pipeline, alertHash, type FlushContext, type PipelineDeps } from './pipeline.js';
export { ExponentialBackoff } from './backoff.js';
