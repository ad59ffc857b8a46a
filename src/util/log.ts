// Structured logging as Prometheus logs: logfmt (`ts=… caller=… level=… msg=… k=v`) by default,
// one JSON object per line with --log.format=json, filtered by --log.level.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(msg: string, kv?: Record<string, unknown>): void;
  info(msg: string, kv?: Record<string, unknown>): void;
  warn(msg: string, kv?: Record<string, unknown>): void;
  error(msg: string, kv?: Record<string, unknown>): void;
  /** A logger that adds these fields (e.g. component="scrape manager") to every line. */
  with(kv: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: LogFormat;
  write?: (line: string) => void;
}

function fmtValue(v: unknown): string {
  let s: string;
  if (v instanceof Error) s = v.message;
  else if (typeof v === 'string') s = v;
  else if (v instanceof Date) s = v.toISOString();
  else s = typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  return /[\s"=]/.test(s) || s === '' ? JSON.stringify(s) : s;
}

/**
 * `file.ts:line` of the code that logged (Prometheus's caller=main.go:513): the first stack frame
 * outside this file. Logs are not on hot paths, and a debug line costs this only when enabled.
 */
function callerOf(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (let i = 1; i < stack.length; i++) {
    const m = /([^/\\(\s]+\.[cm]?[jt]s):(\d+):\d+\)?$/.exec(stack[i]!);
    if (m && !/^log\.[cm]?[jt]s$/.test(m[1]!)) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

class LogfmtLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly format: LogFormat,
    private readonly out: (line: string) => void,
    private readonly fields: Record<string, unknown>,
  ) {}

  private log(level: LogLevel, msg: string, kv?: Record<string, unknown>): void {
    if (ORDER[level] < this.min) return;
    // As Prometheus's go-kit lines: ts, caller, level, the logger's fields, msg (left out when
    // empty: Prometheus logs build_context, fs_type… as bare fields), then the line's own.
    const rec: Record<string, unknown> = {
      ts: new Date().toISOString(),
      caller: callerOf(),
      level,
      ...this.fields,
      ...(msg === '' ? {} : { msg }),
      ...kv,
    };
    if (this.format === 'json') {
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rec)) o[k] = v instanceof Error ? v.message : v;
      this.out(JSON.stringify(o));
    } else {
      this.out(
        Object.entries(rec)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => `${k}=${fmtValue(v)}`)
          .join(' '),
      );
    }
  }

  debug(msg: string, kv?: Record<string, unknown>): void {
    this.log('debug', msg, kv);
  }
  info(msg: string, kv?: Record<string, unknown>): void {
    this.log('info', msg, kv);
  }
  warn(msg: string, kv?: Record<string, unknown>): void {
    this.log('warn', msg, kv);
  }
  error(msg: string, kv?: Record<string, unknown>): void {
    this.log('error', msg, kv);
  }
  with(kv: Record<string, unknown>): Logger {
    return new LogfmtLogger(this.min, this.format, this.out, { ...this.fields, ...kv });
  }
}

export function newLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  return new LogfmtLogger(ORDER[opts.level ?? 'info'], opts.format ?? 'logfmt', write, {});
}

/** A logger that drops everything (tests, library use). */
export const nopLogger: Logger = newLogger({ level: 'error', write: () => {} });
