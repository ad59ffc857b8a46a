// The alertmanager-ts command line: Alertmanager's flags, the refusal of clustering, --web.config.file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import bcrypt from 'bcryptjs';
import { tempDir } from '../support/peers.js';
import { runCommand } from '../support/server.js';
import { AM_ENTRY, startAlertmanagerTs } from './am_peers.js';

const TSX = import.meta.resolve('tsx');
const ROOT = resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  runCommand(process.execPath, ['--import', TSX, AM_ENTRY, ...args], { cwd: ROOT });

test('cmd: --version, --help with Alertmanager 0.25 flag names and defaults', async () => {
  const v = await run('--version');
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^alertmanager, version 0\.25\.0 /);
  const h = await run('--help');
  assert.equal(h.code, 0);
  for (const f of [
    '--config.file="alertmanager.yml"',
    '--storage.path="data/"',
    '--data.retention=120h',
    '--alerts.gc-interval=30m',
    '--web.listen-address=":9093"',
    '--web.external-url',
    '--web.route-prefix',
    '--web.config.file',
    '--log.level="info"',
    '--log.format="logfmt"',
    '--cluster.listen-address',
  ]) {
    assert.ok(h.stdout.includes(f), f);
  }
});

test('cmd: clustering is refused with one line, the empty listen address accepted', async () => {
  for (const flag of [
    '--cluster.peer=10.0.0.1:9094',
    '--cluster.listen-address=0.0.0.0:9094',
    '--cluster.gossip-interval=1s',
  ]) {
    const r = await run(flag, '--config.file=/nonexistent');
    assert.equal(r.code, 1, flag);
    assert.match(
      r.stderr,
      /^alertmanager: error: --cluster\.[a-z-]+: clustering \(memberlist gossip\) is not supported by prometheus-ts; run with --cluster\.listen-address= \(empty\)\n$/,
    );
  }
  const unknown = await run('--nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown long flag '--nope'/);
  const bad = await run('--cluster.listen-address=', '--config.file=/nonexistent/am.yml');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /open \/nonexistent\/am\.yml: no such file or directory/);
});

test('cmd: --web.config.file basic auth and --web.route-prefix', { timeout: 30_000 }, async (t) => {
  const tmp = tempDir('am-web-');
  t.after(tmp.cleanup);
  writeFileSync(
    join(tmp.dir, 'web.yml'),
    `basic_auth_users:\n  admin: ${bcrypt.hashSync('s3cret', 4)}\n`,
  );
  const am = await startAlertmanagerTs('route: {receiver: r}\nreceivers: [{name: r}]\n', {
    args: ['--web.route-prefix=/am'],
    readyPath: '/am/-/ready',
  });
  t.after(() => am.stop());
  assert.equal((await fetch(`${am.url}/am/api/v2/status`)).status, 200);
  assert.equal((await fetch(`${am.url}/api/v2/status`)).status, 404);
  await am.stop();
  const secured = await startAlertmanagerTs('route: {receiver: r}\nreceivers: [{name: r}]\n', {
    args: [`--web.config.file=${join(tmp.dir, 'web.yml')}`],
    readyHeaders: { Authorization: 'Basic ' + Buffer.from('admin:s3cret').toString('base64') },
  });
  t.after(() => secured.stop());
  assert.equal((await fetch(`${secured.url}/api/v2/status`)).status, 401);
  assert.equal(
    (
      await fetch(`${secured.url}/api/v2/status`, {
        headers: { Authorization: 'Basic ' + Buffer.from('admin:s3cret').toString('base64') },
      })
    ).status,
    200,
  );
});
