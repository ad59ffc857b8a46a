// Chunk encodings, as the byte that precedes a chunk's data in Prometheus's chunk files
// (chunkenc.Encoding). A chunk of an encoding this server cannot decode is still carried with its
// byte everywhere, so it is copied through — never read, or re-written, as something else.
export const ENC_NONE = 0;
export const ENC_XOR = 1;
export const ENC_HISTOGRAM = 2;
export const ENC_FLOAT_HISTOGRAM = 3;

/** Prometheus's name for an encoding (chunkenc.Encoding.String()). */
export function encodingName(enc: number): string {
  switch (enc) {
    case ENC_NONE:
      return 'none';
    case ENC_XOR:
      return 'XOR';
    case ENC_HISTOGRAM:
      return 'histogram';
    case ENC_FLOAT_HISTOGRAM:
      return 'floathistogram';
    default:
      return '<unknown>';
  }
}

/**
 * Chunks read for a query and left out because their encoding cannot be decoded here, by
 * encoding byte, process-wide (iterators have no registry at hand; the metric reads this).
 */
export const undecodedChunkReads = new Map<number, number>();

export function noteUndecodedChunk(enc: number): void {
  undecodedChunkReads.set(enc, (undecodedChunkReads.get(enc) ?? 0) + 1);
}

/** Samples in a chunk: every chunkenc encoding starts with a 2-byte big-endian count. */
export function chunkNumSamples(data: Uint8Array): number {
  return data.length < 2 ? 0 : (data[0]! << 8) | data[1]!;
}
