import { dispatch } from './subcommand.js';

export function run(args: string[]): Promise<number> {
  return dispatch(
    'test',
    {
      rules: 'Unit tests for rules.',
      promql: 'Run PromQL test scripts (promqltest format).',
    },
    args,
  );
}
