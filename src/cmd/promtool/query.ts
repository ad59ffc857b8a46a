// promtool-ts query instant|range|series|labels SERVER …: queries any server that speaks the
// HTTP API (this one or Prometheus) and prints the results as promtool does.
import { goNetError } from './goerrors.js';

interface Flags {
  pos: string[];
  opts: Map<string, string[]>;
}

function parseArgs(args: string[]): Flags {
  const pos: string[] = [];
  const opts = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2)) {
      let name = a.replace(/^--?/, '');
      let value: string;
      const eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.slice(eq + 1);
        name = name.slice(0, eq);
      } else {
        value = args[++i] ?? '';
      }
      if (name === 'o') name = 'format';
      opts.set(name, [...(opts.get(name) ?? []), value]);
    } else pos.push(a);
  }
  return { pos, opts };
}

/** model.Time's String(): seconds, shortest decimals. */
function secs(t: number): string {
  return String(t);
}

function metricString(m: Record<string, string>): string {
  const name = m['__name__'] ?? '';
  const rest = Object.keys(m)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`);
  return `${name}{${rest.join(', ')}}`;
}

export async function call(
  server: string,
  path: string,
  params: [string, string][],
  method = 'POST',
): Promise<unknown> {
  const url = new URL(path, server.endsWith('/') ? server : server + '/');
  const body = new URLSearchParams(params);
  let res: Response;
  try {
    res =
      method === 'GET'
        ? await fetch(url)
        : await fetch(url, {
            method,
            body,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          });
  } catch (e) {
    throw new Error(
      `${method === 'GET' ? 'Get' : 'Post'} ${JSON.stringify(url.toString())}: ${goNetError(e)}`,
    );
  }
  const json = (await res.json()) as {
    status: string;
    data: unknown;
    errorType?: string;
    error?: string;
  };
  if (json.status !== 'success') throw new Error(`${json.errorType}: ${json.error}`);
  return json.data;
}

function printValue(data: { resultType: string; result: unknown }): void {
  const out: string[] = [];
  switch (data.resultType) {
    case 'vector':
      for (const s of data.result as { metric: Record<string, string>; value: [number, string] }[])
        out.push(`${metricString(s.metric)} => ${s.value[1]} @[${secs(s.value[0])}]`);
      break;
    case 'matrix':
      for (const s of data.result as {
        metric: Record<string, string>;
        values: [number, string][];
      }[]) {
        out.push(`${metricString(s.metric)} =>`);
        for (const [t, v] of s.values) out.push(`${v} @[${secs(t)}]`);
      }
      break;
    case 'scalar': {
      const [t, v] = data.result as [number, string];
      out.push(`scalar: ${v} @[${secs(t)}]`);
      break;
    }
    case 'string': {
      const [t, v] = data.result as [number, string];
      out.push(`${v} @[${secs(t)}]`);
      break;
    }
  }
  if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
}

export async function run(args: string[]): Promise<number> {
  const sub = args[0];
  const { pos, opts } = parseArgs(args.slice(1));
  const one = (n: string) => opts.get(n)?.at(-1);
  const server = pos[0];
  if (!server) {
    process.stderr.write("promtool: error: required argument 'server' not provided, try --help\n");
    return 1;
  }
  const json = one('format') === 'json';
  try {
    switch (sub) {
      case 'instant': {
        const params: [string, string][] = [['query', pos[1] ?? '']];
        const t = one('time');
        if (t) params.push(['time', t]);
        const data = (await call(server, 'api/v1/query', params)) as {
          resultType: string;
          result: unknown;
        };
        if (json) process.stdout.write(JSON.stringify(data.result) + '\n');
        else printValue(data);
        return 0;
      }
      case 'range': {
        const now = Date.now() / 1000;
        const end = one('end') ?? String(now);
        const start = one('start') ?? String(Number(end) - 300);
        let step = one('step');
        if (!step) step = String(Math.max(Math.floor((Number(end) - Number(start)) / 250), 1));
        const data = (await call(server, 'api/v1/query_range', [
          ['query', pos[1] ?? ''],
          ['start', start],
          ['end', end],
          ['step', step],
        ])) as { resultType: string; result: unknown };
        if (json) process.stdout.write(JSON.stringify(data.result) + '\n');
        else printValue(data);
        return 0;
      }
      case 'series': {
        const params: [string, string][] = (opts.get('match') ?? []).map(
          (m) => ['match[]', m] as [string, string],
        );
        if (one('start')) params.push(['start', one('start')!]);
        if (one('end')) params.push(['end', one('end')!]);
        const data = (await call(server, 'api/v1/series', params)) as Record<string, string>[];
        if (json) process.stdout.write(JSON.stringify(data) + '\n');
        else
          for (const m of data)
            process.stdout.write(
              `{${Object.keys(m)
                .sort()
                .map((k) => `${k}=${JSON.stringify(m[k])}`)
                .join(', ')}}\n`,
            );
        return 0;
      }
      case 'labels': {
        const params: [string, string][] = (opts.get('match') ?? []).map(
          (m) => ['match[]', m] as [string, string],
        );
        if (one('start')) params.push(['start', one('start')!]);
        if (one('end')) params.push(['end', one('end')!]);
        const q = new URLSearchParams(params).toString();
        const data = (await call(
          server,
          `api/v1/label/${encodeURIComponent(pos[1] ?? '')}/values${q ? '?' + q : ''}`,
          [],
          'GET',
        )) as string[];
        if (json) process.stdout.write(JSON.stringify(data) + '\n');
        else for (const v of data) process.stdout.write(`${v}\n`);
        return 0;
      }
      default:
        process.stderr.write(
          `promtool: error: expected command but got "${sub ?? ''}", try --help\n`,
        );
        return 1;
    }
  } catch (e) {
    process.stderr.write(`query error: ${(e as Error).message}\n`);
    return 1;
  }
}
