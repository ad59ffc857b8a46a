import { dispatch } from './subcommand.js';

export function run(args: string[]): Promise<number> {
  return dispatch(
    'push',
    { metrics: 'Push metrics to a prometheus remote write (for testing purpose only).' },
    args,
  );
}
