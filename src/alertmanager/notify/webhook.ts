// The webhook integration (`webhook_configs`): Alertmanager's payload version 4 — the template
// data plus version, groupKey and truncatedAlerts — POSTed as JSON.
import type { HTTPClientConfig } from '../../config/index.js';
import { buildTemplateData } from '../template/index.js';
import { templateDataJSON } from './data.js';
import { effectiveHTTPConfig, integrationAgent, postJSON } from './http.js';
import type { AlertmanagerGlobal, Integration, IntegrationType } from './integration.js';

export interface WebhookConfig {
  readonly url: string;
  readonly sendResolved: boolean;
  readonly maxAlerts: number;
  readonly http: HTTPClientConfig;
}

const FIELDS = new Set(['send_resolved', 'http_config', 'url', 'max_alerts']);

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): WebhookConfig {
  for (const k of Object.keys(raw))
    if (!FIELDS.has(k)) throw new Error(`field ${k} not found in type config.plain`);
  const url = raw.url;
  if (url === undefined || url === null || url === '')
    throw new Error('missing URL in webhook config');
  if (typeof url !== 'string') throw new Error('url: must be a string');
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`parse ${JSON.stringify(url)}: invalid URI for request`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new Error('scheme required for webhook url');
  const sr = raw.send_resolved ?? true;
  if (typeof sr !== 'boolean') throw new Error('send_resolved: cannot unmarshal into bool');
  const max = raw.max_alerts ?? 0;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 0)
    throw new Error(`max_alerts: cannot unmarshal ${JSON.stringify(max)} into uint64`);
  return {
    url,
    sendResolved: sr,
    maxAlerts: max,
    http: effectiveHTTPConfig(raw.http_config, global),
  };
}

function create(c: WebhookConfig, index: number): Integration {
  const agent = integrationAgent(c.url);
  return {
    name: 'webhook',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx, alerts) {
      const sent =
        c.maxAlerts > 0 && alerts.length > c.maxAlerts ? alerts.slice(0, c.maxAlerts) : alerts;
      const msg = {
        ...templateDataJSON(buildTemplateData(ctx, sent)),
        version: '4',
        groupKey: ctx.groupKey,
        truncatedAlerts: alerts.length - sent.length,
      };
      await postJSON(
        c.url,
        JSON.stringify(msg) + '\n',
        c.http,
        ctx.signal,
        (body) => `${c.url}: ${body}`,
        agent,
      );
    },
  };
}

export const webhookType: IntegrationType<WebhookConfig> = {
  configKey: 'webhook_configs',
  name: 'webhook',
  parse,
  create,
};
