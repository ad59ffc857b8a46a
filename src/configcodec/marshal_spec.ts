// How a config struct is written back as YAML (see config/marshal.ts): its fields in Go's struct
// order, each with its kind and whether it is omitempty; schema() gives a struct's decode spec and
// marshal layout from one table.
import type { Decoder, StructSpec } from './decode.js';

export type Kind =
  | 'str'
  | 'bool'
  | 'int'
  | 'dur'
  | 'secret'
  | 'url'
  | 'bytes'
  | 'labels'
  | 'strmap'
  | 'list'
  | 'flow'
  | 'regex'
  | 'params'
  | 'raw';
/** [yaml key, kind or nested struct, omitempty]; a struct in a list field is written as a list of it. */
export type Field = [string, Kind | Struct | ListOf, boolean];
export interface Struct {
  fields: Field[];
}
export interface ListOf {
  of: Struct;
}

/** A field key that stands for the inline HTTP client settings (common's HTTPClientConfig). */
export const INLINE_HTTP = '__http__';
/** A field key that stands for every registered discovery mechanism's `<name>_configs` list. */
export const INLINE_SD = '__sd__';

/**
 * One field of a config struct, in the Go struct's order: its key, decoder, written kind (null:
 * read but not written back, as the Prometheus compared with does not show it), omitempty.
 */
export type SchemaField = readonly [
  key: string,
  decode: Decoder<unknown>,
  kind: Kind | Struct | ListOf | null,
  omitempty: boolean,
];
/**
 * Inline settings at this position, written under key: a struct (Go's `yaml:",inline"`), or a set
 * of fields decided elsewhere (the registered discovery mechanisms).
 */
export type SchemaInline =
  { inline: StructSpec; key: string } | { spread: Record<string, Decoder<unknown>>; key: string };

/** A config struct described once: the decode spec and the marshal layout both come from it. */
export interface Schema {
  spec: StructSpec;
  marshal: Struct;
}

export function schema(goType: string, fields: readonly (SchemaField | SchemaInline)[]): Schema {
  const spec: StructSpec = { goType, fields: {}, inline: [] };
  const marshal: Struct = { fields: [] };
  for (const f of fields) {
    if ('inline' in f) {
      spec.inline!.push(f.inline);
      marshal.fields.push([f.key, 'raw', false]);
    } else if ('spread' in f) {
      Object.assign(spec.fields, f.spread);
      marshal.fields.push([f.key, 'raw', false]);
    } else {
      spec.fields[f[0]] = f[1];
      if (f[2] !== null) marshal.fields.push([f[0], f[2], f[3]]);
    }
  }
  return { spec, marshal };
}
