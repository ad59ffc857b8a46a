// promtool-ts --experimental promql format QUERY: the query pretty-printed as
// /api/v1/format_query prints it (Prometheus 2.48's command; Debian's 2.42 has none).
import { parseExpr, prettify, type Expr } from '../../promql/parser/index.js';
import { experimentalRefused, UsageError, withUsage } from './flags.js';

/** Parses the query, lets `edit` change it, prints it pretty; a parse error is promtool's checkErr. */
export function printEdited(query: string, edit: (e: Expr) => void = () => {}): number {
  let expr: Expr;
  try {
    expr = parseExpr(query);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
  edit(expr);
  process.stdout.write(prettify(expr) + '\n');
  return 0;
}

export function run(args: string[]): Promise<number> {
  return withUsage(async () => {
    const [query, extra] = args;
    if (query === undefined) throw new UsageError("required argument 'query' not provided");
    if (extra !== undefined) throw new UsageError(`unexpected ${extra}`);
    if (experimentalRefused()) return 1;
    return printEdited(query);
  });
}
