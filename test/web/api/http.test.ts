// The API's HTTP behaviour around the answers: CORS as --web.cors.origin says (Prometheus's
// headers, Vary: Origin), gzip for clients that accept it, and every route under the path of
// --web.external-url.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startOurServer, type OurServer } from '../../support/server.ts';
import { freePort, waitReady } from '../../support/peers.ts';

let s: OurServer;
let base = '';

before(async () => {
  const port = await freePort();
  const cfg = `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    metrics_path: /prom/metrics\n    static_configs: [{targets: ['127.0.0.1:${port}', 'localhost:1']}]\n`;
  s = await startOurServer(
    cfg,
    [
      '--web.cors.origin=https?://good\\.example',
      '--web.external-url=http://proxy.example:9999/prom/',
    ],
    { waitReady: false, port },
  );
  base = `${s.url}/prom`;
  await waitReady(`${base}/-/ready`, 30_000, s.proc);
});
after(() => s?.stop());

test('CORS: an origin matching --web.cors.origin is echoed, another gets no Allow-Origin; both Vary on Origin', async () => {
  const good = await fetch(`${base}/api/v1/query?query=1`, {
    headers: { Origin: 'http://good.example' },
  });
  assert.equal(good.status, 200);
  assert.equal(good.headers.get('access-control-allow-origin'), 'http://good.example');
  assert.equal(good.headers.get('access-control-allow-methods'), 'GET, POST, OPTIONS');
  assert.equal(
    good.headers.get('access-control-allow-headers'),
    'Accept, Authorization, Content-Type, Origin',
  );
  assert.equal(good.headers.get('access-control-expose-headers'), 'Date');
  assert.equal(good.headers.get('vary'), 'Origin');
  const bad = await fetch(`${base}/api/v1/query?query=1`, {
    headers: { Origin: 'http://evil.example' },
  });
  assert.equal(bad.status, 200);
  assert.equal(bad.headers.get('access-control-allow-origin'), null);
  assert.equal(bad.headers.get('vary'), 'Origin');
  // The regex is fully anchored.
  const longer = await fetch(`${base}/api/v1/query?query=1`, {
    headers: { Origin: 'http://good.example.evil' },
  });
  assert.equal(longer.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${base}/api/v1/query`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://good.example' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://good.example');
  const none = await fetch(`${base}/api/v1/query?query=1`);
  assert.equal(none.headers.get('access-control-allow-origin'), null);
});

test('gzip: a large API answer is compressed for a client accepting gzip, and still varies on Origin', async () => {
  const r = await fetch(`${base}/api/v1/status/flags`, {
    headers: { 'Accept-Encoding': 'gzip', Origin: 'http://good.example' },
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  assert.equal(r.headers.get('vary'), 'Origin, Accept-Encoding');
  const body = (await r.json()) as { status: string; data: Record<string, string> };
  assert.equal(body.data['web.cors.origin'], 'https?://good\\.example');
  const plain = await fetch(`${base}/api/v1/status/flags`, {
    headers: { 'Accept-Encoding': 'identity' },
  });
  assert.equal(plain.headers.get('content-encoding'), null);
});

test('--web.external-url with a path: every route lives under it, nothing at the root but a redirect', async () => {
  for (const [path, status] of [
    ['/-/healthy', 200],
    ['/-/ready', 200],
    ['/metrics', 200],
    ['/federate?match[]=up', 200],
    ['/api/v1/status/buildinfo', 200],
    ['/api/v1/query?query=1', 200],
    ['/graph', 200],
    ['/api/v1/nope', 404],
  ] as const) {
    assert.equal((await fetch(`${base}${path}`)).status, status, path);
    if (path !== '/graph')
      assert.equal((await fetch(`${s.url}${path}`)).status, 404, `${path} outside the prefix`);
  }
  const root = await fetch(`${s.url}/`, { redirect: 'manual' });
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/prom/graph');
  const lifecycle = await fetch(`${base}/-/reload`, { method: 'POST' });
  assert.equal(lifecycle.status, 403);
});

test('targets: globalUrl is this server as the external URL names it, another local port under the external host; droppedTargetCounts null unless asked for', async () => {
  type Targets = {
    data: {
      activeTargets: { scrapeUrl: string; globalUrl: string }[];
      droppedTargetCounts: Record<string, number> | null;
    };
  };
  const all = (await (await fetch(`${base}/api/v1/targets`)).json()) as Targets;
  const urls = Object.fromEntries(all.data.activeTargets.map((t) => [t.scrapeUrl, t.globalUrl]));
  assert.equal(
    urls[`http://127.0.0.1:${s.port}/prom/metrics`],
    'http://proxy.example:9999/prom/metrics',
    'our own port: scheme, host and port of the external URL',
  );
  assert.equal(
    urls['http://localhost:1/prom/metrics'],
    'http://proxy.example:1/prom/metrics',
    'another port keeps its port',
  );
  assert.deepEqual(all.data.droppedTargetCounts, { self: 0 });
  const active = (await (await fetch(`${base}/api/v1/targets?state=active`)).json()) as Targets;
  assert.equal(active.data.droppedTargetCounts, null, "Go's nil map");
});
