// What every amtool-ts command gets: its flags, the output formatter, a client for
// --alertmanager.url (with amtool's version check), and where its output goes.
import { readFileSync } from 'node:fs';
import { parse as parseYAML } from 'yaml';
import { httpClientConfig, parseGoDuration } from '../../alertmanager/notify/index.js';
import type { HTTPClientConfig } from '../../config/index.js';
import { AlertmanagerClient } from './client.js';
import { Flags, UsageError, type FlagSpec } from './args.js';
import { Formatter, type OutputFormat } from './format.js';

/** The Alertmanager release amtool-ts speaks for. */
export const AMTOOL_VERSION = '0.25.0';

export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'help', short: 'h', kind: 'bool' },
  { name: 'date.format', kind: 'string', default: '2006-01-02 15:04:05 MST' },
  { name: 'verbose', short: 'v', kind: 'bool' },
  // Debian's amtool (the peer this mirrors) defaults the URL to the local Alertmanager.
  { name: 'alertmanager.url', kind: 'string', default: 'http://localhost:9093/' },
  { name: 'output', short: 'o', kind: 'string', default: 'simple' },
  { name: 'timeout', kind: 'string', default: '30s' },
  { name: 'http.config.file', kind: 'string' },
  { name: 'version-check', kind: 'bool', default: 'true' },
  { name: 'version', kind: 'bool' },
];

export interface Output {
  out(s: string): void;
  err(s: string): void;
  /** Standard input, read whole (silence import without a file). */
  stdin(): string;
}

export class CommandContext {
  readonly formatter: Formatter;
  private readonly http: Partial<HTTPClientConfig> | undefined;

  constructor(
    readonly flags: Flags,
    readonly args: string[],
    readonly io: Output,
  ) {
    const o = flags.str('output');
    if (o !== 'simple' && o !== 'extended' && o !== 'json')
      throw new UsageError(`enum value must be one of simple,extended,json, got '${o}'`);
    this.formatter = new Formatter(o as OutputFormat, flags.str('date.format'));
    const file = flags.str('http.config.file');
    if (file !== '') {
      try {
        this.http = httpClientConfig(parseYAML(readFileSync(file, 'utf8')) ?? {});
      } catch (e) {
        throw new UsageError(`failed to load HTTP config file: ${(e as Error).message}`);
      }
    }
  }

  get timeoutMs(): number {
    const ms = parseGoDuration(this.flags.str('timeout'));
    if (ms === null)
      throw new UsageError(`time: invalid duration ${JSON.stringify(this.flags.str('timeout'))}`);
    return ms;
  }

  /** A client for --alertmanager.url; warns, as amtool does, when the server's major.minor differs. */
  async client(): Promise<AlertmanagerClient> {
    const c = new AlertmanagerClient(this.flags.str('alertmanager.url'), this.timeoutMs, this.http);
    if (this.flags.bool('version-check')) {
      try {
        const v = (await c.getStatus()).versionInfo?.version;
        if (v && majorMinor(v) !== majorMinor(AMTOOL_VERSION))
          this.io.err(
            `Warning: amtool version (${AMTOOL_VERSION}) and alertmanager version (${v}) are different.\n`,
          );
      } catch {
        /* amtool goes on without the check when the status cannot be had */
      }
    }
    return c;
  }
}

const majorMinor = (v: string): string => v.split('.').slice(0, 2).join('.');
