// --web.config.file: basic auth with bcrypt hashes and TLS, on the real server; and promtool-ts
// check web-config giving the real promtool's verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import bcrypt from 'bcryptjs';
import { startOurServer, runCommand, runPromtoolTs } from '../../support/server.ts';
import { freePort, peer, tempDir } from '../../support/peers.ts';
import { checkBasicAuth } from '../../../src/web/webconfig/index.ts';
import type { IncomingMessage } from 'node:http';

test('basic auth results are cached, in a bounded cache: guessed passwords do not grow memory', () => {
  const users = { admin: bcrypt.hashSync('s3cret', 4) };
  const cache = new Map<string, boolean>();
  const req = (p: string) => ({ headers: { authorization: `Basic ${Buffer.from(`admin:${p}`).toString('base64')}` } }) as IncomingMessage;
  assert.equal(checkBasicAuth(req('s3cret'), users, cache), true);
  for (let i = 0; i < 300; i++) assert.equal(checkBasicAuth(req(`guess${i}`), users, cache), false);
  assert.ok(cache.size <= 100, `cache holds ${cache.size}`);
  assert.equal(checkBasicAuth(req('s3cret'), users, cache), true);
});

test('basic auth: requests without the right password get 401, with it 200', async (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  writeFileSync(join(dir, 'web.yml'), `basic_auth_users:\n  admin: ${bcrypt.hashSync('s3cret', 4)}\n`);
  const port = await freePort();
  const s = await startOurServer('global:\n  scrape_interval: 1m\n', [`--web.config.file=${join(dir, 'web.yml')}`], { port, waitReady: false });
  t.after(() => s.stop());
  const auth = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
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
  assert.equal((await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('admin', 'wrong') })).status, 401);
  assert.equal((await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('nobody', 's3cret') })).status, 401);
  const ok = await fetch(`${s.url}/api/v1/query?query=1`, { headers: auth('admin', 's3cret') });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { status: string }).status, 'success');
  assert.equal((await fetch(`${s.url}/metrics`)).headers.get('www-authenticate'), 'Basic');
});

test('TLS: the server answers https with the configured certificate', async (t) => {
  const openssl = '/usr/bin/openssl';
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const gen = await runCommand(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost']);
  if (gen.code !== 0) {
    t.skip(`openssl could not make a certificate: ${gen.stderr}`);
    return;
  }
  writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n');
  const port = await freePort();
  const s = await startOurServer('global:\n  scrape_interval: 1m\n', [`--web.config.file=${join(dir, 'web.yml')}`], { port, waitReady: false });
  t.after(() => s.stop());
  const get = () =>
    new Promise<{ status: number; body: string; cn: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/-/healthy', rejectUnauthorized: false }, (res) => {
        const cn = String((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN);
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cn }));
      });
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
  // Plain HTTP is not served.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/-/healthy`).then(async (x) => (await x.text(), x.status === 200 ? Promise.reject(new Error('served http')) : x)).catch((e) => Promise.reject(e)));
});

test('check web-config agrees with the real promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const files: Record<string, string> = {
    'ok.yml': `basic_auth_users:\n  u: ${bcrypt.hashSync('x', 4)}\n`,
    'unknown.yml': 'foo: 1\n',
    'tls-missing-key.yml': 'tls_server_config:\n  cert_file: c.pem\n',
    'client-ca-without-auth.yml': 'tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: ca.pem\n',
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
