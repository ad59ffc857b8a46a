// A sample whose commit returned is never lost to kill -9, including kills during compaction and
// WAL checkpoints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Matcher } from '../../src/model/labels/index.js';
import { openDB } from '../../src/tsdb/index.js';
import { tempDir } from '../support/peers.js';

const child = fileURLToPath(new URL('./fixtures/append_child.ts', import.meta.url));

function runAndKill(dir: string, start: number, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir, String(start)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = start - 1;
    let buf = '';
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line === 'ready') setTimeout(() => p.kill('SIGKILL'), killAfterMs);
        else if (line.startsWith('committed ')) last = Number(line.slice(10));
      }
    });
    p.on('exit', (code, sig) => {
      if (sig !== 'SIGKILL') reject(new Error(`child exited ${code} ${sig}: ${err}`));
      else resolve(last);
    });
  });
}

test('kill -9 at random moments loses no committed sample', async (t) => {
  const { dir, cleanup } = tempDir('tsdb-kill-');
  t.after(cleanup);
  let next = 1;
  let lastCommitted = 0;
  for (let round = 0; round < 4; round++) {
    const last = await runAndKill(dir, next, 200 + Math.floor(Math.random() * 600));
    if (last >= next) lastCommitted = last;
    next = Math.max(next, last + 1);
  }
  assert.ok(lastCommitted > 10, `only ${lastCommitted} batches committed`);
  t.diagnostic(`${lastCommitted} batches of 200 samples committed across 4 kills`);
  const db = await openDB(
    dir,
    { minBlockDuration: 20_000, maxBlockDuration: 60_000 },
    { noBackground: true },
  );
  t.after(() => db.close());
  const ss = db
    .querier(0, Number.MAX_SAFE_INTEGER)
    .select(true, undefined, Matcher.equal('__name__', 'kill_test'));
  let n = 0;
  while (ss.next()) {
    const s = ss.at();
    const i = Number(s.labels.get('series'));
    const it = s.iterator();
    const seen = new Map<number, number>();
    while (it.next() !== 0) seen.set(it.atT(), it.atF());
    assert.equal(it.err(), null);
    for (let k = 1; k <= lastCommitted; k++)
      assert.equal(seen.get(k * 1000), k + i / 1000, `series ${i} batch ${k}`);
    n++;
  }
  assert.equal(ss.err(), null);
  assert.equal(n, 200);
  t.diagnostic(`${db.blockMetas().length} blocks after the kills`);
});
