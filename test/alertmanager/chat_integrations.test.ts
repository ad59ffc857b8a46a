// VictorOps, WeChat, Telegram, Discord and Webex against the real Alertmanager 0.25 (firing then
// resolved, byte-equal bodies), Pushover against its documented request (Alertmanager's endpoint
// is fixed, so the real one cannot be pointed at a sink), and their validation messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IntegrationType } from '../../src/alertmanager/notify/integration.js';
import { NotifyError } from '../../src/alertmanager/notify/integration.js';
import { victorops } from '../../src/alertmanager/notify/victorops.js';
import { wechat } from '../../src/alertmanager/notify/wechat.js';
import { telegram } from '../../src/alertmanager/notify/telegram.js';
import { discord } from '../../src/alertmanager/notify/discord.js';
import { webex } from '../../src/alertmanager/notify/webex.js';
import { pushover } from '../../src/alertmanager/notify/pushover.js';
import { loadNotificationTemplates } from '../../src/alertmanager/template/index.js';
import { amGlobal, notifyAlerts, notifyContext, startSink, type TestAlert } from './am_helpers.js';
import { diffWithReal } from './diff_helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();
const alertsAt = (now: number): TestAlert[] => [
  {
    labels: { alertname: 'QueueFull', instance: 'q1', job: 'mq' },
    annotations: { summary: 'queue <full> & +1', description: 'ü & ö' },
    startsAt: iso(now - 100),
    generatorURL: 'http://prom/graph?x=1&y=2',
  },
  {
    labels: { alertname: 'QueueFull', instance: 'q2', job: 'mq' },
    annotations: { summary: 'queue <full> & +1' },
    startsAt: iso(now - 50),
  },
];
const U = <C>(x: IntegrationType<C>): IntegrationType<unknown> =>
  x as unknown as IntegrationType<unknown>;
const REPLY = JSON.stringify({
  ok: true,
  result: { message_id: 1, chat: { id: 42 } },
  access_token: 'tok',
  code: 0,
});

test('victorops, wechat, telegram, discord, webex: the same requests as the real Alertmanager, firing then resolved', async (t) => {
  await diffWithReal(
    t,
    [
      {
        type: U(victorops),
        raw: (s) => ({
          api_key: 'key1',
          api_url: `${s}/vo`,
          routing_key: 'rk-{{ .CommonLabels.job }}',
          custom_fields: { team: '{{ .CommonLabels.job }}', extra: 'x' },
          message_type: 'WARNING',
        }),
      },
      {
        type: U(victorops),
        raw: (s) => ({
          api_key: 'key2',
          api_url: `${s}/vo2/`,
          routing_key: 'r',
          message_type: 'bogus',
        }),
      },
      {
        type: U(wechat),
        raw: (s) => ({
          send_resolved: true,
          api_url: `${s}/wx/`,
          api_secret: 'sec',
          corp_id: 'corp',
          to_user: '@all',
          agent_id: '1000002',
        }),
      },
      {
        type: U(wechat),
        raw: (s) => ({
          send_resolved: true,
          api_url: `${s}/wxmd`,
          api_secret: 'sec',
          corp_id: 'corp',
          message_type: 'markdown',
        }),
      },
      {
        type: U(telegram),
        raw: (s) => ({ api_url: `${s}/tg`, bot_token: 'bot123', chat_id: -1001 }),
      },
      {
        type: U(telegram),
        raw: (s) => ({
          api_url: `${s}/tg2`,
          bot_token: 'bot456',
          chat_id: 7,
          parse_mode: '',
          disable_notifications: true,
          message: '{{ .CommonAnnotations.summary }}',
        }),
      },
      { type: U(discord), raw: (s) => ({ webhook_url: `${s}/dc/123/abc` }) },
      {
        type: U(webex),
        raw: (s) => ({
          api_url: `${s}/wb`,
          room_id: 'room1',
          http_config: { authorization: { credentials: 'wbtoken' } },
        }),
      },
    ],
    alertsAt(Date.now()),
    { resolve: true, expect: 10, expectResolved: 8, headers: ['authorization'], reply: REPLY },
  );
});

