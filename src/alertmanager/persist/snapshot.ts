// Snapshot files written atomically (a temporary file, fsync, rename), and read back with a
// damaged file reported and moved aside — never overwritten, never fatal.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../../util/log.js';
import { readDelimited, writeDelimited } from './protobuf.js';

export function writeSnapshot(path: string, msgs: readonly Uint8Array[]): number {
  mkdirSync(dirname(path), { recursive: true });
  const data = writeDelimited(msgs);
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return data.length;
}

/** The messages of a snapshot; a torn or foreign file is logged, kept as `<path>.damaged-<time>`, and what decoded before the damage is used. */
export function readSnapshot<T>(path: string, decode: (m: Uint8Array) => T, logger: Logger): T[] {
  if (!existsSync(path)) return [];
  const { items, error } = readDelimited(readFileSync(path), decode);
  if (error !== null) {
    const aside = `${path}.damaged-${Date.now()}`;
    renameSync(path, aside);
    logger.warn(
      'Snapshot file is damaged; kept what decoded before the damage and moved the file aside',
      { file: path, err: error, kept: items.length, moved_to: aside },
    );
  }
  return items;
}

/**
 * Keeps one snapshot file current: a change marks it dirty and the file is rewritten soon after
 * (a burst of changes coalesced into one write), on demand, and on close.
 */
export class Snapshotter {
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly path: string | undefined,
    private readonly records: () => Uint8Array[],
    private readonly delayMs = 50,
  ) {}

  changed(): void {
    if (this.path === undefined) return;
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.snapshot();
    }, this.delayMs);
  }

  /** Writes the file now if anything changed; returns its size in bytes. */
  snapshot(): number {
    if (this.path === undefined || !this.dirty) return 0;
    this.dirty = false;
    return writeSnapshot(this.path, this.records());
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.snapshot();
  }
}
