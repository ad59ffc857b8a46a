import { dispatch } from './subcommand.js';

export function run(args: string[]): Promise<number> {
  return dispatch(
    'debug',
    {
      pprof: 'Fetch profiling debug information (not available: see docs/promtool.md).',
      metrics: 'Fetch metrics debug information.',
      all: 'Fetch all debug information.',
    },
    args,
  );
}
