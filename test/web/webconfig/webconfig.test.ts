// --web.config.file: basic auth with bcrypt hashes and TLS, on the real server; and promtool-ts
// check web-config giving the real promtool's verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import bcrypt from 'bcryptjs';
import { startOurServer, runCommand, runPromtoolTs } from '../../support/server.ts';
import { freePort, peer, startRealPrometheus, tempDir } from '../../support/peers.ts';
import { connect } from 'node:net';
import { BasicAuth } from '../../../src/web/webconfig/index.ts';
import type { IncomingMessage } from 'node:http';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const authReq = (u: string, p: string) =>
  ({ headers: { authorization: basic(u, p) } }) as IncomingMessage;

test('basic auth outcomes are cached as exporter-toolkit does, in a bounded cache: guessed passwords do not grow memory', async (t) => {
  const auth = new BasicAuth({ admin: bcrypt.hashSync('s3cret', 4) });
  t.after(() => auth.bcrypt.close());
  assert.equal(await auth.check(authReq('admin', 's3cret')), true);
  assert.equal(auth.bcrypt.completed, 1);
  assert.equal(await auth.check(authReq('admin', 's3cret')), true);
  assert.equal(auth.bcrypt.completed, 1, 'a cached success is not compared again');
  assert.equal(await auth.check(authReq('admin', 'wrong')), false);
  assert.equal(await auth.check(authReq('admin', 'wrong')), false);
  assert.equal(auth.bcrypt.completed, 2, 'failures are cached too');
  // Unknown users cost a comparison as known ones do (timing must not tell names apart).
  assert.equal(await auth.check(authReq('nobody', 's3cret')), false);
  assert.equal(auth.bcrypt.completed, 3);
  for (let i = 0; i < 150; i++)
    assert.equal(await auth.check(authReq('admin', `guess${i}`)), false);
  assert.ok(auth.cache.size <= 100, `cache holds ${auth.cache.size}`);
  assert.equal(await auth.check(authReq('admin', 's3cret')), true);
});

test('bcrypt runs on a worker thread: the event loop turns while password checks are in flight', async (t) => {
  // Cost 10 as users' hashes usually are: tens of milliseconds each, serialized on the worker.
  const auth = new BasicAuth({ admin: bcrypt.hashSync('s3cret', 10) });
  t.after(() => auth.bcrypt.close());
  let settled = 0;
  const checks = Array.from({ length: 20 }, (_, i) =>
    auth.check(authReq('admin', `bad${i}`)).then((ok) => (settled++, ok)),
  );
  // Compared on the event loop, all 20 would be settled before this callback could run.
  await new Promise((r) => setImmediate(r));
  assert.ok(settled < 20, `${settled} of 20 checks settled before the event loop turned`);
  assert.deepEqual(await Promise.all(checks), Array(20).fill(false));
  assert.equal(auth.bcrypt.completed, 20);
});

