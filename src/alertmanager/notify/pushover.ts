// Pushover (notify/pushover): every field goes in the query string of a POST to Pushover's fixed
// messages endpoint; title, message and url are cut to Pushover's limits, an empty message becomes
// "(no details)". Only 5xx is retried.
import type { HTTPClientConfig } from '../../config/index.js';
import { ConfigReader, checkStatus, send, templater, truncateInRunes } from './common.js';
import type {
  AlertmanagerGlobal,
  Integration,
  IntegrationDeps,
  IntegrationType,
  NotifyAlert,
  NotifyContext,
} from './integration.js';

/** Alertmanager posts here whatever the config says. */
export const PUSHOVER_URL = 'https://api.pushover.net/1/messages.json';
const LIMITS = { title: 250, message: 1024, url: 512 } as const;

export interface PushoverConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  /** Where messages go (Alertmanager's fixed endpoint; tests point it elsewhere). */
  apiURL: string;
  userKey: string;
  token: string;
  title: string;
  message: string;
  url: string;
  urlTitle: string;
  sound: string;
  priority: string;
  retryMs: number;
  expireMs: number;
  html: boolean;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): PushoverConfig {
  const r = new ConfigReader(raw, 'PushoverConfig');
  const c: PushoverConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiURL: PUSHOVER_URL,
    userKey: r.str('user_key'),
    token: r.str('token'),
    title: r.str('title', '{{ template "pushover.default.title" . }}'),
    message: r.str('message', '{{ template "pushover.default.message" . }}'),
    url: r.str('url', '{{ template "pushover.default.url" . }}'),
    urlTitle: r.str('url_title'),
    sound: r.str('sound'),
    priority: r.str('priority', '{{ if eq .Status "firing" }}2{{ else }}0{{ end }}'),
    retryMs: r.duration('retry', 60_000),
    expireMs: r.duration('expire', 3_600_000),
    html: r.bool('html', false),
  };
  r.done();
  if (c.userKey === '') r.fail('missing user key in Pushover config');
  if (c.token === '') r.fail('missing token in Pushover config');
  return c;
}

/** url.Values.Encode: keys sorted, query-escaped with + for spaces. */
function encodeValues(v: [string, string][]): string {
  const esc = (s: string) =>
    encodeURIComponent(s)
      .replace(/%20/g, '+')
      .replace(/[!'()*]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).toUpperCase());
  return [...v]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, x]) => `${esc(k)}=${esc(x)}`)
    .join('&');
}

function create(c: PushoverConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'pushover',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text, html } = templater(deps, ctx, alerts);
      const cut = (s: string, what: keyof typeof LIMITS) => {
        const [out, truncated] = truncateInRunes(s, LIMITS[what]);
        if (truncated)
          deps.log('warn', `Truncated ${what === 'url' ? 'URL' : what}`, {
            incident: ctx.groupKey,
            max_runes: LIMITS[what],
          });
        return out;
      };
      const params: [string, string][] = [
        ['token', await text(c.token)],
        ['user', await text(c.userKey)],
        ['title', cut(await text(c.title), 'title')],
      ];
      if (c.html) params.push(['html', '1']);
      const message = cut(c.html ? await html(c.message) : await text(c.message), 'message').trim();
      params.push(['message', message === '' ? '(no details)' : message]);
      params.push(
        ['url', cut(await text(c.url), 'url')],
        ['url_title', await text(c.urlTitle)],
        ['priority', await text(c.priority)],
      );
      params.push(
        ['retry', String(Math.trunc(c.retryMs / 1000))],
        ['expire', String(Math.trunc(c.expireMs / 1000))],
        ['sound', await text(c.sound)],
      );
      const u = new URL(c.apiURL);
      const res = await send(`${u.origin}${u.pathname}?${encodeValues(params)}`, '', {
        contentType: 'text/plain',
        http: c.http,
        signal: ctx.signal,
      });
      checkStatus(res);
    },
  };
}

export const pushover: IntegrationType<PushoverConfig> = {
  configKey: 'pushover_configs',
  name: 'pushover',
  parse,
  create,
};
export { encodeValues };
