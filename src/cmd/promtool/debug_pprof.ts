// promtool-ts debug pprof: refused. promtool's pprof collection reads Go runtime profiles from
// /debug/pprof and re-encodes them with Go's profile package; prometheus-ts runs on Node, serves
// no such profiles, and has no pprof encoder.
export const PPROF_UNAVAILABLE =
  'debug pprof is not available in promtool-ts: it collects Go runtime profiles (/debug/pprof), which prometheus-ts, a Node program, does not have';

export async function run(_args: string[]): Promise<number> {
  process.stderr.write(`promtool: error: ${PPROF_UNAVAILABLE}\n`);
  return 1;
}
