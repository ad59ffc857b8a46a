// The data directory's lock: held by a live server that has the lock file open, and by nothing
// else — not by a process killed with -9 that is still a zombie (not reaped yet), nor by an
// unrelated process that happens to have the pid written in a stale lock file. Prometheus gets
// this from flock; Node has none, so the holder's open files are read from /proc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDB } from '../../src/tsdb/index.ts';
import { tempDir } from '../support/peers.ts';

const child = fileURLToPath(new URL('./fixtures/lock_child.ts', import.meta.url));
const LOCKED = /lock DB directory: resource temporarily unavailable/;

function startHolder(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve(p);
    });
    p.on('exit', (code) => reject(new Error(`lock child exited ${code}: ${err}`)));
  });
}

/** Kills with -9 and waits, without letting the event loop run (so nothing reaps it), until it is a zombie. */
function killToZombie(p: ChildProcess): void {
  p.kill('SIGKILL');
  const end = Date.now() + 5_000;
  for (;;) {
    const state = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]![0];
    if (state === 'Z') return;
    if (Date.now() > end) throw new Error(`child ${p.pid} not a zombie after 5s (state ${state})`);
  }
}

test(
  'kill -9 then an immediate restart takes the lock, 10 times out of 10; a live holder still refuses',
  { skip: !existsSync('/proc/self/fd') && 'no /proc' },
  async (t) => {
    const { dir, cleanup } = tempDir('lock-');
    t.after(cleanup);
    for (let round = 0; round < 10; round++) {
      const holder = await startHolder(dir);
      // Two live servers on one directory: the second refuses.
      await assert.rejects(openDB(dir, {}, { noBackground: true }), LOCKED);
      killToZombie(holder);
      // Taken synchronously while the child is still a zombie (openDB locks before its first await).
      const opening = openDB(dir, {}, { noBackground: true });
      const db = await opening;
      assert.equal(readFileSync(join(dir, 'lock'), 'utf8'), String(process.pid));
      await db.close();
    }
  },
);

test('a stale lock naming a live unrelated process does not stop the start; a second open in one process refuses', async (t) => {
  const { dir, cleanup } = tempDir('lock-');
  t.after(cleanup);
  const db = await openDB(dir, {}, { noBackground: true });
  await assert.rejects(openDB(dir, {}, { noBackground: true }), /held by process \d+, this one/);
  await db.close();
  writeFileSync(join(dir, 'lock'), String(process.ppid));
  const db2 = await openDB(dir, {}, { noBackground: true });
  await db2.close();
  writeFileSync(join(dir, 'lock'), 'garbage');
  const db3 = await openDB(dir, {}, { noBackground: true });
  await db3.close();
});

test('an empty lock file created an instant ago is another server taking the lock; an old empty one is stale', async (t) => {
  const { dir, cleanup } = tempDir('lock-');
  t.after(cleanup);
  const p = join(dir, 'lock');
  writeFileSync(p, '');
  await assert.rejects(openDB(dir, {}, { noBackground: true }), /being taken by another process/);
  const old = new Date(Date.now() - 60_000);
  utimesSync(p, old, old);
  const db = await openDB(dir, {}, { noBackground: true });
  await db.close();
});
