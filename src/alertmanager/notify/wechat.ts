// WeChat (notify/wechat): an access token fetched from <api_url>gettoken (kept two hours, dropped
// when WeChat answers 42001), then the message posted to <api_url>message/send. Non-200 statuses
// and an expired token are retried; other WeChat error codes are not.
import type { HTTPClientConfig } from '../../config/index.js';
import { ConfigReader, goJSON, send, templater, withTrailingSlash } from './common.js';
import { encodeValues } from './pushover.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type Integration,
  type IntegrationDeps,
  type IntegrationType,
  type NotifyAlert,
  type NotifyContext,
} from './integration.js';

const TOKEN_TTL_MS = 2 * 3600_000;

export interface WechatConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiSecret: string;
  corpID: string;
  message: string;
  apiURL: string;
  toUser: string;
  toParty: string;
  toTag: string;
  agentID: string;
  messageType: string;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): WechatConfig {
  const r = new ConfigReader(raw, 'WechatConfig');
  const c: WechatConfig = {
    sendResolved: r.bool('send_resolved', false),
    http: r.http(global),
    apiSecret: r.str('api_secret'),
    corpID: r.str('corp_id'),
    message: r.str('message', '{{ template "wechat.default.message" . }}'),
    apiURL: r.url('api_url') ?? global.wechatApiUrl,
    toUser: r.str('to_user', '{{ template "wechat.default.to_user" . }}'),
    toParty: r.str('to_party', '{{ template "wechat.default.to_party" . }}'),
    toTag: r.str('to_tag', '{{ template "wechat.default.to_tag" . }}'),
    agentID: r.str('agent_id', '{{ template "wechat.default.agent_id" . }}'),
    messageType: r.str('message_type') || 'text',
  };
  r.done();
  if (!/^(text|markdown)$/.test(c.messageType))
    r.fail(
      `weChat message type ${JSON.stringify(c.messageType)} does not match valid options ^(text|markdown)$`,
    );
  if (c.apiSecret === '')
    c.apiSecret = global.wechatApiSecret || r.fail('no global Wechat ApiSecret set');
  if (c.corpID === '') c.corpID = global.wechatApiCorpId || r.fail('no global Wechat CorpID set');
  c.apiURL = withTrailingSlash(c.apiURL);
  return c;
}

function create(c: WechatConfig, index: number, deps: IntegrationDeps): Integration {
  let token = '';
  let tokenAt = 0;
  const at = (path: string, query: [string, string][]): string => {
    const u = new URL(c.apiURL);
    u.pathname += path;
    for (const [k, v] of query) u.searchParams.set(k, v);
    return `${u.origin}${u.pathname}?${encodeValues([...u.searchParams])}`;
  };
  return {
    name: 'wechat',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text } = templater(deps, ctx, alerts);
      if (token === '' || Date.now() - tokenAt > TOKEN_TTL_MS) {
        const res = await send(
          at('gettoken', [
            ['corpsecret', await text(c.apiSecret)],
            ['corpid', await text(c.corpID)],
          ]),
          undefined,
          { method: 'GET', http: c.http, signal: ctx.signal },
        );
        let got: unknown;
        try {
          got = JSON.parse(res.body.toString('utf8'));
        } catch (e) {
          throw new NotifyError((e as Error).message, false);
        }
        const t = (got as { access_token?: unknown } | null)?.access_token;
        if (typeof t !== 'string' || t === '')
          throw new NotifyError(`invalid APISecret for CorpID: ${c.corpID}`, false);
        token = t;
        tokenAt = Date.now();
      }
      const content = { content: await text(c.message) };
      const msg = {
        text: c.messageType === 'markdown' ? { content: '' } : content,
        ...Object.fromEntries(
          (
            [
              ['touser', await text(c.toUser)],
              ['toparty', await text(c.toParty)],
              ['totag', await text(c.toTag)],
              ['agentid', await text(c.agentID)],
              ['safe', '0'],
              ['msgtype', c.messageType],
            ] as const
          ).filter(([, v]) => v !== ''),
        ),
        markdown: c.messageType === 'markdown' ? content : { content: '' },
      };
      const res = await send(at('message/send', [['access_token', token]]), goJSON(msg), {
        contentType: 'application/json',
        http: c.http,
        signal: ctx.signal,
      });
      if (res.status !== 200) throw new NotifyError(`unexpected status code ${res.status}`, true);
      let reply: { code?: unknown; error?: unknown };
      try {
        reply = JSON.parse(res.body.toString('utf8')) as { code?: unknown; error?: unknown };
      } catch (e) {
        throw new NotifyError((e as Error).message, true);
      }
      const code = typeof reply.code === 'number' ? reply.code : 0;
      if (code === 0) return;
      const err = typeof reply.error === 'string' ? reply.error : '';
      if (code === 42001) {
        token = '';
        throw new NotifyError(err, true);
      }
      throw new NotifyError(err, false);
    },
  };
}

export const wechat: IntegrationType<WechatConfig> = {
  configKey: 'wechat_configs',
  name: 'wechat',
  parse,
  create,
};
