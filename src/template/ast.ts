// The parsed form of a Go text/template: the node tree, pipelines and their arguments, and the
// values and functions execution works with.
export type Value = unknown;
export type TemplateFunc = (...args: Value[]) => Value | Promise<Value>;

export class TemplateError extends Error {}

export type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipeline; line: number }
  | { kind: 'if' | 'with'; pipe: Pipeline; then: Node[]; else: Node[] | null; line: number }
  | { kind: 'range'; pipe: Pipeline; then: Node[]; else: Node[] | null; line: number }
  | { kind: 'template'; name: string; pipe: Pipeline | null; line: number; loc?: string }
  | { kind: 'break' | 'continue'; line: number };

export interface Pipeline {
  decl: string[];
  assign: boolean;
  cmds: Command[];
}

export type Arg =
  | { kind: 'field'; recv: Arg | null; path: string[] }
  | { kind: 'var'; name: string; path: string[] }
  | { kind: 'dot' }
  | { kind: 'ident'; name: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'nil' }
  | { kind: 'pipe'; pipe: Pipeline; path: string[] };

export interface Command {
  args: Arg[];
  /** "line:col" of the command, as Go's ErrorContext gives it. */
  loc?: string;
  /** The command's source, as Go prints the node in "at <…>". */
  text?: string;
}

export interface Action {
  text: string;
  line: number;
  col: number;
  /** Offset of text in the template source. */
  start: number;
}

export type Piece = { text: string } | { action: Action };

export interface Template {
  name: string;
  root: Node[];
}
