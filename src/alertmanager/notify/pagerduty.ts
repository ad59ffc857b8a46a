// PagerDuty (notify/pagerduty): Events API v2 with a routing key, or the v1 generic API with a
// service key; the dedup/incident key is the SHA-256 of the group key. v2 retries 429, v1 403,
// both every 5xx; a 400's error list is the failure's detail.
import type { HTTPClientConfig } from '../../config/index.js';
import {
  checkStatus,
  ConfigReader,
  goJSON,
  groupKeyHash,
  omitEmpty,
  secretValue,
  send,
  sortedMap,
  templater,
  truncateInRunes,
} from './common.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type Integration,
  type IntegrationDeps,
  type IntegrationType,
  type NotifyAlert,
  type NotifyContext,
} from './integration.js';

const MAX_EVENT_BYTES = 512_000;
const MAX_SUMMARY_RUNES = 1024;
/** Alertmanager posts v1 events here whatever the config says. */
export const PAGERDUTY_V1_URL = 'https://events.pagerduty.com/generic/2010-04-15/create_event.json';

const DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

export interface PagerdutyConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  serviceKey: string;
  serviceKeyFile: string;
  routingKey: string;
  routingKeyFile: string;
  url: string;
  /** Where v1 events go (Alertmanager's fixed endpoint; tests point it elsewhere). */
  v1URL: string;
  client: string;
  clientURL: string;
  description: string;
  details: Record<string, string>;
  images: { src: string; alt: string; href: string }[];
  links: { href: string; text: string }[];
  source: string;
  severity: string;
  class: string;
  component: string;
  group: string;
}

function parse(
  raw: Readonly<Record<string, unknown>>,
  global: AlertmanagerGlobal,
): PagerdutyConfig {
  const r = new ConfigReader(raw, 'PagerdutyConfig');
  const c: PagerdutyConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    serviceKey: r.str('service_key'),
    serviceKeyFile: r.str('service_key_file'),
    routingKey: r.str('routing_key'),
    routingKeyFile: r.str('routing_key_file'),
    url: r.url('url') ?? global.pagerdutyUrl,
    v1URL: PAGERDUTY_V1_URL,
    client: r.str('client', '{{ template "pagerduty.default.client" . }}'),
    clientURL: r.str('client_url', '{{ template "pagerduty.default.clientURL" . }}'),
    description: r.str('description', '{{ template "pagerduty.default.description" .}}'),
    details: { ...DEFAULT_DETAILS, ...r.stringMap('details') },
    images: r.list('images').map((m) => {
      const i = new ConfigReader(m, 'PagerdutyImage');
      const img = { src: i.str('src'), alt: i.str('alt'), href: i.str('href') };
      i.done();
      return img;
    }),
    links: r.list('links').map((m) => {
      const l = new ConfigReader(m, 'PagerdutyLink');
      const link = { href: l.str('href'), text: l.str('text') };
      l.done();
      return link;
    }),
    source: r.str('source'),
    severity: r.str('severity'),
    class: r.str('class'),
    component: r.str('component'),
    group: r.str('group'),
  };
  r.done();
  if (
    c.routingKey === '' &&
    c.serviceKey === '' &&
    c.routingKeyFile === '' &&
    c.serviceKeyFile === ''
  )
    r.fail('missing service or routing key in PagerDuty config');
  if (c.routingKey !== '' && c.routingKeyFile !== '')
    r.fail('at most one of routing_key & routing_key_file must be configured');
  if (c.serviceKey !== '' && c.serviceKeyFile !== '')
    r.fail('at most one of service_key & service_key_file must be configured');
  if (c.source === '') c.source = c.client;
  return c;
}

/** A 400's body {message, errors} as Alertmanager words it; nothing for other statuses. */
function errDetails(status: number, body: Buffer): string {
  if (status !== 400) return '';
  try {
    const p = JSON.parse(body.toString('utf8')) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(p.errors) ? p.errors.map(String).join(',') : '';
    return `${typeof p.message === 'string' ? p.message : ''}: ${errors}`;
  } catch {
    return '';
  }
}

function keyFile(file: string, what: string): string {
  try {
    return secretValue('', file);
  } catch (e) {
    throw new NotifyError(`failed to read ${what} from file: ${(e as Error).message}`, false);
  }
}

