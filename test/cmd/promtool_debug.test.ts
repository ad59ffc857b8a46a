// promtool-ts debug metrics|all|pprof beside the real promtool's debug metrics: the same stdout,
// and the same archive byte for byte once gunzipped (gzip's own header differs between
// implementations) when both fetch the same body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort, peer, tempDir } from '../support/peers.ts';
import { runCommand, runPromtoolTs } from '../support/server.ts';

const BODY = '# HELP up x\n# TYPE up gauge\nup 1\n'.repeat(40);

async function metricsServer(t: { after: (fn: () => void) => void }): Promise<string> {
  const srv = createServer((_req, res) => res.end(BODY));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  return `http://127.0.0.1:${(srv.address() as { port: number }).port}`;
}

test('debug metrics writes the archive promtool writes, with its messages', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const url = await metricsServer(t);
  const real = tempDir('debug-real-');
  const ours = tempDir('debug-ours-');
  t.after(real.cleanup);
  t.after(ours.cleanup);
  const r = await runCommand(promtool, ['debug', 'metrics', url], { cwd: real.dir });
  const o = await runPromtoolTs(['debug', 'metrics', url], { cwd: ours.dir });
  assert.equal(o.code, r.code);
  assert.equal(o.stdout, r.stdout);
  assert.equal(
    o.stdout,
    `collecting: ${url}/metrics\nCompiling debug information complete, all files written in "debug.tar.gz".\n`,
  );
  const tar = gunzipSync(readFileSync(join(ours.dir, 'debug.tar.gz')));
  assert.ok(tar.equals(gunzipSync(readFileSync(join(real.dir, 'debug.tar.gz')))));
});

test('debug metrics: an unreachable server fails as in promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const url = `http://127.0.0.1:${await freePort()}`;
  const { dir, cleanup } = tempDir('debug-');
  t.after(cleanup);
  const r = await runCommand(promtool, ['debug', 'metrics', url], { cwd: dir });
  const o = await runPromtoolTs(['debug', 'metrics', url], { cwd: dir });
  assert.equal(o.code, 1);
  assert.equal(o.code, r.code);
  assert.equal(o.stdout, r.stdout);
  assert.equal(o.stderr, r.stderr);
});

test('debug all collects the metrics and says the profiles are left out; debug pprof refuses in one line', async (t) => {
  const url = await metricsServer(t);
  const { dir, cleanup } = tempDir('debug-');
  t.after(cleanup);
  const all = await runPromtoolTs(['debug', 'all', url], { cwd: dir });
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /^note: profiles left out: .*Go runtime profiles/);
  const tar = gunzipSync(readFileSync(join(dir, 'debug.tar.gz')));
  assert.equal(tar.subarray(0, 11).toString(), 'metrics.txt');
  assert.equal(tar.subarray(512, 512 + BODY.length).toString(), BODY);
  const pprof = await runPromtoolTs(['debug', 'pprof', url], { cwd: dir });
  assert.equal(pprof.code, 1);
  assert.equal(pprof.stdout, '');
  assert.equal(pprof.stderr.split('\n').length, 2);
  assert.match(
    pprof.stderr,
    /^promtool: error: debug pprof is not available in promtool-ts: .*Node/,
  );
});
