// alertmanager-ts's web UI: the project's UI build (dist/ui) in its Alertmanager-only mode —
// index.html at / and /am/…, told where the API is, and its assets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const UI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/ui');
const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

export function alertmanagerUI(
  routePrefix: string,
): (req: IncomingMessage, res: ServerResponse, path: string) => boolean {
  let index: string | null = null;
  return (req, res, path) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/' || path === '/am' || path.startsWith('/am/')) {
      const file = join(UI_DIR, 'index.html');
      if (!existsSync(file)) return false;
      index ??= readFileSync(file, 'utf8')
        .replace(
          '<script>window.__PATH_PREFIX__',
          `<script>window.__AM_API__ = ${JSON.stringify(`${routePrefix}/api/v2`)};window.__PATH_PREFIX__`,
        )
        .replaceAll('PATH_PREFIX_PLACEHOLDER', routePrefix)
        .replaceAll('="./assets/', `="${routePrefix}/assets/`)
        .replace(/<title>[^<]*<\/title>/, '<title>Alertmanager</title>');
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : index);
      return true;
    }
    if (!path.startsWith('/assets/')) return false;
    const root = join(UI_DIR, 'assets');
    const f = normalize(join(root, decodeURIComponent(path.slice('/assets/'.length))));
    if (!f.startsWith(root + '/') || !existsSync(f) || !statSync(f).isFile()) return false;
    res.writeHead(200, {
      'Content-Type': MIME[extname(f)] ?? 'application/octet-stream',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : readFileSync(f));
    return true;
  };
}