function create(c: PagerdutyConfig, index: number, deps: IntegrationDeps): Integration {
  const v1 = c.serviceKey !== '' || c.serviceKeyFile !== '';
  return {
    name: 'pagerduty',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { data, text } = templater(deps, ctx, alerts);
      const eventType = data.status === 'resolved' ? 'resolve' : 'trigger';
      const dedup = groupKeyHash(ctx.groupKey);
      const details: Record<string, string> = {};
      for (const [k, v] of Object.entries(c.details)) {
        try {
          details[k] = await text(v);
        } catch (e) {
          throw new NotifyError(
            `${JSON.stringify(k)}: failed to template ${JSON.stringify(v)}: ${(e as Error).message}`,
            false,
          );
        }
      }
      const [summary, truncated] = truncateInRunes(await text(c.description), MAX_SUMMARY_RUNES);
      if (truncated)
        deps.log('warn', v1 ? 'Truncated description' : 'Truncated summary', {
          key: ctx.groupKey,
          max_runes: MAX_SUMMARY_RUNES,
        });
      let msg: Record<string, unknown>;
      let tooBig: () => void;
      if (v1) {
        const serviceKey = await text(
          c.serviceKey !== '' ? c.serviceKey : keyFile(c.serviceKeyFile, 'service key'),
        );
        msg = omitEmpty(
          {
            service_key: serviceKey,
            incident_key: dedup,
            event_type: eventType,
            description: summary,
            event_action: '',
            payload: null,
            client: eventType === 'trigger' ? await text(c.client) : '',
            client_url: eventType === 'trigger' ? await text(c.clientURL) : '',
            details: sortedMap(details),
          },
          ['event_action', 'payload'],
        );
        if (serviceKey === '') throw new NotifyError('service key cannot be empty', false);
        tooBig = () => (msg['details'] = { error: TRUNCATED });
      } else {
        const routingKey = await text(
          c.routingKey !== '' ? c.routingKey : keyFile(c.routingKeyFile, 'routing key'),
        );
        const images = [];
        for (const i of c.images) {
          const img = { src: await text(i.src), alt: await text(i.alt), href: await text(i.href) };
          if (img.src !== '') images.push(img);
        }
        const links = [];
        for (const l of c.links) {
          const link = { href: await text(l.href), text: await text(l.text) };
          if (link.href !== '') links.push(link);
        }
        const payload: Record<string, unknown> = omitEmpty(
          {
            summary,
            source: await text(c.source),
            severity: await text(c.severity === '' ? 'error' : c.severity),
            timestamp: '',
            class: await text(c.class),
            component: await text(c.component),
            group: await text(c.group),
            custom_details: sortedMap(details),
          },
          ['summary', 'source', 'severity'],
        );
        if (Object.keys(details).length === 0) delete payload['custom_details'];
        msg = omitEmpty(
          {
            routing_key: routingKey,
            dedup_key: dedup,
            event_action: eventType,
            payload,
            client: await text(c.client),
            client_url: await text(c.clientURL),
            images,
            links,
          },
          ['event_action', 'payload'],
        );
        if (routingKey === '') throw new NotifyError('routing key cannot be empty', false);
        tooBig = () => (payload['custom_details'] = { error: TRUNCATED });
      }
      let body = goJSON(msg);
      if (Buffer.byteLength(body) > MAX_EVENT_BYTES) {
        deps.log(
          'warn',
          `Truncated Details because message of size ${metricBytes(Buffer.byteLength(body))} exceeds limit ${metricBytes(MAX_EVENT_BYTES)}`,
        );
        tooBig();
        body = goJSON(msg);
      }
      let res;
      try {
        res = await send(v1 ? c.v1URL : c.url, body, {
          contentType: 'application/json',
          http: c.http,
          signal: ctx.signal,
        });
      } catch (e) {
        throw new NotifyError(
          `failed to post message to PagerDuty${v1 ? ' v1' : ''}: ${(e as Error).message}`,
          true,
        );
      }
      checkStatus(res, v1 ? [403] : [429], errDetails);
    },
  };
}

/** alecthomas/units MetricBytes's String(): each non-zero 1000-power part, largest first, e.g. "600KB123B". */
export function metricBytes(n: number): string {
  if (n === 0) return '0B';
  const parts: string[] = [];
  for (const unit of ['', 'K', 'M', 'G', 'T', 'P', 'E']) {
    if (n % 1000 !== 0) parts.unshift(`${n % 1000}${unit}B`);
    n = Math.floor(n / 1000);
    if (n === 0) break;
  }
  return parts.join('');
}

const TRUNCATED = `Custom details have been removed because the original event exceeds the maximum size of ${metricBytes(MAX_EVENT_BYTES)}`;

export const pagerduty: IntegrationType<PagerdutyConfig> = {
  configKey: 'pagerduty_configs',
  name: 'pagerduty',
  parse,
  create,
};
