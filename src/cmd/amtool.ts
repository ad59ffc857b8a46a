// amtool-ts: amtool 0.25's commands and output — alert query|add, silence add|query|expire|
// import, check-config, config [show], config routes [show]|test — against --alertmanager.url.
import { alertAdd, alertQuery, ALERT_ADD_FLAGS, ALERT_QUERY_FLAGS } from './amtool/alert.js';
import { configFileDefaults, Flags, parseArgs, UsageError, type FlagSpec } from './amtool/args.js';
import {
  checkConfig,
  configShow,
  routesShow,
  routesTest,
  ROUTES_FLAGS,
} from './amtool/config_cmd.js';
import { AMTOOL_VERSION, CommandContext, GLOBAL_FLAGS, type Output } from './amtool/context.js';
import { templateRender, TEMPLATE_RENDER_FLAGS } from './amtool/template_cmd.js';
import {
  silenceAdd,
  silenceExpire,
  silenceImport,
  silenceQuery,
  silenceUpdate,
  SILENCE_ADD_FLAGS,
  SILENCE_IMPORT_FLAGS,
  SILENCE_QUERY_FLAGS,
  SILENCE_UPDATE_FLAGS,
} from './amtool/silence.js';

interface Command {
  path: string[];
  flags: FlagSpec[];
  run: (c: CommandContext) => Promise<number | void>;
}

const COMMANDS: Command[] = [
  { path: ['alert', 'query'], flags: ALERT_QUERY_FLAGS, run: alertQuery },
  { path: ['alert', 'add'], flags: ALERT_ADD_FLAGS, run: alertAdd },
  { path: ['silence', 'query'], flags: SILENCE_QUERY_FLAGS, run: silenceQuery },
  { path: ['silence', 'add'], flags: SILENCE_ADD_FLAGS, run: silenceAdd },
  { path: ['silence', 'expire'], flags: [], run: silenceExpire },
  { path: ['silence', 'import'], flags: SILENCE_IMPORT_FLAGS, run: silenceImport },
  { path: ['silence', 'update'], flags: SILENCE_UPDATE_FLAGS, run: silenceUpdate },
  { path: ['check-config'], flags: [], run: checkConfig },
  { path: ['config', 'show'], flags: [], run: configShow },
  { path: ['config', 'routes', 'show'], flags: ROUTES_FLAGS, run: routesShow },
  { path: ['config', 'routes', 'test'], flags: ROUTES_FLAGS, run: routesTest },
  { path: ['template', 'render'], flags: TEMPLATE_RENDER_FLAGS, run: templateRender },
];
/** The sub-command a group runs when none is named, as kingpin's .Default(). */
const DEFAULTS: Record<string, string> = {
  alert: 'query',
  silence: 'query',
  config: 'show',
  'config routes': 'show',
};
const REFUSED = new Set(['cluster', 'cluster show']);

const USAGE = `usage: amtool-ts [<flags>] <command> [<args> ...]

View and modify the current Alertmanager state (amtool 0.25's commands).

Flags:
  -h, --help               Show help.
      --date.format="2006-01-02 15:04:05 MST"
                           Format of date output
  -v, --verbose            Verbose running information
      --alertmanager.url=http://localhost:9093/
                           Alertmanager to talk to
  -o, --output=simple      Output formatter (simple, extended, json)
      --timeout=30s        Timeout for the executed command
      --version-check      Check alertmanager version. Use --no-version-check to disable.
      --version            Show application version.

Commands:
  alert query* [<flags>] [<matcher-groups>...]
  alert add [<flags>] [<labels>...]
  silence add [<flags>] [<matcher-groups>...]
  silence expire [<silence-ids>...]
  silence import [<flags>] [<input-file>]
  silence query* [<flags>] [<matcher-groups>...]
  silence update [<flags>] [<update-ids>...]
  check-config [<check-files>...]
  config show*
  config routes show* [<flags>]
  config routes test [<flags>] [<labels>...]
  template render --template.glob=GLOB --template.text=TEXT [--template.type=text|html] [--template.data=FILE]
`;

/** Finds the command: the leading words that are not flags name it; groups fall back to their default. */
function resolve(argv: readonly string[]): { cmd: Command; rest: string[] } | string {
  // The words that are not flags nor a flag's value (e.g. the json of -o json).
  const words: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-')) {
      const attached = !a.startsWith('--') && a.length > 2; // -ojson
      if (!a.includes('=') && !attached && takesValue(a)) i++;
      continue;
    }
    words.push(i);
  }
  const path: string[] = [];
  const used = new Set<number>();
  for (const i of words) {
    const next = [...path, argv[i]!];
    if (!COMMANDS.some((c) => next.every((w, k) => c.path[k] === w))) break;
    path.push(argv[i]!);
    used.add(i);
  }
  while (DEFAULTS[path.join(' ')]) path.push(DEFAULTS[path.join(' ')]!);
  const first = words.length > 0 ? argv[words[0]!]! : '';
  if (
    REFUSED.has(path.join(' ')) ||
    REFUSED.has(first) ||
    REFUSED.has(`${path[0] ?? ''} ${argv[words[1] ?? -1] ?? ''}`)
  )
    return `"${path.join(' ') || first}" is not supported by amtool-ts`;
  const cmd = COMMANDS.find((c) => c.path.join(' ') === path.join(' '));
  if (!cmd)
    return words.length === 0
      ? 'expected command but got nothing'
      : `expected command but got "${first}"`;
  return { cmd, rest: argv.filter((_, i) => !used.has(i)) };
}

const VALUED = new Set(
  [...GLOBAL_FLAGS, ...COMMANDS.flatMap((c) => c.flags)]
    .filter((f) => f.kind !== 'bool')
    .flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]),
);
const takesValue = (flag: string) => VALUED.has(flag);

/** Runs one command line; `home` is where amtool's config file is looked for. */
export async function main(argv: string[], io: Output, home?: string): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (argv.includes('--version')) {
    io.out(`amtool-ts, version ${AMTOOL_VERSION} (compatible with amtool 0.25)\n`);
    return 0;
  }
  try {
    const r = resolve(argv);
    if (typeof r === 'string') throw new UsageError(r);
    const specs = [...GLOBAL_FLAGS, ...r.cmd.flags];
    const parsed = parseArgs(r.rest, specs);
    const ctx = new CommandContext(
      new Flags(parsed, specs, configFileDefaults(home)),
      parsed.positional,
      io,
    );
    return (await r.cmd.run(ctx)) ?? 0;
  } catch (e) {
    io.err(`amtool: error: ${(e as Error).message}\n\n`);
    return 1;
  }
}
