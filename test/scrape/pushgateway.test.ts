// More real peers on the scrape side: Debian's Pushgateway (honor_labels, pushed groups with
// their job/instance labels), and promtool-ts check metrics beside the real promtool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startOurServer, runCommand, runPromtoolTs } from '../support/server.ts';
import { freePort, peer, startProcess, waitReady } from '../support/peers.ts';

test('Pushgateway: pushed metrics are scraped with honor_labels, keeping the pushed job and instance', async (t) => {
  const bin = peer('pushgateway', t);
  if (!bin) return;
  const pgPort = await freePort();
  const pg = startProcess(bin, [`--web.listen-address=127.0.0.1:${pgPort}`]);
  t.after(() => pg.stop());
  await waitReady(`http://127.0.0.1:${pgPort}/-/ready`, 15_000, pg);
  const push = await fetch(`http://127.0.0.1:${pgPort}/metrics/job/backup/instance/db-1`, {
    method: 'POST',
    body: '# TYPE last_backup_seconds gauge\nlast_backup_seconds 1700000000\n',
  });
  assert.equal(push.status, 200);
  const port = await freePort();
  const s = await startOurServer(
    `global:\n  scrape_interval: 500ms\nscrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n    static_configs: [{targets: ['127.0.0.1:${pgPort}']}]\n`,
    [],
    { port },
  );
  t.after(() => s.stop());
  let result: { metric: Record<string, string>; value: [number, string] }[] = [];
  for (let i = 0; i < 100 && result.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    result = (
      (await (await fetch(`${s.url}/api/v1/query?query=last_backup_seconds`)).json()) as {
        data: { result: typeof result };
      }
    ).data.result;
  }
  assert.deepEqual(result[0]!.metric, {
    __name__: 'last_backup_seconds',
    instance: 'db-1',
    job: 'backup',
  });
  assert.equal(result[0]!.value[1], '1700000000');
  // The Pushgateway's own series keep the scrape's job (no conflict), and `up` is the scrape job's.
  const up = (
    (await (await fetch(`${s.url}/api/v1/query?query=up`)).json()) as {
      data: { result: typeof result };
    }
  ).data.result;
  assert.equal(up[0]!.metric['job'], 'pushgateway');
});

test('check metrics: the same problems and exit code as the real promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const inputs = [
    '# HELP good_total ok\n# TYPE good_total counter\ngood_total 1\n',
    '# HELP a_seconds x\n# TYPE a_seconds counter\na_seconds 1\nno_help 2\n# TYPE b_total gauge\n# HELP b_total b\nb_total 3\n',
    '# HELP req_milliseconds x\n# TYPE req_milliseconds gauge\nreq_milliseconds 1\n# HELP fooBar x\n# TYPE fooBar gauge\nfooBar 2\n',
    'bad line here\n',
  ];
  for (const input of inputs) {
    const real = await runCommand(promtool, ['check', 'metrics'], { input });
    const ours = await runPromtoolTs(['check', 'metrics'], { input });
    assert.equal(ours.code, real.code, input);
    if (real.code !== 1) assert.equal(ours.stderr, real.stderr, input);
  }
});
