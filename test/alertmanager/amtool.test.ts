// amtool-ts against the real Alertmanager 0.25, side by side with the real amtool: the same
// commands give the same output, errors and exit codes (alert query|add, silence
// add|query|expire|import in every output format), and each tool sees what the other wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS, peer, tempDir } from '../support/peers.js';
import { startRealAlertmanager } from './am_helpers.js';
import { main } from '../../src/cmd/amtool.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const p = execFile(cmd, args, { env, timeout: 30_000 }, (err, out, errOut) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out, err: errOut }),
    );
    if (stdin !== undefined) p.stdin!.end(stdin);
  });
}

/** amtool-ts in this process (a process per command would make the test slow). */
async function amtoolTS(args: string[], home: string, stdin = ''): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(
    args,
    { out: (s) => (out += s), err: (s) => (err += s), stdin: () => stdin },
    home,
  );
  return { code, out, err };
}

const CONFIG = `
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: crit
      continue: true
    - match: { team: db }
      receiver: db
receivers: [{ name: default }, { name: crit }, { name: db }]
`;

test('amtool-ts and the real amtool against the real Alertmanager: same output for the same commands', async (t) => {
  if (!peer('amtool', t)) return;
  const am = await startRealAlertmanager(t, CONFIG);
  if (!am) return;
  const home = tempDir('amtool-home-');
  t.after(home.cleanup);
  const env = { ...process.env, HOME: home.dir, USER: 'tester' };
  const U = `--alertmanager.url=${am.url}`;
  const real = (args: string[], stdin?: string) => run(PEERS.amtool, [U, ...args], env, stdin);
  const ours = (args: string[], stdin?: string) => amtoolTS([U, ...args], home.dir, stdin);
  const same = async (args: string[], opts: { sort?: boolean; stdin?: string } = {}) => {
    const [a, b] = await Promise.all([real(args, opts.stdin), ours(args, opts.stdin)]);
    const norm = (s: string) => (opts.sort ? s.split('\n').sort().join('\n') : s);
    assert.equal(norm(b.out), norm(a.out), `stdout of ${args.join(' ')}`);
    assert.equal(b.err, a.err, `stderr of ${args.join(' ')}`);
    assert.equal(b.code, a.code, `exit code of ${args.join(' ')}`);
    return b;
  };

  // Each tool adds alerts; both list the same set.
  assert.equal(
    (
      await ours([
        'alert',
        'add',
        'DiskFull',
        'severity=critical',
        'instance=a',
        '--annotation=summary=disk is full',
        '--generator-url=http://prom/g',
      ])
    ).code,
    0,
  );
  assert.equal(
    (await real(['alert', 'add', 'alertname=Lag', 'team=db', '--annotation=summary=lagging'])).code,
    0,
  );
  assert.equal((await ours(['alert', 'add', 'Other', '--start=2024-01-01T00:00:00Z'])).code, 0);
  for (const o of ['simple', 'extended', 'json']) {
    await same(['alert', 'query', '-o', o]);
    await same(['alert', '-o', o, 'query', 'DiskFull']);
  }
  await same(['alert', 'query', 'team=db']);
  await same(['alert', 'query', '--receiver=crit', '-o', 'extended']);

  // Silences written by one tool, read by both.
  const mine = await ours([
    'silence',
    'add',
    'DiskFull',
    'instance=~"a|b"',
    '-c',
    'maintenance',
    '-a',
    'ops',
    '-d',
    '2h',
  ]);
  assert.match(mine.out, /^[0-9a-f-]{36}\n$/);
  const theirs = await real([
    'silence',
    'add',
    'team=db',
    '-c',
    'db work',
    '--start=2030-01-01T00:00:00Z',
    '--end=2030-01-02T00:00:00Z',
  ]);
  assert.match(theirs.out, /^[0-9a-f-]{36}\n$/);
  for (const o of ['simple', 'extended', 'json']) await same(['silence', 'query', '-o', o]);
  await same(['silence', 'query', '-q']);
  await same(['silence', 'query', 'DiskFull']);
  await same(['silence', 'query', '--within=3h']);
  await same(['alert', 'query', '-s']);
  await same(['alert', 'query', '-a', '-s', '-o', 'extended']);

  // Update: the output is the silence as read (its updatedAt then), so each tool updates its own.
  const u1 = await ours([
    'silence',
    'update',
    mine.out.trim(),
    '-c',
    'longer',
    '-d',
    '3h',
    '-o',
    'extended',
  ]);
  const u2 = await real([
    'silence',
    'update',
    theirs.out.trim(),
    '--end=2030-01-03T00:00:00Z',
    '-o',
    'extended',
  ]);
  assert.equal(u1.code, 0, u1.err);
  assert.equal(u2.code, 0, u2.err);
  assert.match(
    u1.out,
    /^ID +Matchers +Starts At +Ends At +Updated At +Created By +Comment {2}\n[0-9a-f-]{36} {2}\{alertname="DiskFull",instance=~"a\|b"\} .* longer {3}\n$/,
  );
  await same(['silence', 'query', '-o', 'extended']);
  await same(['silence', 'update', '00000000-0000-0000-0000-000000000000', '-c', 'x']);

  // Import what query exported (the same ids come back), then expire one with each tool.
  const exported = (await real(['silence', 'query', '-o', 'json'])).out;
  await same(['silence', 'import'], { stdin: exported, sort: true });
  const file = join(home.dir, 'silences.json');
  writeFileSync(file, exported);
  await same(['silence', 'import', file], { sort: true });
  assert.equal((await ours(['silence', 'expire', theirs.out.trim()])).code, 0);
  assert.equal((await real(['silence', 'expire', mine.out.trim()])).code, 0);
  await same(['silence', 'query', '--expired']);
  await same(['silence', 'query']);

  // Errors, worded and exited as amtool's.
  await same(['silence', 'add', 'a=b']);
  await same(['silence', 'add', '-c', 'x', 'a=b', '-d', '0s']);
  await same(['silence', 'add', '-c', 'x', 'a=b', '--end=2020-01-01T00:00:00Z']);
  await same(['silence', 'expire']);
  await same(['silence', 'expire', '00000000-0000-0000-0000-000000000000']);
  await same(['silence', 'import'], { stdin: '' });
  await same(['alert', 'add']);
  const [r, o] = await Promise.all([
    run(PEERS.amtool, ['--alertmanager.url=http://127.0.0.1:1', 'silence', 'query'], env),
    amtoolTS(['--alertmanager.url=http://127.0.0.1:1', 'silence', 'query'], home.dir),
  ]);
  assert.equal(o.err, r.err);
  assert.equal(o.code, r.code);
});

