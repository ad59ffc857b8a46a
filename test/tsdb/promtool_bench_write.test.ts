// promtool-ts tsdb bench write beside the real promtool's: the same stage lines and sample total
// (timings aside), the same data in the storage it leaves (read back with promtool tsdb dump), and
// the same error for a missing input. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { peer, tempDir } from '../support/peers.ts';
import { runCommand, runPromtoolTs } from '../support/server.ts';

// The format of Prometheus's tsdb/testdata/20kseries.json: one label object a line, a duplicate.
function seriesFile(dir: string): string {
  const lines: string[] = [];
  for (let i = 0; i < 1200; i++)
    lines.push(
      JSON.stringify({
        instance: `h${Math.floor(i / 40)}`,
        __name__: `metric_${i % 40}`,
        job: 'bench',
      }),
    );
  lines.splice(10, 0, lines[3]!);
  const f = join(dir, 'series.json');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

const shape = (s: string): string =>
  s.replace(/duration=\S+/g, 'duration=D').replace(/samples\/sec: \S+/, 'samples/sec: R');

test('tsdb bench write: the stages, the total and the stored samples of promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('bench-write-');
  t.after(cleanup);
  const f = seriesFile(dir);
  const args = (out: string) => [
    'tsdb',
    'bench',
    'write',
    `--out=${out}`,
    '--metrics=1100',
    '--scrapes=200',
    f,
  ];
  const real = await runCommand(promtool, args(join(dir, 'real')));
  const ours = await runPromtoolTs(args(join(dir, 'ours')));
  assert.equal(real.code, 0, real.stderr);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(shape(ours.stdout), shape(real.stdout));
  assert.match(ours.stdout, / > total samples: 220000\n/);
  const dump = async (d: string) => {
    mkdirSync(join(d, 'storage', 'wal'), { recursive: true });
    const r = await runCommand(promtool, ['tsdb', 'dump', join(d, 'storage')]);
    assert.equal(r.code, 0, r.stderr);
    return createHash('sha256').update(r.stdout.split('\n').sort().join('\n')).digest('hex');
  };
  assert.equal(await dump(join(dir, 'ours')), await dump(join(dir, 'real')));
});

test('tsdb bench write: a missing input file fails as in promtool', async (t) => {
  const promtool = peer('promtool', t);
  if (!promtool) return;
  const { dir, cleanup } = tempDir('bench-write-');
  t.after(cleanup);
  const args = (out: string) => [
    'tsdb',
    'bench',
    'write',
    `--out=${join(dir, out)}`,
    'missing.json',
  ];
  const real = await runCommand(promtool, args('real'), { cwd: dir });
  const ours = await runPromtoolTs(args('ours'), { cwd: dir });
  assert.equal(ours.code, real.code);
  assert.equal(ours.stdout, real.stdout);
  assert.equal(
    ours.stderr,
    real.stderr
      .split('\n')
      .filter((l) => !l.startsWith('level='))
      .join('\n'),
  );
});
