// Issue 24, point 1: aws-chunked bodies are decoded and verified, never trusted (sandbox/s3-chunked.mjs).
// The signed cases are the S3 API Reference's own examples ("Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" and "... Including Trailing Headers"):
// 66,560 bytes of "a" in a 64 KiB chunk, a 1 KiB chunk and the final empty one, with the signatures the
// pages publish; test/support/aws-chunked.ts (what the gate tests send) is checked against them too.
import { describe, expect, it } from 'vitest';
import { ChunkedDecoder } from '../../../sandbox/s3-chunked.mjs';
import { signingKey } from '../../../sandbox/s3-sigv4.mjs';
import { awsChunked } from '../../support/aws-chunked';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const DATE = '20130524T000000Z';
const signing = (seed: string) => ({ key: signingKey(SECRET, '20130524', 'us-east-1'), date: DATE, scope: '20130524/us-east-1/s3/aws4_request', seed });
const DATA = Buffer.alloc(66_560, 'a');

/** The example without trailer: seed and chunk signatures as published. */
const PLAIN = { seed: '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9', chunks: ['ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497', 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'] };
/**
 * The example with a trailing x-amz-checksum-crc32c. Its chunk signatures are as published; its printed
 * trailer signature (63bddb...) is what its string-to-sign gives with the label AWS4-HMAC-SHA256-PAYLOAD,
 * not the AWS4-HMAC-SHA256-TRAILER the same page prescribes, which is what the gate checks (and what
 * other S3 implementations check): the trailer signature here is computed by the page's rule.
 */
const TRAILED = { seed: '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e', chunks: ['b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2', '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7', '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992'] };
const CRC32C = 'sOO8/Q==';

/** The published body, chunk by chunk. */
function published(signatures: string[], tail = '\r\n') {
  const [first = '', second = '', last = ''] = signatures;
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${first}\r\n`), DATA.subarray(0, 65_536), Buffer.from('\r\n'),
    Buffer.from(`400;chunk-signature=${second}\r\n`), DATA.subarray(65_536), Buffer.from('\r\n'),
    Buffer.from(`0;chunk-signature=${last}\r\n${tail}`),
  ]);
}

/** Decodes `body` fed in pieces of `step` bytes (framing must not depend on where reads split). */
function decode(body: Buffer, options: ConstructorParameters<typeof ChunkedDecoder>[0], step = 1000) {
  const decoder = new ChunkedDecoder(options);
  const data: Buffer[] = [];
  for (let start = 0; start < body.length; start += step) data.push(...decoder.push(body.subarray(start, start + step)));
  return { data: Buffer.concat(data), trailers: decoder.end() };
}
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the published example', () => {
  it.each([1, 7, 1000, 70_000])('decodes to the 66,560 bytes, read %i bytes at a time', (step) => {
    const { data, trailers } = decode(published(PLAIN.chunks), { signing: signing(PLAIN.seed) }, step);
    expect(data.equals(DATA)).toBe(true);
    expect(trailers.size).toBe(0);
  });

  it('refuses one changed byte of data, a changed signature, the chunks from another seed (SignatureDoesNotMatch)', () => {
    const changed = published(PLAIN.chunks);
    changed[changed.indexOf('400;chunk-signature') + 200] = 'b'.charCodeAt(0);
    expect(codeOf(() => decode(changed, { signing: signing(PLAIN.seed) }))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => decode(published([PLAIN.chunks[0]!, PLAIN.chunks[0]!, PLAIN.chunks[2]!]), { signing: signing(PLAIN.seed) }))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => decode(published(PLAIN.chunks), { signing: signing(TRAILED.seed) }))).toBe('SignatureDoesNotMatch');
  });

  it('refuses a body cut before its last chunk, and a chunk without its signature (IncompleteBody)', () => {
    const body = published(PLAIN.chunks);
    expect(codeOf(() => decode(body.subarray(0, 65_600), { signing: signing(PLAIN.seed) }))).toBe('IncompleteBody');
    expect(codeOf(() => decode(Buffer.from('5\r\nhello\r\n0\r\n\r\n'), { signing: signing(PLAIN.seed) }))).toBe('IncompleteBody');
  });

  it('test/support/aws-chunked.ts writes exactly the published body', () => {
    const written = awsChunked(DATA, { chunkSize: 65_536, signing: { secretAccessKey: SECRET, date: DATE, region: 'us-east-1', seed: PLAIN.seed } });
    expect(written.equals(published(PLAIN.chunks))).toBe(true);
  });
});

describe('signed chunks and a signed trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)', () => {
  const body = awsChunked(DATA, { chunkSize: 65_536, signing: { secretAccessKey: SECRET, date: DATE, region: 'us-east-1', seed: TRAILED.seed }, trailer: ['x-amz-checksum-crc32c', CRC32C] });

  it('has the published chunk signatures, and decodes to the data and the trailer', () => {
    const text = body.toString('latin1');
    for (const signature of TRAILED.chunks) expect(text).toContain(`;chunk-signature=${signature}\r\n`);
    const { data, trailers } = decode(body, { signing: signing(TRAILED.seed) });
    expect(data.equals(DATA)).toBe(true);
    expect([...trailers]).toEqual([['x-amz-checksum-crc32c', CRC32C]]);
  });

  it('refuses a changed trailer or trailer signature (SignatureDoesNotMatch), and a missing trailer signature', () => {
    const text = body.toString('latin1');
    expect(codeOf(() => decode(Buffer.from(text.replace(CRC32C, 'AAAAAA=='), 'latin1'), { signing: signing(TRAILED.seed) }))).toBe('SignatureDoesNotMatch');
    expect(codeOf(() => decode(Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]{64}\r\n/, ''), 'latin1'), { signing: signing(TRAILED.seed) }))).toBe('SignatureDoesNotMatch');
  });
});

describe('unsigned chunks (STREAMING-UNSIGNED-PAYLOAD-TRAILER), as the AWS SDK writes them', () => {
  it('decodes data and trailer; ends after the last chunk line when there is no trailer', () => {
    const { data, trailers } = decode(Buffer.from('6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n'), { signing: undefined }, 3);
    expect([data.toString(), [...trailers]]).toEqual(['hello world', [['x-amz-checksum-crc32', 'DUoRhQ==']]]);
    expect(decode(Buffer.from('5\r\nhello\r\n0\r\n'), { signing: undefined }).data.toString()).toBe('hello');
  });

  it.each<[string, string]>([
    ['a chunk longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
    ['a size that is not hex', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['a chunk signature where none belongs', `5;chunk-signature=${'0'.repeat(64)}\r\nhello\r\n0\r\n\r\n`],
    ['no last chunk', '5\r\nhello\r\n'],
    ['bytes after the trailer', '5\r\nhello\r\n0\r\n\r\nmore'],
  ])('refuses %s (IncompleteBody)', (_name, text) => {
    expect(codeOf(() => decode(Buffer.from(text), { signing: undefined }))).toBe('IncompleteBody');
  });

  it('refuses a malformed or repeated trailer, and a trailer signature on unsigned chunks (MalformedTrailerError)', () => {
    for (const trailer of ['no colon here', 'x-amz-checksum-crc32:a\r\nx-amz-checksum-crc32:b', `x-amz-trailer-signature:${'0'.repeat(64)}`]) {
      expect(codeOf(() => decode(Buffer.from(`5\r\nhello\r\n0\r\n${trailer}\r\n\r\n`), { signing: undefined })), trailer).toBe('MalformedTrailerError');
    }
  });
});
