// The notification templates of `templates:` (a minimal loader, to be replaced by the full
// Alertmanager template package with default.tmpl and its functions): every file the globs match
// is read and parsed, so a broken template fails the config load as Alertmanager's does.
// Expanding is not offered here — the webhook integration needs no templates.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { GoTemplate } from '../../template/gotemplate.js';
import { glob } from '../../util/glob.js';
import type { NotificationTemplates } from '../notify/integration.js';

export async function loadNotificationTemplates(globs: readonly string[], baseDir: string): Promise<NotificationTemplates> {
  // Functions are checked by the full template package; any name is accepted here.
  const anyFunc = new Proxy({}, { has: () => true });
  for (const g of globs) {
    const pattern = isAbsolute(g) ? g : join(baseDir, g);
    for (const file of glob(pattern)) new GoTemplate(file, readFileSync(file, 'utf8'), anyFunc, String);
  }
  const unavailable = (): never => {
    throw new Error('notification templates cannot be expanded by this build (no template package)');
  };
  return { expandText: unavailable, expandHTML: unavailable };
}
