// Amazon SNS (notify/sns, through the AWS SDK): a Publish call in the query protocol, signed
// with SigV4, to the topic, target or phone number; the message is cut to SNS's size limit (a
// "truncated" attribute says so) and FIFO topics get the group key's hash as group and
// deduplication id. Credentials: sigv4.access_key/secret_key, else AWS_ACCESS_KEY_ID/
// AWS_SECRET_ACCESS_KEY(/AWS_SESSION_TOKEN) from the environment; profiles and role_arn are
// refused at load. 5xx answers are retried, as is any failure to reach SNS.
import type { HTTPClientConfig } from '../../config/index.js';
import { ConfigReader, groupKeyHash, send, templater } from './common.js';
import { signV4, type AWSCredentials } from './sigv4.js';
import {
  NotifyError,
  type AlertmanagerGlobal,
  type Integration,
  type IntegrationDeps,
  type IntegrationType,
  type NotifyAlert,
  type NotifyContext,
} from './integration.js';

/** The User-Agent of the AWS SDK in Debian's Alertmanager 0.25 build. */
const USER_AGENT = 'aws-sdk-go/1.44.133 (go1.19.8; linux; amd64)';

export interface SNSConfig {
  sendResolved: boolean;
  http: Partial<HTTPClientConfig>;
  apiURL: string;
  region: string;
  accessKey: string;
  secretKey: string;
  topicARN: string;
  phoneNumber: string;
  targetARN: string;
  subject: string;
  message: string;
  attributes: Record<string, string>;
}

function parse(raw: Readonly<Record<string, unknown>>, global: AlertmanagerGlobal): SNSConfig {
  const r = new ConfigReader(raw, 'SNSConfig');
  const s = new ConfigReader(r.mapping('sigv4') ?? {}, 'SigV4Config');
  const c: SNSConfig = {
    sendResolved: r.bool('send_resolved', true),
    http: r.http(global),
    apiURL: r.str('api_url'),
    region: s.str('region'),
    accessKey: s.str('access_key'),
    secretKey: s.str('secret_key'),
    topicARN: r.str('topic_arn'),
    phoneNumber: r.str('phone_number'),
    targetARN: r.str('target_arn'),
    subject: r.str('subject', '{{ template "sns.default.subject" . }}'),
    message: r.str('message', '{{ template "sns.default.message" . }}'),
    attributes: r.stringMap('attributes') ?? {},
  };
  if (s.str('profile') !== '')
    s.fail(
      'sigv4.profile is not supported by prometheus-ts (give access_key/secret_key or the AWS_* environment)',
    );
  if (s.str('role_arn') !== '')
    s.fail(
      'sigv4.role_arn is not supported by prometheus-ts (give access_key/secret_key or the AWS_* environment)',
    );
  s.done();
  r.done();
  if ((c.accessKey === '') !== (c.secretKey === ''))
    s.fail(
      'must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config',
    );
  // Alertmanager's check, a chain of inequalities: one of the three, or all three, passes.
  if (((c.targetARN === '') !== (c.topicARN === '')) !== (c.phoneNumber === ''))
    r.fail('must provide either a Target ARN, Topic ARN, or Phone Number for SNS config');
  return c;
}

function credentials(c: SNSConfig): AWSCredentials {
  if (c.accessKey !== '') return { accessKey: c.accessKey, secretKey: c.secretKey };
  const ak = process.env['AWS_ACCESS_KEY_ID'] ?? process.env['AWS_ACCESS_KEY'];
  const sk = process.env['AWS_SECRET_ACCESS_KEY'] ?? process.env['AWS_SECRET_KEY'];
  if (!ak || !sk) throw new NotifyError('NoCredentialProviders: no valid providers in chain', true);
  const token = process.env['AWS_SESSION_TOKEN'];
  return { accessKey: ak, secretKey: sk, ...(token ? { sessionToken: token } : {}) };
}