test('pushover: the query Alertmanager sends, truncation, "(no details)" and html', async (t) => {
  const sink = await startSink(t);
  const templates = await loadNotificationTemplates([], '.');
  const cfg = {
    ...pushover.parse(
      {
        user_key: 'u k',
        token: 'tok',
        retry: '90s',
        expire: '2h',
        sound: 'siren',
        html: true,
        message: '{{ .CommonAnnotations.summary }}',
      },
      amGlobal(),
    ),
    apiURL: `${sink.url}/1/messages.json`,
  };
  await pushover
    .create(cfg, 0, { templates, log: () => {} })
    .notify(notifyContext('po', { alertname: 'QueueFull' }), notifyAlerts(alertsAt(Date.now())));
  const r = sink.requests[0]!;
  assert.equal(r.method, 'POST');
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.body, '');
  const u = new URL(r.url, 'http://x');
  assert.deepEqual(
    [...u.searchParams.keys()],
    [
      'expire',
      'html',
      'message',
      'priority',
      'retry',
      'sound',
      'title',
      'token',
      'url',
      'url_title',
      'user',
    ],
  );
  assert.equal(u.searchParams.get('message'), 'queue &lt;full&gt; &amp; &#43;1');
  assert.equal(u.searchParams.get('title'), '[FIRING:2] QueueFull (mq)');
  assert.equal(u.searchParams.get('priority'), '2');
  assert.equal(u.searchParams.get('retry'), '90');
  assert.equal(u.searchParams.get('expire'), '7200');
  assert.equal(u.searchParams.get('user'), 'u k');
  assert.match(r.url, /user=u\+k$/);
  const empty = { ...cfg, html: false, message: '  ', title: 'x'.repeat(300) };
  await pushover
    .create(empty, 0, { templates, log: () => {} })
    .notify(notifyContext('po', {}), notifyAlerts(alertsAt(Date.now())));
  const u2 = new URL(sink.requests[1]!.url, 'http://x');
  assert.equal(u2.searchParams.get('message'), '(no details)');
  assert.equal([...u2.searchParams.get('title')!].length, 250);
  assert.ok(u2.searchParams.get('title')!.endsWith('…'));
  assert.equal(
    pushover.parse({ user_key: 'u', token: 't' }, amGlobal()).apiURL,
    'https://api.pushover.net/1/messages.json',
  );
});

test('wechat: a rejected secret, and an expired token (42001) is retried and fetched again', async (t) => {
  let reply = { access_token: 'tok1', code: 42001, error: 'access_token expired' };
  const templates = await loadNotificationTemplates([], '.');
  const dyn = await (async () => {
    const { createServer } = await import('node:http');
    const got: string[] = [];
    const s = createServer((req, res) => {
      got.push(req.url ?? '');
      res.end(JSON.stringify(reply));
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    t.after(() => s.close());
    return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, got };
  })();
  const w = wechat.create(
    wechat.parse({ api_url: `${dyn.url}/`, api_secret: 's', corp_id: 'c' }, amGlobal()),
    0,
    { templates, log: () => {} },
  );
  await assert.rejects(
    w.notify(notifyContext('w', {}), notifyAlerts(alertsAt(Date.now()))),
    (e: unknown) => e instanceof NotifyError && e.retry && e.message === 'access_token expired',
  );
  reply = { access_token: 'tok2', code: 0, error: '' };
  await w.notify(notifyContext('w', {}), notifyAlerts(alertsAt(Date.now())));
  assert.deepEqual(
    dyn.got.map((u) => u.replace(/\?.*/, '')),
    ['/gettoken', '/message/send', '/gettoken', '/message/send'],
  );
  assert.equal(dyn.got[3], '/message/send?access_token=tok2');
  reply = { access_token: '', code: 0, error: '' };
  const w2 = wechat.create(
    wechat.parse({ api_url: `${dyn.url}/`, api_secret: 's', corp_id: 'c' }, amGlobal()),
    0,
    { templates, log: () => {} },
  );
  await assert.rejects(
    w2.notify(notifyContext('w', {}), notifyAlerts(alertsAt(Date.now()))),
    /invalid APISecret for CorpID: c/,
  );
});

test('victorops, wechat, telegram, discord, webex, pushover: config validation', () => {
  const g = amGlobal();
  assert.throws(
    () => victorops.parse({ api_key: 'k' }, g),
    /missing Routing key in VictorOps config/,
  );
  assert.throws(() => victorops.parse({ routing_key: 'r' }, g), /no global VictorOps API Key set/);
  assert.throws(
    () => victorops.parse({ api_key: 'k', routing_key: 'r', custom_fields: { entity_id: 'x' } }, g),
    /custom field entity_id which cannot be used/,
  );
  assert.throws(
    () => wechat.parse({ api_secret: 's', corp_id: 'c', message_type: 'html' }, g),
    /weChat message type "html" does not match valid options/,
  );
  assert.throws(() => wechat.parse({ corp_id: 'c' }, g), /no global Wechat ApiSecret set/);
  assert.throws(() => telegram.parse({ chat_id: 1 }, g), /missing bot_token on telegram_config/);
  assert.throws(() => telegram.parse({ bot_token: 'b' }, g), /missing chat_id on telegram_config/);
  assert.throws(
    () => telegram.parse({ bot_token: 'b', chat_id: 1, parse_mode: 'html' }, g),
    /unknown parse_mode/,
  );
  assert.equal(
    telegram.parse({ bot_token: 'b', chat_id: 1 }, g).apiURL,
    'https://api.telegram.org',
  );
  assert.throws(() => discord.parse({}, g), /no discord webhook URL provided/);
  assert.throws(
    () => webex.parse({ room_id: 'r' }, g),
    /missing webex_configs.http_config.authorization/,
  );
  assert.throws(
    () => webex.parse({ http_config: { authorization: { credentials: 'x' } } }, g),
    /missing room_id on webex_config/,
  );
  assert.throws(() => pushover.parse({ token: 't' }, g), /missing user key in Pushover config/);
  assert.throws(
    () => pushover.parse({ user_key: 'u', token: 't', retry: '5x' }, g),
    /invalid duration/,
  );
});
