// The scrape side's face: the manager the server runs, and what the API reads of targets.
export { ScrapeManager, type ScrapeManagerOptions } from './manager.js';
export { Target, populateLabels, targetURL, TargetError } from './target.js';
export { ACCEPT_HEADER } from './loop.js';
export type { TargetInfo, TargetRetriever, MetricMetadata, TargetHealth } from './target_info.js';
export type { MetricType } from '../model/textparse/index.js';