/** The text of an SNS error answer (<Error><Code>…</Code><Message>…</Message>). */
function awsError(body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '';
  const msg = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
  return code || msg ? `${code}: ${msg}` : body;
}

/** url.Values.Encode over raw bytes: keys sorted, QueryEscape'd (space as +). */
function formEncode(params: [string, string | Buffer][]): string {
  const esc = (v: string | Buffer) =>
    [...(typeof v === 'string' ? Buffer.from(v, 'utf8') : v)]
      .map((b) => {
        const ch = String.fromCharCode(b);
        if (/[A-Za-z0-9\-_.~]/.test(ch)) return ch;
        return b === 0x20 ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
      })
      .join('');
  return [...params]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${esc(k)}=${esc(v)}`)
    .join('&');
}

function create(c: SNSConfig, index: number, deps: IntegrationDeps): Integration {
  return {
    name: 'sns',
    index,
    sendResolved: c.sendResolved,
    async notify(ctx: NotifyContext, alerts: readonly NotifyAlert[]): Promise<void> {
      const { text } = templater(deps, ctx, alerts);
      const region = c.region || process.env['AWS_REGION'] || '';
      const endpoint =
        (await text(c.apiURL)) || (region ? `https://sns.${region}.amazonaws.com` : '');
      if (region === '')
        throw new NotifyError(
          'region not configured in sns.sigv4.region or in default credentials chain',
          true,
        );
      const creds = credentials(c);
      const params: [string, string | Buffer][] = [
        ['Action', 'Publish'],
        ['Version', '2010-03-31'],
      ];
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(c.attributes)) attrs[await text(k)] = await text(v);
      let limit = 256 * 1024;
      if (c.topicARN !== '') {
        const arn = await text(c.topicARN);
        params.push(['TopicArn', arn]);
        if (arn.endsWith('.fifo')) {
          const id = groupKeyHash(ctx.groupKey);
          params.push(['MessageDeduplicationId', id], ['MessageGroupId', id]);
        }
      }
      if (c.phoneNumber !== '') {
        params.push(['PhoneNumber', await text(c.phoneNumber)]);
        limit = 1600;
      }
      if (c.targetARN !== '') params.push(['TargetArn', await text(c.targetARN)]);
      const message = await text(c.message);
      if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(message))
        throw new NotifyError('non utf8 encoded message string', true);
      let bytes = Buffer.from(message, 'utf8');
      if (bytes.length > limit) {
        // Alertmanager cuts at the byte limit, even inside a character.
        bytes = bytes.subarray(0, limit);
        attrs['truncated'] = 'true';
      }
      params.push(['Message', bytes]);
      Object.keys(attrs)
        .sort()
        .forEach((k, i) => {
          const p = `MessageAttributes.entry.${i + 1}`;
          params.push(
            [`${p}.Name`, k],
            [`${p}.Value.DataType`, 'String'],
            [`${p}.Value.StringValue`, attrs[k]!],
          );
        });
      if (c.subject !== '') params.push(['Subject', await text(c.subject)]);
      const body = formEncode(params);
      const url = new URL(endpoint.replace(/\/$/, '') + '/');
      const headers: Record<string, string> = {
        'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
        'Content-Length': String(Buffer.byteLength(body)),
      };
      signV4({ method: 'POST', url, headers, body }, creds, region, 'sns', new Date());
      delete headers['Content-Length'];
      const res = await send(url.toString(), body, {
        headers: { ...headers, 'User-Agent': USER_AGENT },
        http: c.http,
        signal: ctx.signal,
      });
      if (Math.floor(res.status / 100) === 2) return;
      throw new NotifyError(
        `unexpected status code ${res.status}: ${awsError(res.body.toString('utf8'))}`,
        Math.floor(res.status / 100) === 5,
      );
    },
  };
}

export const sns: IntegrationType<SNSConfig> = {
  configKey: 'sns_configs',
  name: 'sns',
  parse,
  create,
};
