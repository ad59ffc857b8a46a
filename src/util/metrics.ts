// The process's own metrics (/metrics). Every component registers its prometheus_* metrics on
// the registry it is given (the server passes `defaultRegistry`; tests pass a fresh one), so two
// servers in one test process do not collide. prom-client provides the exposition and the
// process_* collectors: self-instrumentation is not this project's domain.
import client from 'prom-client';

export { client };
export type Registry = client.Registry;

export const defaultRegistry: client.Registry = new client.Registry();

let processMetricsStarted = false;

/** process_* metrics (cpu, rss, fds, start time) on the default registry, once. */
export function registerProcessMetrics(): void {
  if (processMetricsStarted) return;
  processMetricsStarted = true;
  client.collectDefaultMetrics({ register: defaultRegistry });
}

export function newRegistry(): client.Registry {
  return new client.Registry();
}
