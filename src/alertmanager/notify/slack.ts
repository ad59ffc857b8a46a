// Slack (notify/slack): one attachment built from the config's templates, posted as JSON to the
// incoming-webhook URL; only 5xx is retried.
import type { HTTPClientConfig } from '../../config/index.js';
import {
  ConfigReader,
  checkStatus,
  goJSON,
  omitEmpty,
  secretValue,
  send,
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

const MAX_TITLE_RUNES = 1024;

interface SlackField {
  title: string;
  value: string;
  short: boolean | undefined;
}
interface SlackConfirm {
  text: string;
  title: string;
  ok_text: string;
  dismiss_text: string;
}
interface SlackAction {
  type: string;
  text: string;
  url: string;
  style: string;
  name: string;
  value: string;
  confirm: SlackConfirm | undefined;
}

export interface SlackConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiURL: string;
  apiURLFile: string;
  channel: string;
  username: string;
  color: string;
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fields: SlackField[];
  shortFields: boolean;
  footer: string;
  fallback: string;
  callbackID: string;
  iconEmoji: string;
  iconURL: string;
  imageURL: string;
  thumbURL: string;
  linkNames: boolean;
  mrkdwnIn: string[];
  actions: SlackAction[];
}

function parseField(raw: Readonly<Record<string, unknown>>): SlackField {
  const r = new ConfigReader(raw, 'SlackField');
  const f = { title: r.str('title'), value: r.str('value'), short: r.optBool('short') };
  r.done();
  if (f.title === '') r.fail('missing title in Slack field configuration');
  if (f.value === '') r.fail('missing value in Slack field configuration');
  return f;
}

function parseAction(raw: Readonly<Record<string, unknown>>): SlackAction {
  const r = new ConfigReader(raw, 'SlackAction');
  const a: SlackAction = {
    type: r.str('type'),
    text: r.str('text'),
    url: r.str('url'),
    style: r.str('style'),
    name: r.str('name'),
    value: r.str('value'),
    confirm: undefined,
  };
  const confirmRaw = r.mapping('confirm');
  if (confirmRaw) {
    const c = new ConfigReader(confirmRaw, 'SlackConfirmationField');
    a.confirm = {
      text: c.str('text'),
      title: c.str('title'),
      ok_text: c.str('ok_text'),
      dismiss_text: c.str('dismiss_text'),
    };
    c.done();
    if (a.confirm.text === '') c.fail('missing text in Slack confirmation configuration');
  }
  r.done();
  if (a.type === '') r.fail('missing type in Slack action configuration');
  if (a.text === '') r.fail('missing text in Slack action configuration');
  if (a.url !== '') {
    a.name = '';
    a.value = '';
    a.confirm = undefined;
  } else if (a.name === '') r.fail('missing name or url in Slack action configuration');
  return a;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): SlackConfig {
  const r = new ConfigReader(raw, 'SlackConfig');
  const c: SlackConfig = {
    sendResolved: r.bool('send_resolved', false),
    http: r.http(global),
    apiURL: r.url('api_url') ?? '',
    apiURLFile: r.str('api_url_file'),
    channel: r.str('channel'),
    username: r.str('username', '{{ template "slack.default.username" . }}'),
    color: r.str('color', '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}'),
    title: r.str('title', '{{ template "slack.default.title" . }}'),
    titleLink: r.str('title_link', '{{ template "slack.default.titlelink" . }}'),
    pretext: r.str('pretext', '{{ template "slack.default.pretext" . }}'),
    text: r.str('text', '{{ template "slack.default.text" . }}'),
    fields: r.list('fields').map(parseField),
    shortFields: r.bool('short_fields', false),
    footer: r.str('footer', '{{ template "slack.default.footer" . }}'),
    fallback: r.str('fallback', '{{ template "slack.default.fallback" . }}'),
    callbackID: r.str('callback_id', '{{ template "slack.default.callbackid" . }}'),
    iconEmoji: r.str('icon_emoji', '{{ template "slack.default.iconemoji" . }}'),
    iconURL: r.str('icon_url', '{{ template "slack.default.iconurl" . }}'),
    imageURL: r.str('image_url'),
    thumbURL: r.str('thumb_url'),
    linkNames: r.bool('link_names', false),
    mrkdwnIn: r.strings('mrkdwn_in') ?? [],
    actions: r.list('actions').map(parseAction),
  };
  r.done();
  if (c.apiURL !== '' && c.apiURLFile !== '')
    r.fail('at most one of api_url & api_url_file must be configured');
  if (c.apiURL === '' && c.apiURLFile === '') {
    if (global.slackApiUrl === undefined && global.slackApiUrlFile === undefined)
      r.fail('no global Slack API URL set either inline or in a file');
    c.apiURL = global.slackApiUrl ?? '';
    c.apiURLFile = global.slackApiUrlFile ?? '';
  }
  return c;
}

function create(c: SlackConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'slack',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text } = templater(deps, ctx, alerts);
      const [title, truncated] = truncateInRunes(await text(c.title), MAX_TITLE_RUNES);
      if (truncated)
        deps.log('warn', 'Truncated title', { key: ctx.groupKey, max_runes: MAX_TITLE_RUNES });
      const attachment = omitEmpty(
        {
          title,
          title_link: await text(c.titleLink),
          pretext: await text(c.pretext),
          text: await text(c.text),
          fallback: await text(c.fallback),
          callback_id: await text(c.callbackID),
          fields: await Promise.all(
            c.fields.map(async (f) =>
              omitEmpty(
                {
                  title: await text(f.title),
                  value: await text(f.value),
                  short: f.short ?? c.shortFields,
                },
                ['short'],
              ),
            ),
          ),
          actions: await Promise.all(
            c.actions.map(async (a) =>
              omitEmpty({
                type: await text(a.type),
                text: await text(a.text),
                url: await text(a.url),
                style: await text(a.style),
                name: await text(a.name),
                value: await text(a.value),
                confirm:
                  a.confirm &&
                  omitEmpty({
                    text: await text(a.confirm.text),
                    title: await text(a.confirm.title),
                    ok_text: await text(a.confirm.ok_text),
                    dismiss_text: await text(a.confirm.dismiss_text),
                  }),
              }),
            ),
          ),
          image_url: await text(c.imageURL),
          thumb_url: await text(c.thumbURL),
          footer: await text(c.footer),
          color: await text(c.color),
          mrkdwn_in: c.mrkdwnIn.length > 0 ? c.mrkdwnIn : ['fallback', 'pretext', 'text'],
        },
        ['text', 'fallback', 'callback_id', 'footer'],
      );
      const channel = await text(c.channel);
      const body = omitEmpty(
        {
          channel,
          username: await text(c.username),
          icon_emoji: await text(c.iconEmoji),
          icon_url: await text(c.iconURL),
          link_names: c.linkNames,
          attachments: [attachment],
        },
        ['attachments'],
      );
      let url = c.apiURL;
      if (url === '') {
        try {
          url = secretValue('', c.apiURLFile);
        } catch (e) {
          throw new NotifyError((e as Error).message, false);
        }
      }
      const res = await send(url, goJSON(body), {
        contentType: 'application/json',
        http: c.http,
        signal: ctx.signal,
      });
      checkStatus(res, [], undefined, `channel ${JSON.stringify(channel)}: `);
    },
  };
}

export const slack: IntegrationType<SlackConfig> = {
  configKey: 'slack_configs',
  name: 'slack',
  parse,
  create,
};
