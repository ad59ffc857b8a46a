// Remote write and read bodies: snappy, then prompb (write requests, read requests, sampled read
// responses, streamed chunked responses with their frames). Refusal: ProtoError (the decoders'),
// SnappyError (util/snappy, the handlers' decoding), and RegexError for a read matcher with a
// bad regex (the handlers answer 400 to all of these). The first input byte picks the decoder and
// whether the rest is snappy-compressed, so byte mutations reach the protobuf decoder too.
import fc from 'fast-check';
import { compress } from 'snappyjs';
import { snappyDecode, SnappyError } from '../../../src/util/snappy.js';
import {
  decodeChunkedReadResponse,
  decodeReadRequest,
  decodeReadResponse,
  decodeWriteRequest,
  encodeChunkedReadResponse,
  encodeReadRequest,
  encodeReadResponse,
  encodeWriteRequest,
  frame,
  readFrames,
  ProtoError,
  type PbTimeSeries,
} from '../../../src/storage/remote/index.js';
import { Labels, Matcher, MatchType, RegexError } from '../../../src/model/labels/index.js';
import { labelName, labelValue, nearValidBytes } from '../arbitraries.js';
import { type Target } from '../target.js';

/** A smaller decoded-size cap than the handlers' (2 GiB), so the fuzzer does not allocate gigabytes per case. */
const MAX_DECODED = 32 << 20;

const labels = fc
  .array(fc.tuple(labelName, labelValue), { maxLength: 4 })
  .map((p) => Labels.fromPairs(p));
const sample = fc.record({
  value: fc.double(),
  timestamp: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53) + 1, 1.7e12)),
});
const series: fc.Arbitrary<PbTimeSeries> = fc.record({
  labels,
  samples: fc.array(sample, { maxLength: 4 }),
});
const matcher = fc
  .tuple(
    fc.constantFrom(MatchType.Equal, MatchType.NotEqual, MatchType.Regexp, MatchType.NotRegexp),
    labelName,
    fc.constantFrom('a', '.*', 'x|y', ''),
  )
  .map(([t, n, v]) => new Matcher(t, n, v));
const query = fc.record({
  startTimestampMs: fc.integer(),
  endTimestampMs: fc.integer(),
  matchers: fc.array(matcher, { maxLength: 3 }),
});
const chunk = fc.record({
  minTimeMs: fc.integer(),
  maxTimeMs: fc.integer(),
  data: fc.uint8Array({ maxLength: 24 }),
});

const MODES = 4;
const message = fc.oneof(
  fc
    .tuple(
      fc.array(series, { maxLength: 3 }),
      fc.array(
        fc.record({
          type: fc.nat(8),
          metricFamilyName: fc.string({ maxLength: 5 }),
          help: fc.string({ maxLength: 5 }),
          unit: fc.constantFrom('', 's'),
        }),
        { maxLength: 2 },
      ),
    )
    .map(([s, m]) => [0, encodeWriteRequest(s, m)] as const),
  fc
    .tuple(fc.array(query, { maxLength: 2 }), fc.array(fc.nat(3), { maxLength: 2 }))
    .map(([q, a]) => [1, encodeReadRequest(q, a)] as const),
  fc
    .array(fc.array(series, { maxLength: 2 }), { maxLength: 2 })
    .map((r) => [2, encodeReadResponse(r)] as const),
  fc
    .tuple(
      fc.array(fc.record({ labels, chunks: fc.array(chunk, { maxLength: 2 }) }), { maxLength: 2 }),
      fc.nat(5),
    )
    .map(
      ([s, i]) =>
        [
          3,
          Buffer.concat([
            frame(encodeChunkedReadResponse(s, i)),
            frame(encodeChunkedReadResponse([], i + 1)),
          ]),
        ] as const,
    ),
);

function decode(mode: number, body: Uint8Array): void {
  switch (mode) {
    case 0:
      decodeWriteRequest(body);
      return;
    case 1:
      decodeReadRequest(body);
      return;
    case 2:
      decodeReadResponse(body);
      return;
    default:
      for (const f of readFrames(body)) decodeChunkedReadResponse(f);
  }
}

export const remote: Target = {
  name: 'remote',
  text: false,
  hangMs: 3000,
  // Streamed responses are not snappy-compressed; the other messages are, on the wire, unless the flag says raw.
  arbitrary: fc.tuple(message, fc.boolean()).chain(([[mode, body], raw]) => {
    const snappy = !raw && mode !== 3;
    return nearValidBytes(fc.constant(snappy ? compress(body) : body)).map((b) =>
      Uint8Array.from([mode | (snappy ? 0x80 : 0), ...b]),
    );
  }),
  tokens: [],
  run(input) {
    const flag = input[0] ?? 0;
    let body = input.subarray(1);
    if (flag & 0x80) body = snappyDecode(body, MAX_DECODED);
    decode((flag & 0x7f) % MODES, body);
  },
  expected: (e) => e instanceof ProtoError || e instanceof RegexError || e instanceof SnappyError,
};
