// Email against the real Alertmanager 0.25: both send to the same recording SMTP server (plain
// with AUTH PLAIN, STARTTLS with LOGIN, CRAM-MD5) and must say the same commands and the same
// message, apart from Message-Id, Date and the multipart boundary (random in both) and the
// order of the configured headers (Go's map order is random).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { email } from '../../src/alertmanager/notify/email.js';
import { qEncode, quotedPrintable, parseAddressList } from '../../src/alertmanager/notify/mime.js';
import { NotifyError } from '../../src/alertmanager/notify/integration.js';
import {
  amGlobal,
  drive,
  notifyAlerts,
  notifyContext,
  postAlerts,
  startRealAlertmanager,
  type TestAlert,
} from './am_helpers.js';
import { startSMTPSink, type SMTPSinkOptions } from './smtp_sink.js';
import { tempDir } from '../support/peers.js';

const iso = (ms: number) => new Date(ms).toISOString();
// Built just before posting, starting within group_wait: an alert older than that makes the real
// Alertmanager flush its group at once, racing the rest of the batch.
const alertsAt = (now: number): TestAlert[] => [
  {
    labels: { alertname: 'Hot', instance: 'x1', severity: 'page' },
    annotations: {
      summary: 'température <élevée> & "rising"',
      description:
        'a line with trailing spaces   \nand a very long line that goes on and on and on well past the seventy-six character limit of quoted-printable, with = signs',
    },
    startsAt: iso(now - 120),
    generatorURL: 'http://prom/graph?g0.expr=a%3Eb&x=1',
  },
  {
    labels: { alertname: 'Hot', instance: 'x2', severity: 'page' },
    annotations: { summary: 'température <élevée> & "rising"' },
    startsAt: iso(now - 60),
  },
];

function normalize(msg: string): { headers: string[]; body: string } {
  const [head, ...rest] = msg.split('\r\n\r\n');
  const boundary = /boundary=([0-9a-f]+)/.exec(head!)![1]!;
  const headers = head!
    .split('\r\n')
    .map((h) =>
      h
        .replace(boundary, 'BOUNDARY')
        .replace(/^(Message-Id): <\d+\.\d+@[^>]+>$/, '$1: <ID>')
        .replace(/^Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}$/, 'Date: DATE'),
    )
    .sort();
  return { headers, body: rest.join('\r\n\r\n').split(boundary).join('BOUNDARY') };
}

async function compare(
  t: import('node:test').TestContext,
  cfg: (port: number) => Record<string, unknown>,
  sinkOpts: SMTPSinkOptions,
  withDefaultHTML = false,
) {
  const real = await startSMTPSink(t, sinkOpts);
  const c = cfg(real.port);
  const am = await startRealAlertmanager(
    t,
    `
route: { receiver: mail, group_by: [alertname], group_wait: 1s }
receivers:
  - name: mail
    email_configs:
      - ${JSON.stringify(c)}
`,
  );
  if (!am) return;
  await postAlerts(am.url, alertsAt(Date.now()));
  const [r] = await real.waitFor(1);
  if (process.env.DUMP) console.log('REAL', JSON.stringify(real.sessions.map((s) => s.lines)));
  const ours = await startSMTPSink(t, sinkOpts);
  await drive(
    email,
    cfg(ours.port),
    notifyContext('mail', { alertname: 'Hot' }),
    notifyAlerts(alertsAt(Date.now())),
  );
  const [o] = await ours.waitFor(1);
  if (process.env.DUMP) console.log(o!.lines, o!.messages[0]);
  assert.deepEqual(o!.lines, r!.lines);
  assert.equal(o!.messages.length, 1);
  const a = normalize(r!.messages[0]!);
  const b = normalize(o!.messages[0]!);
  assert.deepEqual(b.headers, a.headers);
  assert.equal(b.body, a.body);
  if (withDefaultHTML) assert.match(b.body, /text\/html/);
}

const TEXT =
  '{{ range .Alerts }}{{ .Labels.instance }}: {{ .Annotations.description }}\n{{ end }}.starts with a dot\n{{ .CommonAnnotations.summary }}';
