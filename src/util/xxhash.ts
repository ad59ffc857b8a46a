// XXH64 (seed 0), the hash Prometheus's labels.Labels.Hash() uses; BigInt arithmetic modulo 2^64,
// for the few places where a value must equal Prometheus's (not for hot paths).
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, v: bigint): bigint => ((acc ^ round(0n, v)) * P1 + P4) & M;

export function xxhash64(b: Uint8Array): bigint {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length;
  let i = 0;
  let acc: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & M;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true));
      v2 = round(v2, view.getBigUint64(i + 8, true));
      v3 = round(v3, view.getBigUint64(i + 16, true));
      v4 = round(v4, view.getBigUint64(i + 24, true));
    }
    acc = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    for (const v of [v1, v2, v3, v4]) acc = merge(acc, v);
  } else acc = P5;
  acc = (acc + BigInt(n)) & M;
  for (; i + 8 <= n; i += 8)
    acc = (rotl(acc ^ round(0n, view.getBigUint64(i, true)), 27n) * P1 + P4) & M;
  if (i + 4 <= n) {
    acc = (rotl(acc ^ ((BigInt(view.getUint32(i, true)) * P1) & M), 23n) * P2 + P3) & M;
    i += 4;
  }
  for (; i < n; i++) acc = (rotl(acc ^ ((BigInt(b[i]!) * P5) & M), 11n) * P1) & M;
  acc ^= acc >> 33n;
  acc = (acc * P2) & M;
  acc ^= acc >> 29n;
  acc = (acc * P3) & M;
  acc ^= acc >> 32n;
  return acc;
}

/** Prometheus's labels.Labels.Hash() of a sorted label set: name 0xff value 0xff …, hashed. */
export function promLabelsHash(pairs: [string, string][]): bigint {
  const parts: Buffer[] = [];
  const sep = Buffer.from([0xff]);
  for (const [n, v] of pairs) parts.push(Buffer.from(n), sep, Buffer.from(v), sep);
  return xxhash64(Buffer.concat(parts));
}
