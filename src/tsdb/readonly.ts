// Read-only access to a data dir's WAL (for promtool dump): replays checkpoint and segments into
// an in-memory head without repairing or writing anything.
import { join } from 'node:path';
import { Head } from './head.js';
import { lastCheckpoint, listSegments, readSegment } from './wal/index.js';

export function readTsdbWAL(walDir: string, minValidTime: number): Head {
  const head = new Head(2 * 3600_000, null);
  head.minValidTime = minValidTime;
  const cp = lastCheckpoint(walDir);
  let from = 0;
  if (cp) {
    const d = join(walDir, cp.name);
    for (const s of listSegments(d))
      readSegment(join(d, String(s).padStart(8, '0')), (r) => head.replayRecord(r));
    from = cp.index + 1;
  }
  for (const s of listSegments(walDir)) {
    if (s < from) continue;
    const r = readSegment(join(walDir, String(s).padStart(8, '0')), (rec) =>
      head.replayRecord(rec),
    );
    if (r.corruption) break;
  }
  head.endReplay();
  return head;
}
