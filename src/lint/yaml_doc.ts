// A YAML document read for linting: plain values by path, and the line:column of any node, so a
// finding names the exact place in the file.
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export type Path = readonly (string | number)[];

export class YamlDoc {
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: false });
  }

  private node(path: Path): Node | undefined {
    const n = this.doc.getIn(path, true);
    return n !== null && typeof n === 'object' && 'range' in (n as object)
      ? (n as Node)
      : undefined;
  }

  /** A scalar's value as a string (numbers and booleans as written), or undefined. */
  str(path: Path): string | undefined {
    const n = this.node(path);
    if (!isScalar(n) || n.value === null || n.value === undefined) return undefined;
    return String(n.value);
  }

  /** The string items of a sequence, or undefined. */
  strs(path: Path): string[] | undefined {
    const n = this.node(path);
    if (!isSeq(n)) return undefined;
    return n.items.map((i) => (isScalar(i) ? String(i.value) : ''));
  }

  /** The number of items of a sequence (0 when absent or not a sequence). */
  count(path: Path): number {
    const n = this.node(path);
    return isSeq(n) ? n.items.length : 0;
  }

  /** The keys of a mapping. */
  keys(path: Path): string[] {
    const n = path.length === 0 ? this.doc.contents : this.node(path);
    if (!isMap(n)) return [];
    return n.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
  }

  /** Where the node at `path` starts (its value), falling back to the nearest parent that exists. */
  pos(path: Path): { line: number; column: number } {
    for (let p = path; ; p = p.slice(0, -1)) {
      const n = p.length === 0 ? (this.doc.contents as Node | null) : this.node(p);
      if (n?.range) {
        const lp = this.lines.linePos(n.range[0]);
        return { line: lp.line, column: lp.col };
      }
      if (p.length === 0) return { line: 0, column: 0 };
    }
  }
}