test('basic auth: requests without the right password get 401, with it 200', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(
    join(dir, 'web.yml'),
    `basic_auth_users:\n  admin: ${bcrypt.hashSync('s3cret', 4)}\n`,
  );
  const port = await freePort();
  const s = await startOurServer(
    'global:\n  scrape_interval: 1m\n',
    [`--web.config.file=${join(dir, 'web.yml')}`],
    { port, waitReady: false },
  );
  t.after(() => s.stop());
  const auth = (u: string, p: string) => ({
    Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
  });
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${s.url}/-/ready`, { headers: auth('admin', 's3cret') });
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal((await fetch(`${s.url}/api/v1/query?query=1`)).status, 401);
  assert.equal(
    (await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('admin', 'wrong') })).status,
    401,
  );
  assert.equal(
    (await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('nobody', 's3cret') })).status,
    401,
  );
  const ok = await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('admin', 's3cret') });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { status: string }).status, 'success');
  assert.equal((await fetch(`${s.url}/metrics`)).headers.get('www-authenticate'), 'Basic');
});

test('basic auth on the server: a request with good (cached) credentials is answered while bad-password checks are still in flight', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(
    join(dir, 'web.yml'),
    `basic_auth_users:\n  admin: ${bcrypt.hashSync('s3cret', 10)}\n`,
  );
  const port = await freePort();
  const s = await startOurServer(
    'global:\n  scrape_interval: 1m\n',
    [`--web.config.file=${join(dir, 'web.yml')}`],
    { port, waitReady: false },
  );
  t.after(() => s.stop());
  const auth = (p: string) => ({ Authorization: basic('admin', p) });
  let up = false;
  for (let i = 0; i < 200 && !up; i++) {
    up = await fetch(`${s.url}/-/healthy`, { headers: auth('s3cret') }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, 'server up with the good password (now cached)');
  let settled = 0;
  const bad = Array.from({ length: 30 }, (_, i) =>
    fetch(`${s.url}/-/healthy`, { headers: auth(`bad${i}`) }).then((r) => (settled++, r.status)),
  );
  const good = await fetch(`${s.url}/-/healthy`, { headers: auth('s3cret') });
  assert.equal(good.status, 200);
  // Compared on the event loop, the 30 checks ahead of it would all have run first.
  assert.ok(settled < 30, `${settled} of 30 bad-password requests answered before the good one`);
  assert.deepEqual(await Promise.all(bad), Array(30).fill(401));
});

test('TLS: the server answers https with the configured certificate', async (t) => {
  const openssl = '/usr/bin/openssl';
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const gen = await runCommand(openssl, [
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
  if (gen.code !== 0) {
    t.skip(`openssl could not make a certificate: ${gen.stderr}`);
    return;
  }
  writeFileSync(
    join(dir, 'web.yml'),
    'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n',
  );
  const port = await freePort();
  const s = await startOurServer(
    'global:\n  scrape_interval: 1m\n',
    [`--web.config.file=${join(dir, 'web.yml')}`],
    { port, waitReady: false },
  );
  t.after(() => s.stop());
  const get = () =>
    new Promise<{ status: number; body: string; cn: string }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/-/healthy', rejectUnauthorized: false },
        (res) => {
          const cn = String(
            (res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN,
          );
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cn }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  let r: { status: number; body: string; cn: string } | null = null;
  for (let i = 0; i < 100 && r === null; i++) {
    try {
      r = await get();
    } catch {
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  assert.ok(r);
  assert.equal(r.status, 200);
  assert.equal(r.cn, 'localhost');
  // Plain HTTP gets Go's 400 and the connection closes, byte for byte as from the real Prometheus.
  const plain = 'GET /-/healthy HTTP/1.1\r\nHost: localhost\r\n\r\n';
  const ours = await rawExchange(port, plain);
  assert.equal(
    ours,
    'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n',
  );
  if (peer('prometheus') !== null) {
    const real = await startRealPrometheus(
      'global:\n  scrape_interval: 1m\n',
      [`--web.config.file=${join(dir, 'web.yml')}`],
      { waitReady: false },
    );
    t.after(() => real.stop());
    const realPort = Number(new URL(real.url).port);
    let answer = '';
    for (let i = 0; i < 100 && answer === ''; i++) {
      answer = await rawExchange(realPort, plain).catch(() => '');
      if (answer === '') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(answer, ours);
  }
});

/** Sends bytes on a fresh connection and collects everything until the server closes it. */
function rawExchange(port: number, data: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(data));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
    s.setTimeout(10_000, () => s.destroy(new Error('no close within 10 s')));
  });
}

test('check web-config agrees with the real promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const files: Record<string, string> = {
    'ok.yml': `basic_auth_users:\n  u: ${bcrypt.hashSync('x', 4)}\n`,
    'unknown.yml': 'foo: 1\n',
    'tls-missing-key.yml': 'tls_server_config:\n  cert_file: c.pem\n',
    'client-ca-without-auth.yml':
      'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: ca.pem\n',
  };
  for (const [f, text] of Object.entries(files)) {
    writeFileSync(join(dir, f), text);
    const real = await runCommand(promtool, ['check', 'web-config', join(dir, f)]);
    const ours = await runPromtoolTs(['check', 'web-config', join(dir, f)]);
    assert.equal(ours.code, real.code, `${f}: ${ours.stderr} vs ${real.stderr}`);
    assert.equal(ours.stdout, real.stdout);
    if (real.code === 0) assert.equal(ours.stderr, real.stderr);
  }
});
