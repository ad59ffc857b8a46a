// Telegram (notify/telegram, through the telebot library): sendMessage on
// <api_url>/bot<token>/ with the chat, the text (HTML-escaped expansion when parse_mode is HTML),
// link previews off. Any failure is retried, as Alertmanager does.
import type { HTTPClientConfig } from '../../config/index.js';
import { ConfigReader, goJSON, sortedMap, templater, truncateInRunes } from './common.js';
import { doRequest } from '../../httpclient/index.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type Integration,
  type IntegrationDeps,
  type IntegrationType,
  type NotifyAlert,
  type NotifyContext,
} from './integration.js';

const MAX_MESSAGE_RUNES = 4096;

export interface TelegramConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiURL: string;
  botToken: string;
  chatID: number;
  message: string;
  disableNotifications: boolean;
  parseMode: string;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): TelegramConfig {
  const r = new ConfigReader(raw, 'TelegramConfig');
  const c: TelegramConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiURL: r.url('api_url') ?? global.telegramApiUrl,
    botToken: r.str('bot_token'),
    chatID: r.int('chat_id', 0),
    message: r.str('message', '{{ template "telegram.default.message" . }}'),
    disableNotifications: r.bool('disable_notifications', false),
    parseMode: r.has('parse_mode') ? r.str('parse_mode') : 'HTML',
  };
  r.done();
  if (c.botToken === '') r.fail('missing bot_token on telegram_config');
  if (c.chatID === 0) r.fail('missing chat_id on telegram_config');
  if (!['', 'Markdown', 'MarkdownV2', 'HTML'].includes(c.parseMode))
    r.fail(
      'unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string',
    );
  return c;
}

function create(c: TelegramConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'telegram',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text, html } = templater(deps, ctx, alerts);
      const [message, truncated] = truncateInRunes(
        c.parseMode === 'HTML' ? await html(c.message) : await text(c.message),
        MAX_MESSAGE_RUNES,
      );
      if (truncated)
        deps.log('warn', 'Truncated message', {
          alert: ctx.groupKey,
          max_runes: MAX_MESSAGE_RUNES,
        });
      const params: Record<string, string> = {
        chat_id: String(c.chatID),
        text: message,
        disable_web_page_preview: 'true',
      };
      if (c.parseMode !== '') params['parse_mode'] = c.parseMode;
      if (c.disableNotifications) params['disable_notification'] = 'true';
      // telebot's own client: Go's default User-Agent, not Alertmanager's.
      let res;
      try {
        res = await doRequest(`${c.apiURL}/bot${c.botToken}/sendMessage`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'Go-http-client/1.1' },
          body: goJSON(sortedMap(params)),
          client: c.http,
          signal: ctx.signal,
          maxBodyBytes: 1 << 20,
        });
      } catch (e) {
        throw new NotifyError(
          `telegram: ${(e as Error).message.replace(c.botToken, '<token>')}`,
          true,
        );
      }
      let reply: { ok?: unknown; description?: unknown; error_code?: unknown };
      try {
        reply = JSON.parse(res.body.toString('utf8')) as typeof reply;
      } catch {
        throw new NotifyError(`telegram: unexpected response (status ${res.status})`, true);
      }
      if (reply.ok !== true)
        throw new NotifyError(
          `telegram: ${String(reply.description ?? '')} (${String(reply.error_code ?? res.status)})`,
          true,
        );
    },
  };
}

export const telegram: IntegrationType<TelegramConfig> = {
  configKey: 'telegram_configs',
  name: 'telegram',
  parse,
  create,
};
