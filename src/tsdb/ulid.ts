// ULIDs name blocks: 48-bit millisecond time + 80 random bits, Crockford base32, so names sort by
// creation time (Prometheus uses oklog/ulid).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newULID(ms = Date.now()): string {
  let out = '';
  let t = ms;
  const timeChars: string[] = [];
  for (let i = 0; i < 10; i++) {
    timeChars.push(ALPHABET[t % 32]!);
    t = Math.floor(t / 32);
  }
  out = timeChars.reverse().join('');
  const r = randomBytes(10);
  // 80 bits → 16 base32 chars, 5 bits at a time, most significant first.
  let acc = 0;
  let bits = 0;
  for (const byte of r) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31]!;
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

export function isULID(s: string): boolean {
  return /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s);
}
