// promtool-ts --experimental promql label-matchers set [-t TYPE] QUERY NAME VALUE | delete QUERY
// NAME: every vector selector of the query gets the matcher set (replacing one on the same label)
// or loses the matchers on that label; the result is printed pretty (Prometheus 2.48's command).
import { Matcher, MatchType } from '../../model/labels/index.js';
import { inspect, type Expr } from '../../promql/parser/index.js';
import { experimentalRefused, parseArgs, UsageError, withUsage } from './flags.js';
import { printEdited } from './promql_format.js';

function eachSelector(e: Expr, f: (ms: Matcher[]) => Matcher[]): void {
  inspect(e, (n) => {
    if (n.kind === 'VectorSelector') n.labelMatchers = f(n.labelMatchers);
  });
}

function required(args: string[], names: string[]): string[] {
  for (let i = 0; i < names.length; i++)
    if (args[i] === undefined) throw new UsageError(`required argument '${names[i]}' not provided`);
  if (args.length > names.length) throw new UsageError(`unexpected ${args[names.length]}`);
  return args;
}

function set(args: string[]): number {
  const p = parseArgs(args, ['type'], { t: 'type' });
  const [query, name, value] = required(p.args, ['query', 'name', 'value']) as [
    string,
    string,
    string,
  ];
  const type = p.flags.get('type') ?? '=';
  const types = Object.values(MatchType) as string[];
  if (!types.includes(type))
    throw new UsageError(`enum value must be one of ${types.join(',')}, got '${type}'`);
  if (experimentalRefused()) return 1;
  return printEdited(query, (e) =>
    eachSelector(e, (ms) => {
      const m = new Matcher(type as MatchType, name, value);
      return ms.some((x) => x.name === name)
        ? ms.map((x) => (x.name === name ? m : x))
        : [...ms, m];
    }),
  );
}

function del(args: string[]): number {
  const [query, name] = required(parseArgs(args, [], {}).args, ['query', 'name']) as [
    string,
    string,
  ];
  if (experimentalRefused()) return 1;
  return printEdited(query, (e) => eachSelector(e, (ms) => ms.filter((x) => x.name !== name)));
}

export function run(args: string[]): Promise<number> {
  return withUsage(async () => {
    const sub = args[0];
    if (sub === 'set') return set(args.slice(1));
    if (sub === 'delete') return del(args.slice(1));
    throw new UsageError(
      sub === undefined ? 'expected command but got none' : `expected command but got "${sub}"`,
    );
  });
}
