// The seed's own test_prometheus.py, run against this server (python3 with Debian's
// python3-requests), with a config whose targets are up and the seed's alert rules loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startOurServer, runCommand } from '../support/server.ts';
import { freePort, tempDir } from '../support/peers.ts';
import { SEED } from '../support/paths.ts';

const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

test("the seed's test_prometheus.py passes against this server", async (t) => {
  const check = await runCommand(PYTHON, ['-c', 'import requests']);
  if (check.code !== 0) {
    const reason =
      'python3 requests is not installed (scripts/install-peers.sh installs python3-requests)';
    if (process.env.CI === 'true') throw new Error(reason);
    t.skip(reason);
    return;
  }
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const port = await freePort();
  const config = `global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    cluster: 'mordomo-prod'
    environment: 'production'
rule_files:
  - '${join(SEED, 'rules')}/*.yml'
scrape_configs:
  - job_name: 'prometheus'
    static_configs:
      - targets: ['127.0.0.1:${port}']
`;
  const s = await startOurServer(config, [], { dir, port });
  t.after(() => s.stop());
  // Wait for the first scrape so that `up` has a value and the target is healthy.
  for (let i = 0; i < 100; i++) {
    const r = (await (await fetch(`${s.url}/api/v1/targets`)).json()) as {
      data: { activeTargets: { health: string }[] };
    };
    if (r.data.activeTargets.length > 0 && r.data.activeTargets.every((x) => x.health === 'up'))
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const py = readFileSync(join(SEED, 'test_prometheus.py'), 'utf8').replaceAll(
    'http://localhost:9090',
    s.url,
  );
  const runner = `${py}\n\nif __name__ == '__main__':\n    import sys\n    names = [n for n in list(globals()) if n.startswith('test_')]\n    failed = 0\n    for n in names:\n        try:\n            globals()[n]()\n            print('PASS', n)\n        except Exception as e:\n            failed += 1\n            print('FAIL', n, repr(e))\n    print(f"{len(names) - failed} passed, {failed} failed")\n    sys.exit(1 if failed else 0)\n`;
  const file = join(dir, 'test_prometheus_run.py');
  writeFileSync(file, runner);
  const r = await runCommand(PYTHON, [file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^4 passed, 0 failed$/m);
});
