// How a config struct is written back as YAML (see config/marshal.ts): its fields in Go's struct
// order, each with its kind and whether it is omitempty.
export type Kind = 'str' | 'bool' | 'int' | 'dur' | 'secret' | 'url' | 'bytes' | 'labels' | 'strmap' | 'list' | 'flow' | 'regex' | 'params' | 'raw';
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
