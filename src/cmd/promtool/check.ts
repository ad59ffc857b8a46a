import { dispatch } from './subcommand.js';

export function run(args: string[]): Promise<number> {
  return dispatch(
    'check',
    {
      'service-discovery':
        'Perform service discovery for the given job name and report the results, including relabeling.',
      config: 'Check if the config files are valid or not.',
      rules: 'Check if the rule files are valid or not.',
      metrics: 'Pass Prometheus metrics over stdin to lint them for consistency and correctness.',
      'web-config': 'Check if the web config files are valid or not.',
      healthy: 'Check if the Prometheus server is healthy.',
      ready: 'Check if the Prometheus server is ready.',
    },
    args,
  );
}
