// The notification template set of one Alertmanager config: the default templates, then each
// file the config's `templates:` globs match (a later {{define}} replaces an earlier one, as Go's
// template set does), and expansion of an integration's field texts against it.
import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { GoTemplate, TemplateError, type TemplateFunc } from '../../template/index.js';
import { glob } from '../../util/glob.js';
import type { NotificationTemplates, TemplateData } from '../notify/index.js';
import { toGoData, type GoData } from './data.js';
import { DEFAULT_TEMPLATES } from './defaults.js';
import { EMAIL_HTML_TEMPLATE } from './email_html.js';
import {
  escapeURLAttributes,
  SpanMarker,
  URL_ESCAPERS,
  URLQueried,
  UrlSpans,
} from './html_context.js';
import { formatGoValue, formatHTMLValue, notificationFuncs } from './funcs.js';

type Mode = 'text' | 'html';

/** Go's url.QueryEscape, as the builtin urlquery applies it. */
const urlquery = (...args: unknown[]): string =>
  encodeURIComponent(args.map((a) => formatGoValue(a)).join(''))
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** html/template drops HTML comments from a template's text, and escapes URL attributes as URLs. */
const source = (mode: Mode, text: string): string =>
  mode === 'html' ? escapeURLAttributes(text.replace(/<!--[\s\S]*?-->/g, '')) : text;
const FORMAT: Record<Mode, (v: unknown) => string> = { text: formatGoValue, html: formatHTMLValue };

class TemplateSet implements NotificationTemplates {
  /** The last parsed file of each mode; its library chain reaches back to the defaults. */
  private readonly top: Record<Mode, GoTemplate>;
  /** One notification expands many fields from the same data: its Go form is built once. */
  private readonly goData = new WeakMap<TemplateData, GoData>();

  constructor(
    files: readonly { name: string; text: string }[],
    private readonly funcs: Record<string, TemplateFunc>,
  ) {
    const build = (mode: Mode): GoTemplate => {
      let t = new GoTemplate('default.tmpl', DEFAULT_TEMPLATES, funcs, FORMAT[mode]);
      t = new GoTemplate('email.tmpl', source(mode, EMAIL_HTML_TEMPLATE), funcs, FORMAT[mode], t);
      for (const f of files)
        t = new GoTemplate(f.name, source(mode, f.text), funcs, FORMAT[mode], t);
      return t;
    };
    this.top = { text: build('text'), html: build('html') };
  }

  private async expand(mode: Mode, text: string, data: TemplateData): Promise<string> {
    if (text === '') return '';
    if (mode === 'html') return this.expandHTMLText(text, data);
    const t = new GoTemplate('', source(mode, text), this.funcs, FORMAT[mode], this.top[mode]);
    return t.execute(this.goDataOf(data));
  }

  private goDataOf(data: TemplateData): GoData {
    let goData = this.goData.get(data);
    if (goData === undefined) {
      goData = toGoData(data);
      this.goData.set(data, goData);
    }
    return goData;
  }

  /** HTML: with this expansion's own printer and span state for template calls in URL attributes. */
  private async expandHTMLText(text: string, data: TemplateData): Promise<string> {
    const spans = new UrlSpans();
    const funcs: Record<string, TemplateFunc> = {
      ...this.funcs,
      ...spans.funcs,
      urlquery: (...args) => {
        const q = (this.funcs['urlquery'] ?? urlquery)(...args) as string;
        return spans.active ? new URLQueried(q) : q;
      },
    };
    const print = (v: unknown): string => {
      if (v instanceof SpanMarker) return v.text;
      return spans.active ? spans.mark(v, formatGoValue) : formatHTMLValue(v);
    };
    const t = new GoTemplate('', source('html', text), funcs, print, this.top.html);
    return spans.finish(await t.execute(this.goDataOf(data)));
  }

  expandText(text: string, data: TemplateData): Promise<string> {
    return this.expand('text', text, data);
  }

  expandHTML(text: string, data: TemplateData): Promise<string> {
    return this.expand('html', text, data);
  }
}

/**
 * Loads the default templates and then the files of each glob, in the order given and, within a
 * glob, in file name order; relative globs are taken from baseDir (the config file's directory),
 * as Alertmanager resolves them. A glob matching nothing is not an error.
 */
export async function loadNotificationTemplates(
  globs: readonly string[],
  baseDir: string,
): Promise<NotificationTemplates> {
  const files: { name: string; text: string }[] = [];
  for (const g of globs) {
    const pattern = isAbsolute(g) ? g : join(baseDir, g);
    let paths: string[];
    try {
      paths = glob(pattern).sort();
    } catch (e) {
      throw new Error(`templates: ${g}: ${(e as Error).message}`);
    }
    for (const p of paths) files.push({ name: basename(p), text: await readFile(p, 'utf8') });
  }
  try {
    return new TemplateSet(files, { ...notificationFuncs, ...URL_ESCAPERS });
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    throw new TemplateError((e as Error).message);
  }
}
