// promtool-ts debug all SERVER: what promtool's `debug all` collects except the pprof profiles
// (see debug_pprof.ts), which a note on stderr says are left out.
import { debugWrite, METRICS_ENDPOINTS } from './debug_metrics.js';
import { PPROF_UNAVAILABLE } from './debug_pprof.js';

export async function run(args: string[]): Promise<number> {
  const code = await debugWrite(args, METRICS_ENDPOINTS);
  if (code === 0) process.stderr.write(`note: profiles left out: ${PPROF_UNAVAILABLE}\n`);
  return code;
}
