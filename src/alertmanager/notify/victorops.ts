// VictorOps (notify/victorops): a flat JSON map posted to <api_url><api_key>/<routing_key>; the
// entity id is the SHA-256 of the group key; message_type falls back to CRITICAL unless it is one
// VictorOps knows, and is RECOVERY once the group resolves. Only 5xx is retried.
import type { HTTPClientConfig } from '../../config/index.js';
import {
  checkStatus,
  ConfigReader,
  goJSON,
  groupKeyHash,
  secretValue,
  send,
  sortedMap,
  templater,
  truncateInRunes,
  withTrailingSlash,
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

const MAX_STATE_MESSAGE_RUNES = 20480;
const RESERVED = [
  'routing_key',
  'message_type',
  'state_message',
  'entity_display_name',
  'monitoring_tool',
  'entity_id',
  'entity_state',
];
const KNOWN_TYPES = new Set(['INFO', 'WARNING', 'CRITICAL']);

export interface VictorOpsConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiKey: string;
  apiKeyFile: string;
  apiURL: string;
  routingKey: string;
  messageType: string;
  stateMessage: string;
  entityDisplayName: string;
  monitoringTool: string;
  customFields: Record<string, string>;
}

function parse(
  raw: Readonly<Record<string, unknown>>,
  global: AlertmanagerGlobal,
): VictorOpsConfig {
  const r = new ConfigReader(raw, 'VictorOpsConfig');
  const c: VictorOpsConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiKey: r.str('api_key'),
    apiKeyFile: r.str('api_key_file'),
    apiURL: r.url('api_url') ?? global.victoropsApiUrl,
    routingKey: r.str('routing_key'),
    messageType: r.str('message_type', 'CRITICAL'),
    stateMessage: r.str('state_message', '{{ template "victorops.default.state_message" . }}'),
    entityDisplayName: r.str(
      'entity_display_name',
      '{{ template "victorops.default.entity_display_name" . }}',
    ),
    monitoringTool: r.str(
      'monitoring_tool',
      '{{ template "victorops.default.monitoring_tool" . }}',
    ),
    customFields: r.stringMap('custom_fields') ?? {},
  };
  r.done();
  if (c.routingKey === '') r.fail('missing Routing key in VictorOps config');
  if (c.apiKey !== '' && c.apiKeyFile !== '')
    r.fail('at most one of api_key & api_key_file must be configured');
  for (const f of RESERVED) {
    if (f in c.customFields)
      r.fail(
        `victorOps config contains custom field ${f} which cannot be used as it conflicts with the fixed/static fields`,
      );
  }
  c.apiURL = withTrailingSlash(c.apiURL);
  if (c.apiKey === '' && c.apiKeyFile === '') {
    if (global.victoropsApiKey === undefined && global.victoropsApiKeyFile === undefined)
      r.fail('no global VictorOps API Key set');
    c.apiKey = global.victoropsApiKey ?? '';
    c.apiKeyFile = global.victoropsApiKeyFile ?? '';
  }
  return c;
}

function create(c: VictorOpsConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'victorops',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { data, text } = templater(deps, ctx, alerts);
      let apiKey: string;
      try {
        apiKey = secretValue(c.apiKey, c.apiKeyFile);
      } catch (e) {
        throw new NotifyError(`failed to read API key from file: ${(e as Error).message}`, false);
      }
      const u = new URL(c.apiURL);
      u.pathname += `${apiKey}/${await text(c.routingKey)}`;
      let messageType = await text(c.messageType);
      if (data.status === 'firing' && !KNOWN_TYPES.has(messageType)) messageType = 'CRITICAL';
      if (data.status === 'resolved') messageType = 'RECOVERY';
      const [stateMessage, truncated] = truncateInRunes(
        await text(c.stateMessage),
        MAX_STATE_MESSAGE_RUNES,
      );
      if (truncated)
        deps.log('warn', 'Truncated state_message', {
          incident: ctx.groupKey,
          max_runes: MAX_STATE_MESSAGE_RUNES,
        });
      const msg: Record<string, string> = {
        message_type: messageType,
        entity_id: groupKeyHash(ctx.groupKey),
        entity_display_name: await text(c.entityDisplayName),
        state_message: stateMessage,
        monitoring_tool: await text(c.monitoringTool),
      };
      for (const [k, v] of Object.entries(c.customFields)) msg[k] = await text(v);
      const res = await send(u.toString(), goJSON(sortedMap(msg)), {
        contentType: 'application/json',
        http: c.http,
        signal: ctx.signal,
      });
      checkStatus(res);
    },
  };
}

export const victorops: IntegrationType<VictorOpsConfig> = {
  configKey: 'victorops_configs',
  name: 'victorops',
  parse,
  create,
};
