// Discord (notify/discord): one embed (title, description, red while firing, green once
// resolved) posted to the webhook URL. Only 5xx is retried.
import type { HTTPClientConfig } from '../../config/index.js';
import { ConfigReader, checkStatus, goJSON, send, templater } from './common.js';
import type {
  AlertmanagerGlobal,
  Integration,
  IntegrationDeps,
  IntegrationType,
  NotifyAlert,
  NotifyContext,
} from './integration.js';

const RED = 0x992d22;
const GREEN = 0x2ecc71;

export interface DiscordConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  webhookURL: string;
  title: string;
  message: string;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): DiscordConfig {
  const r = new ConfigReader(raw, 'DiscordConfig');
  const c: DiscordConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    webhookURL: r.url('webhook_url') ?? '',
    title: r.str('title', '{{ template "discord.default.title" . }}'),
    message: r.str('message', '{{ template "discord.default.message" . }}'),
  };
  r.done();
  if (c.webhookURL === '') r.fail('no discord webhook URL provided');
  return c;
}

function create(c: DiscordConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'discord',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { data, text } = templater(deps, ctx, alerts);
      const embed = {
        title: await text(c.title),
        description: await text(c.message),
        color: data.status === 'firing' ? RED : GREEN,
      };
      const res = await send(c.webhookURL, goJSON({ content: '', embeds: [embed] }), {
        contentType: 'application/json',
        http: c.http,
        signal: ctx.signal,
      });
      checkStatus(res);
    },
  };
}

export const discord: IntegrationType<DiscordConfig> = {
  configKey: 'discord_configs',
  name: 'discord',
  parse,
  create,
};
