// promtool-ts: promtool's commands and output. Each command family lives in its own module under
// promtool/ (owned by the package it exercises) and exports `run(args): Promise<number>`.
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { globalFlags } from './promtool/flags.js';

const COMMANDS: Record<string, { module: string; help: string }> = {
  check: {
    module: 'check',
    help: 'Check the resources for validity (config, rules, metrics, web-config, healthy, ready, service-discovery).',
  },
  query: {
    module: 'query',
    help: 'Run query against a Prometheus server (instant, range, series, labels).',
  },
  tsdb: {
    module: 'tsdb',
    help: 'Run tsdb commands (list, analyze, dump, create-blocks-from openmetrics|rules, bench write).',
  },
  promql: {
    module: 'promql',
    help: 'PromQL formatting and editing (format, label-matchers). Requires the --experimental flag.',
  },
  debug: {
    module: 'debug',
    help: 'Fetch debug information (metrics, all; pprof is not available).',
  },
  push: { module: 'push', help: 'Push to a Prometheus server (metrics).' },
  test: { module: 'test', help: 'Unit testing (rules, promql).' },
  backtest: {
    module: 'backtest',
    help: 'Evaluate rule files over stored history: when each alert would have been pending and firing (rules; ours).',
  },
};

const VERSION = 'promtool-ts, version 0.1.0 (compatible with promtool 2.48)';

function usage(): string {
  const lines = [
    'usage: promtool-ts [<flags>] <command> [<args> ...]',
    '',
    'Tooling for the Prometheus monitoring system.',
    '',
    'Flags:',
    '  --experimental  Enable experimental commands.',
    '',
    'Commands:',
  ];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)} ${c.help}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // --experimental is global: accepted before or after the command, as kingpin does.
  globalFlags.experimental = argv.includes('--experimental');
  const args = argv.filter((a) => a !== '--' && a !== '--experimental');
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h' || args[0] === 'help') {
    console.log(usage());
    return args.length === 0 ? 1 : 0;
  }
  if (args[0] === '--version') {
    console.log(VERSION);
    return 0;
  }
  const cmd = COMMANDS[args[0]!];
  if (!cmd) {
    console.error(`promtool-ts: error: expected command but got "${args[0]}", try --help`);
    return 1;
  }
  // Resolved at run time so that each family's module is loaded only when used.
  const here = dirname(new URL(import.meta.url).pathname);
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const file = join(here, 'promtool', cmd.module + ext);
  if (!existsSync(file)) {
    console.error(`promtool-ts: error: command "${args[0]}" is not available in this build`);
    return 1;
  }
  const mod = (await import(pathToFileURL(file).href)) as {
    run: (args: string[]) => Promise<number>;
  };
  return mod.run(args.slice(1));
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`promtool-ts: error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
