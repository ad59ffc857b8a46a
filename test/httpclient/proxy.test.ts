// proxy_url, no_proxy, proxy_from_environment and proxy_connect_header, through a forward proxy of
// the test's own: plain-http targets are asked of it in absolute form, https ones through a
// CONNECT tunnel; Proxy-Authorization comes from the proxy URL's user info.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  doRequest,
  KeepAliveGetter,
  noProxyMatches,
  proxyFor,
} from '../../src/httpclient/index.ts';
import { tempDir } from '../support/peers.ts';
import { runCommand } from '../support/server.ts';

interface Seen {
  method: string;
  url: string;
  auth: string | undefined;
  connectHeader: string | undefined;
}

async function listen(
  t: TestContext,
  srv: ReturnType<typeof createServer> | ReturnType<typeof createHttpsServer>,
): Promise<number> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return (srv.address() as { port: number }).port;
}

async function forwardProxy(t: TestContext): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const note = (req: IncomingMessage) =>
    seen.push({
      method: req.method!,
      url: req.url!,
      auth: req.headers['proxy-authorization'],
      connectHeader: req.headers['x-tunnel'] as string | undefined,
    });
  const srv = createServer((req, res) => {
    note(req);
    const u = new URL(req.url!);
    const up = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: req.method,
        headers: { ...req.headers, 'x-via': 'test-proxy' },
      },
      (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      },
    );
    req.pipe(up);
  });
  srv.on('connect', (req, socket, head) => {
    note(req);
    const [host, port] = req.url!.split(':');
    const up = connect(Number(port), host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
  });
  return { port: await listen(t, srv), seen };
}

test("no_proxy and proxy choice follow Go's httpproxy rules", () => {
  const u = (s: string) => new URL(s);
  assert.ok(noProxyMatches(u('http://a.example.com/'), '.example.com'));
  assert.ok(!noProxyMatches(u('http://example.com/'), '.example.com'));
  assert.ok(noProxyMatches(u('http://example.com/'), 'example.com'));
  assert.ok(noProxyMatches(u('http://x.example.com:9100/'), 'example.com:9100'));
  assert.ok(!noProxyMatches(u('http://x.example.com:9101/'), 'example.com:9100'));
  assert.ok(noProxyMatches(u('http://10.1.2.3/'), '10.0.0.0/8'));
  assert.ok(noProxyMatches(u('http://anything/'), 'foo, *'));
  const cfg = { proxy_url: 'http://proxy:3128' };
  assert.equal(
    proxyFor(u('http://127.0.0.1:9100/metrics'), cfg)?.host,
    'proxy:3128',
    'proxy_url alone proxies everything, localhost too',
  );
  assert.equal(
    proxyFor(u('http://127.0.0.1:9100/metrics'), { ...cfg, no_proxy: 'other' }),
    null,
    'with no_proxy, localhost goes direct',
  );
  assert.equal(proxyFor(u('http://db.internal/metrics'), { ...cfg, no_proxy: '.internal' }), null);
  assert.equal(
    proxyFor(
      u('https://x.org/'),
      { proxy_from_environment: true },
      { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://q:2' },
    )?.host,
    'p:1',
  );
  assert.equal(
    proxyFor(
      u('http://x.org/'),
      { proxy_from_environment: true },
      { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://q:2', NO_PROXY: 'x.org' },
    ),
    null,
  );
});

test('a plain-http request goes through proxy_url, with Proxy-Authorization, even with a kept-alive connection at hand', async (t) => {
  const target = createServer((req, res) =>
    res.end(`via=${req.headers['x-via'] ?? 'direct'} path=${req.url}`),
  );
  const port = await listen(t, target);
  const proxy = await forwardProxy(t);
  const client = { proxy_url: `http://user:p%40ss@127.0.0.1:${proxy.port}` };
  const conn = new KeepAliveGetter();
  t.after(() => conn.close());
  const r = await doRequest(`http://127.0.0.1:${port}/metrics?x=1`, {
    client,
    connection: conn,
    timeoutMs: 5000,
  });
  assert.equal(r.body.toString(), 'via=test-proxy path=/metrics?x=1');
  assert.deepEqual(
    proxy.seen.map((s) => [s.method, s.url]),
    [['GET', `http://127.0.0.1:${port}/metrics?x=1`]],
  );
  assert.equal(proxy.seen[0]!.auth, 'Basic ' + Buffer.from('user:p@ss').toString('base64'));
  const direct = await doRequest(`http://127.0.0.1:${port}/m`, {
    client: { ...client, no_proxy: 'example.org' },
    timeoutMs: 5000,
  });
  assert.equal(
    direct.body.toString(),
    'via=direct path=/m',
    'no_proxy in force: localhost is not proxied',
  );
});

test('an https request goes through a CONNECT tunnel with proxy_connect_header', async (t) => {
  const { dir, cleanup } = tempDir('proxy-tls-');
  t.after(cleanup);
  const gen = await runCommand('/usr/bin/openssl', [
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
  if (gen.code !== 0) return void t.skip(`openssl could not make a certificate: ${gen.stderr}`);
  const target = createHttpsServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => res.end(`tls ok ${req.url}`),
  );
  const port = await listen(t, target);
  const proxy = await forwardProxy(t);
  const client = {
    proxy_url: `http://127.0.0.1:${proxy.port}`,
    proxy_connect_header: { 'X-Tunnel': ['yes'] },
    tls_config: { insecure_skip_verify: true },
  };
  const r = await doRequest(`https://localhost:${port}/secure`, { client, timeoutMs: 5000 });
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'tls ok /secure');
  assert.deepEqual(
    proxy.seen.map((s) => [s.method, s.url, s.connectHeader]),
    [['CONNECT', `localhost:${port}`, 'yes']],
  );
  await assert.rejects(
    doRequest(`https://localhost:${port}/secure`, {
      client: { ...client, tls_config: { insecure_skip_verify: false } },
      timeoutMs: 5000,
    }),
    /self.signed|certificate/i,
    'the target certificate is still checked through the tunnel',
  );
});
