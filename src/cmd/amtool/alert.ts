// amtool alert query|add.
import type { FlagSpec } from './args.js';
import { UsageError } from './args.js';
import type { CommandContext } from './context.js';
import { parseMatcher, withAlertnameDefault } from './matcher.js';
import { parseRFC3339, zeroTime } from './times.js';

export const ALERT_QUERY_FLAGS: FlagSpec[] = [
  { name: 'inhibited', short: 'i', kind: 'bool' },
  { name: 'silenced', short: 's', kind: 'bool' },
  { name: 'active', short: 'a', kind: 'bool' },
  { name: 'unprocessed', short: 'u', kind: 'bool' },
  { name: 'receiver', short: 'r', kind: 'string' },
];

export async function alertQuery(c: CommandContext): Promise<void> {
  const f = c.flags;
  const filter = withAlertnameDefault(c.args);
  const states = {
    active: f.bool('active'),
    silenced: f.bool('silenced'),
    inhibited: f.bool('inhibited'),
    unprocessed: f.bool('unprocessed'),
  };
  if (!states.active && !states.silenced && !states.inhibited && !states.unprocessed)
    states.active = true;
  const alerts = await (
    await c.client()
  ).getAlerts({ ...states, receiver: f.str('receiver'), filter });
  c.io.out(c.formatter.alerts(alerts));
}

export const ALERT_ADD_FLAGS: FlagSpec[] = [
  { name: 'generator-url', kind: 'string' },
  { name: 'start', kind: 'string' },
  { name: 'end', kind: 'string' },
  { name: 'annotation', kind: 'list' },
];

/** parseLabels: each argument an equality matcher. */
function labelSet(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of args) {
    const m = parseMatcher(a);
    if (m.type !== '=') throw new UsageError('labels must be specified as key=value pairs');
    out[m.name] = m.value;
  }
  return out;
}

export async function alertAdd(c: CommandContext): Promise<void> {
  const args = [...c.args];
  if (args.length > 0) {
    try {
      labelSet([args[0]!]);
    } catch {
      args[0] = `alertname=${args[0]}`;
    }
  }
  const labels = labelSet(args);
  const annotations = labelSet(c.flags.list('annotation'));
  const start = c.flags.str('start');
  const end = c.flags.str('end');
  const alert: Record<string, unknown> = {
    startsAt: start !== '' ? parseRFC3339(start).toISOString() : zeroTime,
    endsAt: end !== '' ? parseRFC3339(end).toISOString() : zeroTime,
    annotations,
    labels,
  };
  if (c.flags.str('generator-url') !== '') alert['generatorURL'] = c.flags.str('generator-url');
  await (await c.client()).postAlerts([alert]);
}
