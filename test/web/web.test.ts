// The HTTP front door alone: lifecycle endpoints, their gate, readiness, route prefix, /metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WebHandler, type Handler } from '../../src/web/web.ts';
import { nopLogger } from '../../src/util/log.ts';
import { newRegistry } from '../../src/util/metrics.ts';
import { freePort } from '../support/peers.ts';

async function start(
  opts: { lifecycle: boolean; prefix?: string; externalPath?: string },
  hooks: {
    reload?: () => Promise<void>;
    ready?: () => boolean;
    quit?: () => void;
    api?: Handler;
    federate?: Handler;
  } = {},
) {
  const port = await freePort();
  const registry = newRegistry();
  const web = new WebHandler({
    listenAddress: `127.0.0.1:${port}`,
    routePrefix: opts.prefix ?? '',
    externalURL: new URL(`http://127.0.0.1:${port}${opts.externalPath ?? opts.prefix ?? ''}/`),
    enableLifecycle: opts.lifecycle,
    uiDir: '/nonexistent',
    pageTitle: 'Prometheus',
    logger: nopLogger,
    registry,
  });
  web.setHooks({
    reload: hooks.reload ?? (async () => {}),
    quit: hooks.quit ?? (() => {}),
    isReady: hooks.ready ?? (() => true),
    ...(hooks.api ? { api: hooks.api } : {}),
    ...(hooks.federate ? { federate: hooks.federate } : {}),
  });
  await web.listen();
  return { url: `http://127.0.0.1:${port}${opts.prefix ?? ''}`, web, registry };
}

test('healthy and ready, with Prometheus texts', async (t) => {
  let ready = false;
  const { url, web } = await start({ lifecycle: false }, { ready: () => ready });
  t.after(() => web.close());
  let r = await fetch(`${url}/-/healthy`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'Prometheus Server is Healthy.\n');
  r = await fetch(`${url}/-/ready`);
  assert.equal(r.status, 503);
  ready = true;
  r = await fetch(`${url}/-/ready`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'Prometheus Server is Ready.\n');
});

test('before ready, the API and /federate answer 503 as Prometheus; healthy, metrics and the WAL replay status answer', async (t) => {
  let ready = false;
  const ok: Handler = async (_req, res) => void res.writeHead(200).end('ok');
  const { url, web } = await start(
    { lifecycle: false },
    { ready: () => ready, api: ok, federate: ok },
  );
  t.after(() => web.close());
  for (const p of ['/api/v1/query?query=1', '/api/v1/status/config', '/federate?match[]=up']) {
    const r = await fetch(`${url}${p}`);
    assert.equal(r.status, 503, p);
    assert.equal(await r.text(), 'Service Unavailable');
  }
  for (const p of ['/-/healthy', '/metrics', '/api/v1/status/walreplay'])
    assert.equal((await fetch(`${url}${p}`)).status, 200, p);
  ready = true;
  for (const p of ['/api/v1/query?query=1', '/federate?match[]=up'])
    assert.equal((await fetch(`${url}${p}`)).status, 200, p);
});

test('lifecycle endpoints are forbidden without --web.enable-lifecycle', async (t) => {
  let reloads = 0;
  const { url, web } = await start({ lifecycle: false }, { reload: async () => void reloads++ });
  t.after(() => web.close());
  for (const p of ['/-/reload', '/-/quit']) {
    const r = await fetch(`${url}${p}`, { method: 'POST' });
    assert.equal(r.status, 403);
    assert.equal(await r.text(), 'Lifecycle API is not enabled.');
  }
  assert.equal(reloads, 0);
});

test('reload with the lifecycle API: success, failure message, method check', async (t) => {
  let fail = false;
  let reloads = 0;
  const { url, web } = await start(
    { lifecycle: true },
    {
      reload: async () => {
        reloads++;
        if (fail) throw new Error('couldn\'t load configuration (--config.file="x.yml"): bad');
      },
    },
  );
  t.after(() => web.close());
  let r = await fetch(`${url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 200);
  r = await fetch(`${url}/-/reload`, { method: 'PUT' });
  assert.equal(r.status, 200);
  fail = true;
  r = await fetch(`${url}/-/reload`, { method: 'POST' });
  assert.equal(r.status, 500);
  assert.match(await r.text(), /^failed to reload config: couldn't load configuration/);
  for (const p of ['/-/reload', '/-/quit']) {
    r = await fetch(`${url}${p}`);
    assert.equal(r.status, 405);
    assert.equal(await r.text(), 'Only POST or PUT requests allowed', 'worded as Prometheus');
  }
  assert.equal(reloads, 3);
});

test('quit with the lifecycle API calls the quit hook', async (t) => {
  let quit = false;
  const { url, web } = await start({ lifecycle: true }, { quit: () => void (quit = true) });
  t.after(() => web.close());
  const r = await fetch(`${url}/-/quit`, { method: 'POST' });
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'Requesting termination... Goodbye!');
  await new Promise((res) => setImmediate(res));
  assert.equal(quit, true);
});

test('route prefix: endpoints live under it, / redirects to the graph page', async (t) => {
  const { url, web } = await start({ lifecycle: false, prefix: '/prom' });
  t.after(() => web.close());
  const base = url.replace('/prom', '');
  assert.equal((await fetch(`${url}/-/healthy`)).status, 200);
  assert.equal((await fetch(`${base}/-/healthy`)).status, 404);
  const r = await fetch(`${base}/`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(r.headers.get('location'), '/prom/graph');
});

test('behind a proxy that strips the external path (--web.route-prefix=/), / leads to the graph page under the external path', async (t) => {
  const { url, web } = await start({ lifecycle: false, prefix: '', externalPath: '/prom' });
  t.after(() => web.close());
  assert.equal((await fetch(`${url}/-/healthy`)).status, 200);
  const r = await fetch(`${url}/`, { redirect: 'manual' });
  assert.equal(r.status, 302);
  assert.equal(
    r.headers.get('location'),
    '/prom/graph',
    'path.Join(external URL path, /graph), as Prometheus',
  );
});

test('/metrics exposes HTTP request metrics by handler and code', async (t) => {
  const { url, web } = await start({ lifecycle: false });
  t.after(() => web.close());
  await fetch(`${url}/-/healthy`);
  await fetch(`${url}/nope`);
  const r = await fetch(`${url}/metrics`);
  assert.equal(r.status, 200);
  const body = await r.text();
  assert.match(body, /prometheus_http_requests_total\{handler="\/-\/healthy",code="200"\} 1/);
  assert.match(
    body,
    /prometheus_http_request_duration_seconds_bucket\{le="0\.1",handler="\/-\/healthy"\} 1/,
  );
});