const haveLoader = existsSync(join(process.cwd(), 'src', 'alertmanager', 'config', 'index.ts'));

test(
  'amtool-ts check-config and config routes show|test: as the real amtool',
  {
    skip: haveLoader
      ? false
      : 'the Alertmanager config loader (src/alertmanager/config) is not in this branch',
  },
  async (t) => {
    if (!peer('amtool', t)) return;
    const dir = tempDir('amtool-cfg-');
    t.after(dir.cleanup);
    const env = { ...process.env, HOME: dir.dir };
    const good = join(dir.dir, 'am.yml');
    const bad = join(dir.dir, 'bad.yml');
    writeFileSync(good, CONFIG);
    writeFileSync(bad, 'route: { receiver: x }\nreceivers: [{ name: y }]\n');
    for (const args of [
      ['check-config', good],
      ['check-config', good, bad],
      ['config', 'routes', `--config.file=${good}`],
      ['config', 'routes', 'show', `--config.file=${good}`],
      ['config', 'routes', 'test', `--config.file=${good}`, 'severity=critical', 'team=db'],
      ['config', 'routes', 'test', `--config.file=${good}`, '--tree', 'team=db'],
      [
        'config',
        'routes',
        'test',
        `--config.file=${good}`,
        '--verify.receivers=crit',
        'severity=critical',
      ],
    ]) {
      const [a, b] = await Promise.all([run(PEERS.amtool, args, env), amtoolTS(args, dir.dir)]);
      // Error texts of the loaders differ in wording; the outcome and the report's shape must not.
      const strip = (s: string) => s.replace(/FAILED: .*/g, 'FAILED: …');
      assert.equal(strip(b.out), strip(a.out), `stdout of ${args.join(' ')}`);
      assert.equal(b.code, a.code, `exit code of ${args.join(' ')}`);
    }
  },
);

test('amtool-ts --http.config.file: its basic auth reaches the server; user info in the URL conflicts with it', async (t) => {
  const { startSink } = await import('./am_helpers.js');
  const sink = await startSink(t, () => 200, '[]');
  const dir = tempDir('amtool-http-');
  t.after(dir.cleanup);
  const file = join(dir.dir, 'http.yml');
  writeFileSync(file, 'basic_auth: { username: u, password: p }\n');
  const r = await amtoolTS(
    [
      `--alertmanager.url=${sink.url}/prefix`,
      `--http.config.file=${file}`,
      '--no-version-check',
      'silence',
      'query',
    ],
    dir.dir,
  );
  assert.equal(r.code, 0, r.err);
  assert.equal(sink.requests[0]!.url, '/prefix/api/v2/silences');
  assert.equal(
    sink.requests[0]!.headers['authorization'],
    'Basic ' + Buffer.from('u:p').toString('base64'),
  );
  const both = await amtoolTS(
    [
      `--alertmanager.url=http://x:y@127.0.0.1:1/`,
      `--http.config.file=${file}`,
      'silence',
      'query',
    ],
    dir.dir,
  );
  assert.equal(
    both.err,
    'amtool: error: basic authentication and http.config.file are mutually exclusive\n\n',
  );
  writeFileSync(file, 'oauth3: {}\n');
  const bad = await amtoolTS(
    [`--alertmanager.url=${sink.url}`, `--http.config.file=${file}`, 'silence', 'query'],
    dir.dir,
  );
  assert.equal(
    bad.err,
    'amtool: error: failed to load HTTP config file: field oauth3 not found in type config.HTTPClientConfig\n\n',
  );
});
