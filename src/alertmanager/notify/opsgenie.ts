// Opsgenie (notify/opsgenie): creates an alert keyed by the SHA-256 of the group key (and, with
// update_alerts, rewrites its message and description), or closes it once the group resolves.
// 429 and 5xx are retried.
import { readFileSync } from 'node:fs';
import type { HTTPClientConfig } from '../../config/index.js';
import {
  checkStatus,
  ConfigReader,
  goJSON,
  groupKeyHash,
  omitEmpty,
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

const MAX_MESSAGE_RUNES = 130;
const RESPONDER_TYPES = /^(team|teams|user|escalation|schedule)$/;

interface Responder {
  id: string;
  name: string;
  username: string;
  type: string;
}

export interface OpsGenieConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiKey: string;
  apiKeyFile: string;
  apiURL: string;
  message: string;
  description: string;
  source: string;
  details: Record<string, string>;
  entity: string;
  responders: Responder[];
  actions: string;
  tags: string;
  note: string;
  priority: string;
  updateAlerts: boolean;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): OpsGenieConfig {
  const r = new ConfigReader(raw, 'OpsGenieConfig');
  const c: OpsGenieConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiKey: r.str('api_key'),
    apiKeyFile: r.str('api_key_file'),
    apiURL: r.url('api_url') ?? global.opsgenieApiUrl,
    message: r.str('message', '{{ template "opsgenie.default.message" . }}'),
    description: r.str('description', '{{ template "opsgenie.default.description" . }}'),
    source: r.str('source', '{{ template "opsgenie.default.source" . }}'),
    details: r.stringMap('details') ?? {},
    entity: r.str('entity'),
    responders: r.list('responders').map((m) => {
      const x = new ConfigReader(m, 'OpsGenieConfigResponder');
      const resp = {
        id: x.str('id'),
        name: x.str('name'),
        username: x.str('username'),
        type: x.str('type'),
      };
      x.done();
      return resp;
    }),
    actions: r.str('actions'),
    tags: r.str('tags'),
    note: r.str('note'),
    priority: r.str('priority'),
    updateAlerts: r.bool('update_alerts', false),
  };
  r.done();
  if (c.apiKey !== '' && c.apiKeyFile !== '')
    r.fail('at most one of api_key & api_key_file must be configured');
  for (const x of c.responders) {
    const shown = `{${x.id} ${x.name} ${x.username} ${x.type}}`;
    if (x.id === '' && x.username === '' && x.name === '')
      r.fail(
        `opsGenieConfig responder ${shown} has to have at least one of id, username or name specified`,
      );
    // Alertmanager checks the type in lower case but sends it as written.
    if (!x.type.includes('{{')) {
      if (!RESPONDER_TYPES.test(x.type.toLowerCase()))
        r.fail(
          `opsGenieConfig responder ${shown} type does not match valid options ${RESPONDER_TYPES.source}`,
        );
    }
  }
  c.apiURL = withTrailingSlash(c.apiURL);
  if (c.apiKey === '' && c.apiKeyFile === '') {
    if (global.opsgenieApiKey === undefined && global.opsgenieApiKeyFile === undefined)
      r.fail('no global OpsGenie API Key set either inline or in a file');
    c.apiKey = global.opsgenieApiKey ?? '';
    c.apiKeyFile = global.opsgenieApiKeyFile ?? '';
  }
  return c;
}

/** strings.Split of the trimmed text, empty parts dropped. */
const safeSplit = (s: string, sep: string): string[] =>
  s
    .trim()
    .split(sep)
    .filter((x) => x !== '');

/** The API URL with a path appended and, optionally, ?identifierType=alias merged into its query. */
function endpoint(base: string, path: string, byAlias: boolean): string {
  const u = new URL(base);
  u.pathname += path;
  if (byAlias) {
    u.searchParams.set('identifierType', 'alias');
    u.searchParams.sort();
  }
  return u.toString();
}

function create(c: OpsGenieConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'opsgenie',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { data, text } = templater(deps, ctx, alerts);
      const alias = groupKeyHash(ctx.groupKey);
      const details: Record<string, string> = { ...data.commonLabels };
      for (const [k, v] of Object.entries(c.details)) details[k] = await text(v);
      const requests: { method: string; url: string; body: string }[] = [];
      if (data.status === 'resolved') {
        requests.push({
          method: 'POST',
          url: endpoint(c.apiURL, `v2/alerts/${alias}/close`, true),
          body: goJSON({ source: await text(c.source) }),
        });
      } else {
        const [message, truncated] = truncateInRunes(await text(c.message), MAX_MESSAGE_RUNES);
        if (truncated)
          deps.log('warn', 'Truncated message', {
            alert: ctx.groupKey,
            max_runes: MAX_MESSAGE_RUNES,
          });
        const responders: Record<string, unknown>[] = [];
        for (const x of c.responders) {
          const resp = {
            id: await text(x.id),
            name: await text(x.name),
            username: await text(x.username),
            type: await text(x.type),
          };
          if (resp.id === '' && resp.name === '' && resp.username === '' && resp.type === '')
            continue;
          if (resp.type === 'teams') {
            for (const team of safeSplit(resp.name, ','))
              responders.push(omitEmpty({ name: await text(team), type: 'team' }, ['type']));
            continue;
          }
          responders.push(omitEmpty(resp, ['type']));
        }
        const description = await text(c.description);
        const msg = omitEmpty(
          {
            alias,
            message,
            description,
            details: sortedMap(details),
            source: await text(c.source),
            responders,
            tags: safeSplit(await text(c.tags), ','),
            note: await text(c.note),
            priority: await text(c.priority),
            entity: await text(c.entity),
            actions: safeSplit(await text(c.actions), ','),
          },
          ['alias', 'message', 'details', 'source'],
        );
        requests.push({
          method: 'POST',
          url: endpoint(c.apiURL, 'v2/alerts', false),
          body: goJSON(msg),
        });
        if (c.updateAlerts) {
          requests.push({
            method: 'PUT',
            url: endpoint(c.apiURL, `v2/alerts/${alias}/message`, true),
            body: goJSON(omitEmpty({ message })),
          });
          requests.push({
            method: 'PUT',
            url: endpoint(c.apiURL, `v2/alerts/${alias}/description`, true),
            body: goJSON(omitEmpty({ description })),
          });
        }
      }
      let key: string;
      if (c.apiKey !== '') key = await text(c.apiKey);
      else {
        let content: string;
        try {
          content = readFileSync(c.apiKeyFile, 'utf8');
        } catch (e) {
          throw new NotifyError(`read key_file error: ${(e as Error).message}`, false);
        }
        // Alertmanager uses the file's contents as they are, newline included.
        key = await text(content);
      }
      for (const q of requests) {
        const res = await send(q.url, q.body, {
          method: q.method,
          contentType: 'application/json',
          headers: { Authorization: `GenieKey ${key}` },
          http: c.http,
          signal: ctx.signal,
        });
        checkStatus(res, [429]);
      }
    },
  };
}

export const opsgenie: IntegrationType<OpsGenieConfig> = {
  configKey: 'opsgenie_configs',
  name: 'opsgenie',
  parse,
  create,
};
