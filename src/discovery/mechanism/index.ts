// What a discovery mechanism builds on: the provider contract, the polling base, the registry
// it registers in, its metrics, and the target groups it reports.
export * from './provider.js';
export * from './registry.js';
export * from './metrics.js';
export type { TargetGroup } from './target_group.js';