const HTML =
  '<!-- a comment\n html/template drops -->\n<p>{{ .CommonAnnotations.summary }}</p><a href="{{ (index .Alerts 0).GeneratorURL }}">{{ safeHtml "<b>ok</b>" }}</a>' +
  '<a href="http://grafana/d?var-inst={{ (index .Alerts 0).Labels.instance }}&s={{ .CommonAnnotations.summary }}#{{ .Status }}" title="{{ .CommonAnnotations.summary }}">g</a>' +
  '<img src="{{ .ExternalURL }}/img path/{{ .Status }} é.png"><a href=\'{{ "javascript:alert(1)" }}\'>x</a><a href="{{ .Receiver | urlquery }}">r</a>';

test('email: plain SMTP with AUTH PLAIN, text and HTML parts, custom and Q-encoded headers — as the real Alertmanager', async (t) => {
  await compare(
    t,
    (port) => ({
      to: 'Ops Team <ops@example.org>, "Doe, J" <jd@example.org>',
      from: 'am@example.org',
      smarthost: `127.0.0.1:${port}`,
      require_tls: false,
      auth_username: 'u',
      auth_password: 'p',
      auth_identity: '',
      headers: { subject: '[{{ .Status }}] {{ .CommonAnnotations.summary }}', 'x-team': 'ops' },
      text: TEXT,
      html: HTML,
      hello: 'am.test',
    }),
    { auth: ['PLAIN', 'LOGIN'], user: 'u', password: 'p' },
  );
});

test('email: STARTTLS then AUTH LOGIN, and CRAM-MD5 — as the real Alertmanager', async (t) => {
  const { dir, cleanup } = tempDir('am-smtp-');
  t.after(cleanup);
  const gen = spawnSync('/usr/bin/openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
  ]);
  if (gen.status !== 0) return void t.skip('openssl could not make a certificate');
  const tls = {
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  };
  await compare(
    t,
    (port) => ({
      to: 'ops@example.org',
      from: 'AM <am@example.org>',
      smarthost: `127.0.0.1:${port}`,
      auth_username: 'u',
      auth_password: 'p',
      tls_config: { insecure_skip_verify: true },
      text: 'hi',
    }),
    { starttls: tls, auth: ['LOGIN'], user: 'u', password: 'p' },
    true,
  );
  await compare(
    t,
    (port) => ({
      to: 'ops@example.org',
      from: 'am@example.org',
      smarthost: `127.0.0.1:${port}`,
      require_tls: false,
      auth_username: 'u',
      auth_secret: 's3',
      html: '',
      text: 'x',
    }),
    { auth: ['CRAM-MD5', 'PLAIN'], user: 'u', password: 'p', secret: 's3' },
  );
});

test('email: implicit TLS on port 465 — as the real Alertmanager', async (t) => {
  const { dir, cleanup } = tempDir('am-smtps-');
  t.after(cleanup);
  const gen = spawnSync('/usr/bin/openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
  ]);
  if (gen.status !== 0) return void t.skip('openssl could not make a certificate');
  const tls = {
    key: readFileSync(join(dir, 'key.pem')),
    cert: readFileSync(join(dir, 'cert.pem')),
  };
  let sink;
  try {
    sink = await startSMTPSink(t, {
      implicitTLS: tls,
      port: 465,
      auth: ['PLAIN'],
      user: 'u',
      password: 'p',
    });
  } catch (e) {
    return void t.skip(`port 465 is not available here: ${(e as Error).message}`);
  }
  const cfg = {
    to: 'ops@example.org',
    from: 'am@example.org',
    smarthost: '127.0.0.1:465',
    require_tls: false,
    auth_username: 'u',
    auth_password: 'p',
    tls_config: { insecure_skip_verify: true },
    text: '{{ .CommonLabels.alertname }}',
  };
  const am = await startRealAlertmanager(
    t,
    `
route: { receiver: mail, group_by: [alertname], group_wait: 1s }
receivers:
  - name: mail
    email_configs:
      - ${JSON.stringify(cfg)}
`,
  );
  if (!am) return;
  await postAlerts(am.url, alertsAt(Date.now()));
  await sink.waitFor(1);
  await drive(
    email,
    cfg,
    notifyContext('mail', { alertname: 'Hot' }),
    notifyAlerts(alertsAt(Date.now())),
  );
  const [r, o] = await sink.waitFor(2);
  assert.deepEqual(o!.lines, r!.lines);
  assert.equal(normalize(o!.messages[0]!).body, normalize(r!.messages[0]!).body);
});

