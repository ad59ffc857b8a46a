import { dispatch } from './subcommand.js';

export function run(args: string[]): Promise<number> {
  return dispatch(
    'promql',
    {
      format: 'Format PromQL query to pretty printed form.',
      'label-matchers':
        'Edit label matchers contained within an existing PromQL query (set, delete).',
    },
    args,
  );
}
