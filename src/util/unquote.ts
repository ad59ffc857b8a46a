// Go string-literal unquoting as PromQL uses it: double and single quotes take Go escapes
// (\a \b \f \n \r \t \v \\ \" or \', octal \NNN, \xNN, \uNNNN, \UNNNNNNNN), backticks are raw.
// Octal and \x escapes are bytes, so a sequence of them may spell one UTF-8 character.

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export class UnquoteError extends Error {}

export function unquoteString(s: string): string {
  const n = s.length;
  if (n < 2) throw new UnquoteError('invalid syntax');
  const quote = s[0]!;
  if (quote !== s[n - 1]) throw new UnquoteError('invalid syntax');
  const body = s.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) throw new UnquoteError('invalid syntax');
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new UnquoteError('invalid syntax');
  if (body.includes('\n')) throw new UnquoteError('invalid syntax');
  if (!body.includes('\\') && !body.includes(quote)) return body;

  const bytes: number[] = [];
  const pushText = (t: string): void => {
    for (const b of encoder.encode(t)) bytes.push(b);
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === quote) throw new UnquoteError('invalid syntax');
    if (c !== '\\') {
      let j = i + 1;
      while (j < body.length && body[j] !== '\\' && body[j] !== quote) j++;
      pushText(body.slice(i, j));
      i = j;
      continue;
    }
    if (i + 1 >= body.length) throw new UnquoteError('invalid syntax');
    const e = body[i + 1]!;
    i += 2;
    switch (e) {
      case 'a':
        bytes.push(7);
        continue;
      case 'b':
        bytes.push(8);
        continue;
      case 'f':
        bytes.push(12);
        continue;
      case 'n':
        bytes.push(10);
        continue;
      case 'r':
        bytes.push(13);
        continue;
      case 't':
        bytes.push(9);
        continue;
      case 'v':
        bytes.push(11);
        continue;
      case '\\':
        bytes.push(92);
        continue;
      case "'":
      case '"':
        if (e !== quote) throw new UnquoteError('invalid syntax');
        bytes.push(e.charCodeAt(0));
        continue;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i, i + len);
        if (hex.length < len || !/^[0-9a-fA-F]+$/.test(hex))
          throw new UnquoteError('invalid syntax');
        const v = parseInt(hex, 16);
        i += len;
        if (e === 'x') {
          bytes.push(v);
        } else {
          if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new UnquoteError('invalid syntax');
          pushText(String.fromCodePoint(v));
        }
        continue;
      }
      default: {
        if (e >= '0' && e <= '7') {
          const oct = body.slice(i - 1, i + 2);
          if (!/^[0-7]{3}$/.test(oct)) throw new UnquoteError('invalid syntax');
          const v = parseInt(oct, 8);
          if (v > 255) throw new UnquoteError('invalid syntax');
          bytes.push(v);
          i += 2;
          continue;
        }
        throw new UnquoteError('invalid syntax');
      }
    }
  }
  return decoder.decode(Uint8Array.from(bytes));
}
