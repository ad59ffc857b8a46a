// A minimal tar writer: regular files in USTAR headers laid out byte for byte as Go's archive/tar
// writes a Header{Name, Mode, Size} (zero times and ids, octal fields NUL-terminated), each body
// padded to 512 bytes, then two zero blocks.
const BLOCK = 512;

function octal(buf: Buffer, offset: number, width: number, n: number): void {
  buf.write(n.toString(8).padStart(width - 1, '0') + '\0', offset, 'latin1');
}

function header(name: string, mode: number, size: number): Buffer {
  const h = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: file name too long: ${name}`);
  h.write(name, 0, 'utf8');
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, size);
  octal(h, 136, 12, 0); // mtime
  h.write('0', 156, 'latin1'); // regular file
  h.write('ustar\x0000', 257, 'latin1');
  octal(h, 329, 8, 0); // devmajor
  octal(h, 337, 8, 0); // devminor
  // The checksum is taken with its own field as spaces, then written as 6 digits, NUL, space.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

export function tarArchive(files: { name: string; data: Buffer; mode?: number }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(header(f.name, f.mode ?? 0o644, f.data.length), f.data);
    const pad = (BLOCK - (f.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
