// Webex (notify/webex): the message as markdown, cut to Webex's 7439 bytes, posted with the
// room id to the messages API; the bot token comes from http_config.authorization, which
// Alertmanager requires. Only 5xx is retried.
import type { HTTPClientConfig } from '../../config/index.js';
import {
  ConfigReader,
  checkStatus,
  goJSON,
  omitEmpty,
  send,
  templater,
  truncateInBytes,
} from './common.js';
import type {
  AlertmanagerGlobal,
  Integration,
  IntegrationDeps,
  IntegrationType,
  NotifyAlert,
  NotifyContext,
} from './integration.js';

const MAX_MESSAGE_BYTES = 7439;

export interface WebexConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiURL: string;
  message: string;
  roomID: string;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): WebexConfig {
  const r = new ConfigReader(raw, 'WebexConfig');
  const own = r.has('http_config');
  const c: WebexConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiURL: r.url('api_url') ?? global.webexApiUrl,
    message: r.str('message', '{{ template "webex.default.message" . }}'),
    roomID: r.str('room_id'),
  };
  r.done();
  if (c.roomID === '') r.fail('missing room_id on webex_config');
  // Checked on the entry's own http_config, before the global one would apply.
  if (!own || c.http.authorization === undefined)
    r.fail('missing webex_configs.http_config.authorization');
  return c;
}

function create(c: WebexConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'webex',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text } = templater(deps, ctx, alerts);
      const [markdown, truncated] = truncateInBytes(await text(c.message), MAX_MESSAGE_BYTES);
      if (truncated)
        deps.log('debug', 'message truncated due to exceeding maximum allowed length by webex', {
          truncated_message: markdown,
        });
      const res = await send(
        c.apiURL,
        goJSON(omitEmpty({ markdown, roomId: c.roomID }, ['markdown'])),
        { contentType: 'application/json', http: c.http, signal: ctx.signal },
      );
      checkStatus(res);
    },
  };
}

export const webex: IntegrationType<WebexConfig> = {
  configKey: 'webex_configs',
  name: 'webex',
  parse,
  create,
};
