// amtool template render: expands --template.text with the templates of --template.glob against
// --template.data (template.Data as JSON) or amtool's built-in example data.
import { readFileSync } from 'node:fs';
import { loadNotificationTemplates } from '../../alertmanager/template/index.js';
import type { TemplateAlert, TemplateData } from '../../alertmanager/notify/index.js';
import { UsageError, type FlagSpec } from './args.js';
import type { CommandContext } from './context.js';

export const TEMPLATE_RENDER_FLAGS: FlagSpec[] = [
  { name: 'template.glob', kind: 'list' },
  { name: 'template.text', kind: 'string' },
  { name: 'template.type', kind: 'string' },
  { name: 'template.data', kind: 'string' },
];

/** amtool's example data, times relative to now. */
function exampleData(now: number): TemplateData {
  const common = { commonlabelkey1: 'commonlabelvalue1', commonlabelkey2: 'commonlabelvalue2' };
  const commonAnn = {
    commonannotationkey1: 'commonannotationvalue1',
    commonannotationkey2: 'commonannotationvalue2',
  };
  const alert = (
    labels: Record<string, string>,
    annotations: Record<string, string>,
    agoMin: number,
    fp: string,
  ): TemplateAlert => ({
    status: 'alertstatus' as 'firing',
    labels: { ...labels, ...common },
    annotations: { ...annotations, ...commonAnn },
    startsAt: new Date(now - agoMin * 60_000),
    endsAt: new Date(now),
    generatorURL: 'https://generatorurl.com',
    fingerprint: fp,
  });
  return {
    receiver: 'receiver',
    status: 'alertstatus' as 'firing',
    alerts: [
      alert(
        { label1: 'value1', label2: 'value2', instance: 'foo.bar:1234' },
        { annotation1: 'value1', annotation2: 'value2' },
        5,
        'fingerprint1',
      ),
      alert({ foo: 'bar', baz: 'qux' }, { aaa: 'bbb', ccc: 'ddd' }, 10, 'fingerprint2'),
    ],
    groupLabels: { grouplabelkey1: 'grouplabelvalue1', grouplabelkey2: 'grouplabelvalue2' },
    commonLabels: common,
    commonAnnotations: commonAnn,
    externalURL: 'https://example.com',
  };
}

const kv = (v: unknown): Record<string, string> =>
  v && typeof v === 'object'
    ? Object.fromEntries(
        Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]),
      )
    : {};
/** Go's zero time for a missing timestamp. */
const time = (v: unknown): Date => new Date(typeof v === 'string' ? v : '0001-01-01T00:00:00Z');

/** template.Data from its JSON form (the webhook payload's fields). */
function dataFromJSON(text: string): TemplateData {
  const d = JSON.parse(text) as Record<string, unknown>;
  const alerts = Array.isArray(d['alerts']) ? (d['alerts'] as Record<string, unknown>[]) : [];
  return {
    receiver: String(d['receiver'] ?? ''),
    status: String(d['status'] ?? '') as 'firing',
    alerts: alerts.map((a) => ({
      status: String(a['status'] ?? '') as 'firing',
      labels: kv(a['labels']),
      annotations: kv(a['annotations']),
      startsAt: time(a['startsAt']),
      endsAt: time(a['endsAt']),
      generatorURL: String(a['generatorURL'] ?? ''),
      fingerprint: String(a['fingerprint'] ?? ''),
    })),
    groupLabels: kv(d['groupLabels']),
    commonLabels: kv(d['commonLabels']),
    commonAnnotations: kv(d['commonAnnotations']),
    externalURL: String(d['externalURL'] ?? ''),
  };
}

export async function templateRender(c: CommandContext): Promise<void> {
  const globs = c.flags.list('template.glob');
  if (globs.length === 0) throw new UsageError('required flag --template.glob not provided');
  if (!c.flags.has('template.text'))
    throw new UsageError('required flag --template.text not provided');
  const type = c.flags.str('template.type');
  if (type !== '' && type !== 'text' && type !== 'html')
    throw new UsageError(`enum value must be one of html,text, got '${type}'`);
  const templates = await loadNotificationTemplates(globs, process.cwd());
  const file = c.flags.str('template.data');
  const data = file !== '' ? dataFromJSON(readFileSync(file, 'utf8')) : exampleData(Date.now());
  const text = c.flags.str('template.text');
  c.io.out(
    type === 'html'
      ? await templates.expandHTML(text, data)
      : await templates.expandText(text, data),
  );
}
