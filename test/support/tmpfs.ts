// Small tmpfs mounts for disk-full tests: a real filesystem that runs out of space (ENOSPC) when a
// filler file takes what is left, and gets it back when the filler goes. Mounting needs root
// (CI runs as root); elsewhere the test is skipped with the reason, and fails when CI=true.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { tempDir } from './peers.js';

/** A fresh tmpfs of sizeMB mounted at dir (or a new temp dir), unmounted after the test; null when skipped. */
export function mountTmpfs(
  t: TestContext,
  sizeMB = 8,
  at?: string,
  moreOptions = '',
): string | null {
  let dir = at;
  let cleanup = (): void => {};
  if (dir === undefined) ({ dir, cleanup } = tempDir('tmpfs-'));
  else mkdirSync(dir, { recursive: true });
  try {
    execFileSync(
      'mount',
      ['-t', 'tmpfs', '-o', `size=${sizeMB}m${moreOptions ? ',' + moreOptions : ''}`, 'tmpfs', dir],
      { stdio: 'pipe' },
    );
  } catch (e) {
    cleanup();
    const reason = `cannot mount a tmpfs (needs root): ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.log(`# SKIP: ${reason}`);
    t.skip(reason);
    return null;
  }
  const mounted = dir;
  t.after(() => {
    unmount(mounted);
    cleanup();
  });
  return mounted;
}

/** Unmounts a tmpfs mounted by mountTmpfs (idempotent; lazily when a process still holds files there). */
export function unmount(dir: string): void {
  for (const args of [[dir], ['-l', dir]]) {
    try {
      execFileSync('umount', args, { stdio: 'pipe' });
      return;
    } catch {
      /* not mounted any more, or busy: try lazily */
    }
  }
}

/** Bytes still free on the filesystem holding dir. */
export function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

/**
 * Fills the filesystem holding dir with a file named filler, leaving about leaveBytes free
 * (0: until a write fails with ENOSPC). Returns the filler's path; delete it to give the space back.
 */
export function fillDisk(dir: string, leaveBytes = 0): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'a');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (let i = 0; i < 1 << 16; i++) {
      const room = freeBytes(dir) - leaveBytes;
      if (leaveBytes > 0 && room <= 0) break;
      try {
        writeSync(fd, block, 0, leaveBytes > 0 ? Math.min(block.length, room) : block.length);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw e;
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/**
 * Uses up the free inodes of the filesystem holding dir (a tmpfs mounted with nr_inodes=…) with
 * empty files, so creating a file fails with ENOSPC while writes to open files still work.
 * Returns the files; unfill each to give the inodes back.
 */
export function fillInodes(dir: string): string[] {
  const made: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    const p = join(dir, `inode-${i}`);
    try {
      closeSync(openSync(p, 'w'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return made;
      throw e;
    }
    made.push(p);
  }
  throw new Error(`${dir}: still creating files after 100000; mount it with nr_inodes=`);
}

/** Gives the space back. */
export function unfill(path: string): void {
  rmSync(path, { force: true });
}
