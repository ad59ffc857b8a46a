// Tokenizes YAML lines into key / string / comment spans for highlighting as text (never HTML).
export interface Token {
  text: string;
  cls: string;
}

export function highlightYAML(src: string): Token[] {
  const out: Token[] = [];
  for (const line of src.split('\n')) {
    const m = /^(\s*(?:- )?)([^\s:#][^:#]*?)(:)(\s|$)(.*)$/.exec(line);
    if (line.trimStart().startsWith('#')) {
      out.push({ text: line, cls: 'y-com' });
    } else if (m) {
      out.push(
        { text: m[1]!, cls: '' },
        { text: m[2]!, cls: 'y-key' },
        { text: m[3]! + m[4]!, cls: '' },
        { text: m[5]!, cls: 'y-str' },
      );
    } else {
      out.push({ text: line, cls: 'y-str' });
    }
    out.push({ text: '\n', cls: '' });
  }
  return out;
}
