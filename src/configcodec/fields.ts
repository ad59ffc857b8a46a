// The config errors and the field decoders every config struct shares: durations, byte sizes,
// label sets, string lists; withLine puts a struct's YAML line on a validation error.
import { parseDuration, type DurationError } from '../model/duration/index.js';
import { DecodeError, list, str, stringMap, type Decoded, type Decoder } from './decode.js';

export class ConfigError extends Error {}

export const duration: Decoder<number> = (node, ctx) => {
  const s = str(node, ctx);
  try {
    return parseDuration(s);
  } catch (e) {
    throw new DecodeError(0, (e as DurationError).message);
  }
};

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
  PB: 1024 ** 5,
  EB: 1024 ** 6,
};
export const byteSize: Decoder<number> = (node, ctx) => {
  const s = str(node, ctx).trim();
  if (s === '' || s === '0') return 0;
  const m = /^(\d+(?:\.\d+)?)([KMGTPE]?B)$/.exec(s);
  if (m === null) throw new DecodeError(0, `units: unknown unit in ${s}`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[m[2]!]!);
};

export const labelSet: Decoder<Record<string, string>> = stringMap(str, 'model.LabelSet');
export const strings = list(str);

/** A validation error of a decoded struct, reported at the struct's first line. */
export function withLine<T>(fn: (d: Decoded) => T): (d: Decoded) => T {
  return (d) => {
    try {
      return fn(d);
    } catch (e) {
      if (e instanceof ConfigError && d.line)
        throw new DecodeError(d.line, `line ${d.line}: ${e.message}`);
      throw e;
    }
  };
}

/** A URL as Go's url.Parse takes it for a request; its error as Go words it. */
export function parseConfigURL(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new ConfigError(`parse "${url}": invalid URI for request`);
  }
}
