// promtool-ts debug metrics SERVER: the server's /metrics fetched into ./debug.tar.gz as
// metrics.txt, with promtool's messages (an HTTP error status is archived, not refused, as there).
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tarArchive } from '../../util/tar.js';
import { UsageError, withUsage } from './flags.js';
import { goNetError } from './goerrors.js';

const TARBALL = 'debug.tar.gz';

/** Fetches each path of the server into the archive under its file name, as promtool's debugWrite. */
export function debugWrite(args: string[], endpoints: Record<string, string>): Promise<number> {
  return withUsage(async () => {
    const [server, extra] = args;
    if (server === undefined) throw new UsageError("required argument 'server' not provided");
    if (extra !== undefined) throw new UsageError(`unexpected ${extra}`);
    const files: { name: string; data: Buffer; mode: number }[] = [];
    try {
      for (const [path, name] of Object.entries(endpoints)) {
        const url = server + path;
        process.stdout.write(`collecting: ${url}\n`);
        let body: Buffer;
        try {
          body = Buffer.from(await (await fetch(url)).arrayBuffer());
        } catch (e) {
          throw new Error(
            `error executing HTTP request: Get ${JSON.stringify(url)}: ${goNetError(e)}`,
          );
        }
        files.push({ name, data: body, mode: 0o666 });
      }
      try {
        writeFileSync(TARBALL, gzipSync(tarArchive(files)));
      } catch (e) {
        throw new Error(
          `error creating a new archiver: error creating archive ${JSON.stringify(TARBALL)}: ${(e as Error).message}`,
        );
      }
    } catch (e) {
      process.stderr.write(`error completing debug command: ${(e as Error).message}\n`);
      return 1;
    }
    process.stdout.write(
      `Compiling debug information complete, all files written in ${JSON.stringify(TARBALL)}.\n`,
    );
    return 0;
  });
}

export const METRICS_ENDPOINTS = { '/metrics': 'metrics.txt' };

export function run(args: string[]): Promise<number> {
  return debugWrite(args, METRICS_ENDPOINTS);
}
