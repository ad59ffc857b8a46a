// Runs compactions off the main thread so scrapes and queries never wait for block writes.
import { parentPort } from 'node:worker_threads';
import { Labels } from '../model/labels/index.js';
import { writeBlock } from './block.js';
import { compactBlockDirs } from './compact.js';
import { writeCheckpoint } from './wal/index.js';
import { writeHeadBlock, type CompactJob, type CompactResult } from './compactor.js';

parentPort!.on('message', (job: CompactJob) => {
  let res: CompactResult;
  try {
    if (job.kind === 'blocks')
      res = { id: job.id, meta: compactBlockDirs(job.parent, job.dirs, job.ulid) };
    else if (job.kind === 'head')
      res = {
        id: job.id,
        meta: writeHeadBlock(job.parent, job.chunksHead, job.series, job.mint, job.maxt, job.ulid),
      };
    else if (job.kind === 'checkpoint') {
      writeCheckpoint(job.walDir, job.upTo, job.mint, job.live);
      res = { id: job.id, meta: null };
    } else {
      const series = job.series.map((s) => ({
        labels: Labels.fromSortedFlat(s.flat),
        chunks: s.chunks,
      }));
      res = {
        id: job.id,
        meta: writeBlock(job.parent, series, job.mint, job.maxt, null, job.ulid),
      };
    }
  } catch (e) {
    res = { id: job.id, error: (e as Error).message };
  }
  parentPort!.postMessage(res);
});
