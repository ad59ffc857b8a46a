// The process's own metrics (/metrics). Every component registers its prometheus_* metrics on
// the registry it is given (the server passes `defaultRegistry`; tests pass a fresh one), so two
// servers in one test process do not collide. prom-client provides the exposition and the
// process_* collectors: self-instrumentation is not this project's domain.
import { readFileSync } from 'node:fs';
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
  // client_golang's process collector has it; prom-client's has not: the address-space limit
  // (-1 when unlimited), from /proc/self/limits.
  new client.Gauge({
    name: 'process_virtual_memory_max_bytes',
    help: 'Maximum amount of virtual memory available in bytes.',
    registers: [defaultRegistry],
    collect() {
      this.set(addressSpaceLimit());
    },
  });
}

export function newRegistry(): client.Registry {
  return new client.Registry();
}

function addressSpaceLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max address space'));
    const soft = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
    return soft === undefined || soft === 'unlimited' ? -1 : Number(soft);
  } catch {
    return -1;
  }
}
