// /federate: the real Prometheus federates this server (honor_labels, match[]) and receives the
// selected series with this server's external labels, which follow the series' own labels on
// the wire as Prometheus writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOurServer } from '../util/server.ts';
import { freePort, peer, startRealPrometheus } from '../util/peers.ts';

test('the real Prometheus scraping /federate gets the matched series with external labels', async (t) => {
  if (!peer('prometheus', t)) return;
  const port = await freePort();
  const ours = await startOurServer(`global:\n  scrape_interval: 500ms\n  external_labels:\n    site: edge-1\n    cluster: c1\nscrape_configs:\n  - job_name: self\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`, [], { port });
  t.after(() => ours.stop());
  // Our own text first: the format, sorting and labels.
  let text = '';
  for (let i = 0; i < 50 && !text.includes('up{'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    text = await (await fetch(`${ours.url}/federate?match[]=${encodeURIComponent('{job="self",__name__=~"up|scrape_samples_scraped"}')}`)).text();
  }
  assert.match(text, /^# TYPE scrape_samples_scraped untyped\nscrape_samples_scraped\{instance="127\.0\.0\.1:\d+",job="self",cluster="c1",site="edge-1"\} \d+ \d+\n# TYPE up untyped\nup\{instance="127\.0\.0\.1:\d+",job="self",cluster="c1",site="edge-1"\} 1 \d+\n$/);
  // A large federation answer is gzipped for a client that accepts it.
  const all = await fetch(`${ours.url}/federate?match[]=${encodeURIComponent('{job="self"}')}`, { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(all.headers.get('content-encoding'), 'gzip');
  assert.match(await all.text(), /^# TYPE /);
  assert.equal((await fetch(`${ours.url}/federate?match[]=foo{`)).status, 400);
  const real = await startRealPrometheus(`global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: federate\n    honor_labels: true\n    metrics_path: /federate\n    params:\n      'match[]': ['{job="self"}']\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`);
  t.after(() => real.stop());
  let result: { metric: Record<string, string>; value: [number, string] }[] = [];
  for (let i = 0; i < 100 && result.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const r = (await (await fetch(`${real.url}/api/v1/query?query=${encodeURIComponent('up{job="self"}')}`)).json()) as { data: { result: typeof result } };
    result = r.data.result;
  }
  assert.equal(result.length, 1);
  assert.deepEqual(result[0]!.metric, { __name__: 'up', instance: `127.0.0.1:${port}`, job: 'self', cluster: 'c1', site: 'edge-1' });
  assert.equal(result[0]!.value[1], '1');
});
