// The pieces of MIME an email needs, as Go writes them: RFC 2047 Q-encoded header words
// (mime.QEncoding with utf-8, split at 75 characters), quoted-printable bodies
// (mime/quotedprintable's Writer: 76-character lines, CRLF line ends, trailing blanks encoded),
// and address lists (net/mail's ParseAddressList, for the common forms).

const HEX = '0123456789ABCDEF';
const hex = (b: number) => '=' + HEX[b >> 4]! + HEX[b & 15]!;

/** mime.QEncoding.Encode("utf-8", s): unchanged unless some byte is a control or non-ASCII. */
export function qEncode(s: string): string {
  const bytes = Buffer.from(s, 'utf8');
  if (!bytes.some((b) => (b < 0x20 || b > 0x7e) && b !== 0x09)) return s;
  const MAX_CONTENT = 75 - '=?utf-8?q?'.length - '?='.length;
  let out = '=?utf-8?q?';
  let len = 0;
  for (const ch of s) {
    const b = Buffer.from(ch, 'utf8');
    const plain =
      b.length === 1 && b[0]! >= 0x20 && b[0]! <= 0x7e && ch !== '=' && ch !== '?' && ch !== '_';
    const encLen = plain ? 1 : 3 * b.length;
    if (len + encLen > MAX_CONTENT) {
      out += '?= =?utf-8?q?';
      len = 0;
    }
    if (ch === ' ') out += '_';
    else if (plain) out += ch;
    else for (const x of b) out += hex(x);
    len += encLen;
  }
  return out + '?=';
}

/** quotedprintable.Writer over the UTF-8 bytes of s, closed. */
export function quotedPrintable(s: string): string {
  const MAX = 76;
  let out = '';
  let line = '';
  let cr = false;
  const flush = () => {
    out += line;
    line = '';
  };
  const crlf = () => {
    line += '\r\n';
    flush();
  };
  const softBreak = () => {
    line += '=';
    crlf();
  };
  const encode = (b: number) => {
    if (MAX - 1 - line.length < 3) softBreak();
    line += hex(b);
  };
  // A blank before a line end (or the end) is encoded so that it survives transport.
  const checkLast = () => {
    const last = line.charCodeAt(line.length - 1);
    if (line.length > 0 && (last === 0x20 || last === 0x09)) {
      line = line.slice(0, -1);
      encode(last);
    }
  };
  for (const b of Buffer.from(s, 'utf8')) {
    const literal = (b >= 0x21 && b <= 0x7e && b !== 0x3d) || b === 0x20 || b === 0x09;
    if (b === 0x0a || b === 0x0d) {
      if (cr && b === 0x0a) {
        cr = false;
        continue;
      }
      cr = b === 0x0d;
      checkLast();
      crlf();
      continue;
    }
    if (!literal) {
      encode(b);
      continue;
    }
    if (line.length === MAX - 1) softBreak();
    line += String.fromCharCode(b);
    cr = false;
  }
  checkLast();
  flush();
  return out;
}

/**
 * net/mail.ParseAddressList for the forms configs use: `a@b`, `Name <a@b>`, `"Quoted, Name" <a@b>`,
 * separated by commas. Returns the addresses; throws Go's "mail: …" errors.
 */
export function parseAddressList(list: string): string[] {
  const out: string[] = [];
  let rest = list.trim();
  if (rest === '') throw new Error('mail: no address');
  while (rest !== '') {
    let addr: string;
    const angle = /^(?:"(?:[^"\\]|\\.)*"|[^,<"])*<([^>]*)>\s*/.exec(rest);
    if (angle) {
      addr = angle[1]!.trim();
      rest = rest.slice(angle[0].length);
    } else {
      const m = /^([^,\s]+)\s*/.exec(rest);
      if (!m) throw new Error('mail: no address');
      addr = m[1]!;
      rest = rest.slice(m[0].length);
    }
    checkAddrSpec(addr);
    out.push(addr);
    if (rest === '') break;
    if (!rest.startsWith(',')) throw new Error(`mail: expected comma`);
    rest = rest.slice(1).trim();
    if (rest === '') throw new Error('mail: no address');
  }
  return out;
}

function checkAddrSpec(a: string): void {
  const at = a.lastIndexOf('@');
  if (at < 0) throw new Error('mail: missing @ in addr-spec');
  if (at === 0) throw new Error('mail: no local-part');
  if (at === a.length - 1) throw new Error('mail: no domain in addr-spec');
  if (
    /[\s<>()[\]\\,;:"]/.test(a.slice(0, at).replace(/^"(.*)"$/, 'x')) &&
    !/^".*"$/.test(a.slice(0, at))
  )
    throw new Error('mail: invalid string');
}