test('email: require_tls without STARTTLS, refused credentials and a bad from address fail as Alertmanager', async (t) => {
  const sink = await startSMTPSink(t, { auth: ['PLAIN'], user: 'u', password: 'p' });
  const base = {
    to: 'ops@example.org',
    from: 'am@example.org',
    smarthost: `127.0.0.1:${sink.port}`,
  };
  const run = (extra: Record<string, unknown>) =>
    drive(
      email,
      { ...base, ...extra },
      notifyContext('mail', {}),
      notifyAlerts(alertsAt(Date.now())),
    );
  await assert.rejects(
    run({}),
    (e: unknown) =>
      e instanceof NotifyError &&
      e.retry &&
      e.message ===
        `'require_tls' is true (default) but "127.0.0.1:${sink.port}" does not advertise the STARTTLS extension`,
  );
  await assert.rejects(
    run({ require_tls: false, auth_username: 'u', auth_password: 'wrong' }),
    (e: unknown) =>
      e instanceof NotifyError && e.retry && /^\*smtp\.plainAuth auth: 535/.test(e.message),
  );
  await assert.rejects(
    run({ require_tls: false, from: 'nobody' }),
    (e: unknown) =>
      e instanceof NotifyError &&
      !e.retry &&
      e.message === "parse 'from' addresses: mail: missing @ in addr-spec",
  );
});

test('email: config defaults, globals and validation', () => {
  assert.throws(() => email.parse({}, amGlobal()), /missing to address in email config/);
  assert.throws(() => email.parse({ to: 'a@b' }, amGlobal()), /no global SMTP smarthost set/);
  assert.throws(
    () => email.parse({ to: 'a@b', smarthost: 'h:25' }, amGlobal()),
    /no global SMTP from set/,
  );
  assert.throws(
    () => email.parse({ to: 'a@b', smarthost: 'h', from: 'f@x' }, amGlobal()),
    /missing port in address/,
  );
  assert.throws(
    () =>
      email.parse(
        { to: 'a@b', smarthost: 'h:25', from: 'f@x', headers: { subject: 'a', SUBJECT: 'b' } },
        amGlobal(),
      ),
    /duplicate header "Subject" in email config/,
  );
  const c = email.parse(
    { to: 'a@b' },
    amGlobal({
      smtpSmarthost: 'mx:587',
      smtpFrom: 'am@x',
      smtpAuthUsername: 'u',
      smtpRequireTls: false,
    }),
  );
  assert.equal(c.host, 'mx');
  assert.equal(c.port, '587');
  assert.equal(c.hello, 'localhost');
  assert.equal(c.requireTLS, false);
  assert.equal(c.headers.get('Subject'), '{{ template "email.default.subject" . }}');
  assert.equal(c.html, '{{ template "email.default.html" . }}');
});

test('email: MIME pieces as Go writes them', () => {
  assert.equal(qEncode('plain ascii'), 'plain ascii');
  assert.equal(qEncode('café ok?'), '=?utf-8?q?caf=C3=A9_ok=3F?=');
  assert.equal(qEncode('é'.repeat(30)).split(' ').length, 3);
  assert.equal(quotedPrintable('a = b  \nc'), 'a =3D b =20\r\nc');
  assert.equal(quotedPrintable('x'.repeat(80)), 'x'.repeat(75) + '=\r\n' + 'x'.repeat(5));
  assert.deepEqual(parseAddressList('A <a@x>, "B, C" <b@y>, c@z'), ['a@x', 'b@y', 'c@z']);
});
