// SNS against the real Alertmanager 0.25 (which publishes through the AWS SDK): the same Publish
// body and signed headers, and each side's SigV4 signature verifies under the same
// canonicalisation — so ours signs as AWS's signer does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { sns } from '../../src/alertmanager/notify/sns.js';
import { canonicalRequest } from '../../src/alertmanager/notify/sigv4.js';
import type { IntegrationType } from '../../src/alertmanager/notify/integration.js';
import { amGlobal, type Recorded, type TestAlert } from './am_helpers.js';
import { diffWithReal } from './diff_helpers.js';

const iso = (ms: number) => new Date(ms).toISOString();
const alertsAt = (now: number): TestAlert[] => [
  {
    labels: { alertname: 'Disk', instance: 'h1' },
    annotations: { summary: 'disk 95% full & rising' },
    startsAt: iso(now - 50),
  },
];
const REPLY =
  '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>';
const SECRET = 'secret/Key+1';

/** Recomputes the signature of a recorded request from its own X-Amz-Date and SignedHeaders. */
function verify(r: Recorded): void {
  const auth = String(r.headers['authorization']);
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sns\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  assert.ok(m, auth);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = String(v);
  const url = new URL(r.url, `http://${String(r.headers['host'])}`);
  const canon = canonicalRequest(
    { method: r.method, url, headers, body: r.body },
    m[4]!.split(';'),
  );
  const date = headers['x-amz-date']!;
  const scope = `${m[2]}/${m[3]}/sns/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    date,
    scope,
    createHash('sha256').update(canon.text).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', 'AWS4' + SECRET)
    .update(m[2]!)
    .digest();
  for (const p of [m[3]!, 'sns', 'aws4_request'])
    key = createHmac('sha256', key).update(p).digest();
  assert.equal(
    createHmac('sha256', key).update(toSign).digest('hex'),
    m[5],
    `signature of ${r.headers['user-agent']}`,
  );
}

test('sns: the same Publish request as the real Alertmanager, and both signatures verify', async (t) => {
  const res = await diffWithReal(
    t,
    [
      {
        type: sns as unknown as IntegrationType<unknown>,
        raw: (s) => ({
          api_url: `${s}/sns`,
          sigv4: { region: 'eu-west-1', access_key: 'AKIDEXAMPLE', secret_key: SECRET },
          topic_arn: 'arn:aws:sns:eu-west-1:123456789012:alerts.fifo',
          attributes: { team: '{{ .CommonLabels.alertname }}', b: 'x y' },
        }),
      },
    ],
    alertsAt(Date.now()),
    { expect: 1, reply: REPLY, compareHeaders: false },
  );
  if (!res) return;
  for (const r of [...res.real, ...res.ours]) verify(r);
  assert.equal(res.ours[0]!.headers['user-agent'], res.real[0]!.headers['user-agent']);
  const signed = (r: Recorded) =>
    /SignedHeaders=([^,]+)/.exec(String(r.headers['authorization']))![1];
  assert.equal(signed(res.ours[0]!), signed(res.real[0]!));
  assert.equal(res.ours[0]!.headers['content-type'], res.real[0]!.headers['content-type']);
});

test('sns: config validation', () => {
  assert.throws(
    () => sns.parse({ sigv4: { region: 'r' } }, amGlobal()),
    /must provide either a Target ARN, Topic ARN, or Phone Number for SNS config/,
  );
  assert.throws(
    () => sns.parse({ topic_arn: 'a', sigv4: { access_key: 'a' } }, amGlobal()),
    /must provide a AWS SigV4 Access key and Secret Key/,
  );
  assert.throws(
    () => sns.parse({ topic_arn: 'a', sigv4: { role_arn: 'arn:x' } }, amGlobal()),
    /role_arn is not supported/,
  );
  assert.equal(
    sns.parse({ topic_arn: 'a', target_arn: 'b', phone_number: 'c' }, amGlobal()).topicARN,
    'a',
  );
});
