// fast-check arbitraries for correctly signed S3 requests that try everything else: keys inside and
// outside the signer's folder written with every percent-encoding trick, subresources and multipart
// parameters (real and forged upload ids, part numbers that are paths), copy sources in the header or
// the query string, odd methods and random bodies. Signed, they pass the signature check and reach
// the path rules, the policy and s3rver itself.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PIECES } from './fuzz-http';
import type { RawS3Request } from './signed-raw';

const encodings = (text: string): string[] => [
  encodeURIComponent(text),
  encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
  encodeURIComponent(encodeURIComponent(text)),
  text.replace(/\|/g, '%7C'),
];

const keyText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...[...'abcxyz0189-_. ()+=,@|~!*\'$&;:%é€😀']), minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 2, arbitrary: fc.constantFrom('..', '.', '\\', '\0', '/', '//', 'a/../..', '../auth0|other', 'x'.repeat(240), 'ü'.repeat(130)) },
);

/** A path segment as written on the wire: encoded one of several ways, or a raw trick. */
const wireSegment = fc.oneof(
  { weight: 6, arbitrary: keyText.map((text) => encodeURIComponent(text)) },
  { weight: 3, arbitrary: fc.tuple(keyText, fc.nat(3)).map(([text, way]) => encodings(text)[way]!) },
  { weight: 1, arbitrary: fc.constantFrom(...PIECES.filter((piece) => !/[^\x21-\x7e]/.test(piece) && !/[?#]/.test(piece))) },
);

const ownPrefix = (user: string) => fc.constantFrom(`/uploads/${encodeURIComponent(user)}/`, `/uploads/${encodeURIComponent(user).toLowerCase()}/`, `/uploads/${user}/`);
/** Other folders, and the known ways out of the own one (issue 12's attack, and beside s3rver's folder). */
const elsewhere = (user: string) => {
  const own = encodeURIComponent(user);
  return fc.constantFrom('/uploads/auth0%7Cother/', '/uploads/', '/', '/uploads%2F', '/Uploads/', `/uploads/${own}%2F..%2F`, `/uploads%2F${own}%2F..%2F..%2Fuploads/auth0%7Cother/`, `/uploads%2F${own}%2F..%2F..%2F../`, `/uploads/${own}/..%2F..%2F..%2F`);
};
/** Last segments that once broke s3rver's files: too long for a file name, or named like its own files. */
const lastSegment = fc.constantFrom('x'.repeat(250), encodeURIComponent('ü'.repeat(130)), 'x._S3rver_object', 'x._S3rver_metadata.json', '._S3rver_uploads');

const path = (user: string) =>
  fc.tuple(fc.oneof({ weight: 3, arbitrary: ownPrefix(user) }, { weight: 1, arbitrary: elsewhere(user) }), fc.array(wireSegment, { minLength: 1, maxLength: 3 }), fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: lastSegment }), fc.nat(4).map((n) => n === 0))
    .map(([prefix, segments, last, slash]) => `${prefix}${[...segments, ...(last === null ? [] : [last])].join('/')}${slash ? '/' : ''}`)
    .map((text) => text.replace(/[\s]/g, '%20'));

const copySource = (user: string) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(`uploads/${encodeURIComponent(user)}/`, `/uploads/${user}/`, 'uploads/auth0%7Cother/', '/uploads/', 'other-bucket/', ''), fc.array(wireSegment, { maxLength: 2 })).map(([prefix, segments]) => `${prefix}${segments.join('/')}`),
    fc.string({ maxLength: 30 }),
  );

const query = (user: string, uploadIds: string[]) =>
  fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom<[string, string]>(['uploads', ''], ['x-id', 'PutObject'], ['list-type', '2']) },
      fc.constantFrom<[string, string]>(['uploads', ''], ['acl', ''], ['tagging', ''], ['delete', ''], ['list-type', '2'], ['location', ''], ['cors', ''], ['versionId', '1'], ['x-id', 'GetObject'], ['response-content-type', 'text/html'], ['response-bogus', 'x'], ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'], ['Signature', 'x']),
      fc.tuple(fc.constant('uploadId'), fc.oneof(fc.constantFrom(...uploadIds, '../../x', '0'.repeat(32), ''), fc.string({ maxLength: 40 }))),
      fc.tuple(fc.constant('partNumber'), fc.oneof(fc.constantFrom('1', '10000', '10001', '0', '-1', '01', '1e3', '../../../x', ''), fc.string({ maxLength: 8 }))),
      fc.tuple(fc.constant('prefix'), fc.oneof(fc.constantFrom(`${user}/`, 'auth0|other/', ''), fc.string({ maxLength: 12 }))),
      fc.tuple(fc.constantFrom('x-amz-copy-source', 'X-Amz-Copy-Source'), copySource(user)),
      fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })),
    ),
    { maxLength: 2 },
  );

const EMPTY_SHA256 = createHash('sha256').digest('hex');
/** What a header may say of the body: hashes, digests and aws-chunked framing, right, wrong or malformed. */
const payloadHeader = fc.constantFrom<[string, string]>(
  ['x-amz-content-sha256', EMPTY_SHA256],
  ['x-amz-content-sha256', '0'.repeat(64)],
  ['x-amz-content-sha256', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER'],
  ['x-amz-content-sha256', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'],
  ['x-amz-content-sha256', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD'],
  ['x-amz-content-sha256', 'nonsense'],
  ['content-md5', '1B2M2Y8AsgTpgAmY7PhCfg=='],
  ['x-amz-checksum-crc32', 'AAAAAA=='],
  ['x-amz-checksum-crc64nvme', 'AAAAAAAAAAA='],
  ['x-amz-checksum-sha256', 'not base64'],
  ['x-amz-trailer', 'x-amz-checksum-crc32'],
  ['x-amz-decoded-content-length', '5'],
  ['content-encoding', 'aws-chunked'],
);

const headers = (user: string) =>
  fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.tuple(fc.constant('x-amz-copy-source'), copySource(user)) },
      { weight: 3, arbitrary: fc.constantFrom<[string, string]>(['x-amz-metadata-directive', 'REPLACE'], ['content-type', 'text/plain'], ['range', 'bytes=0-3'], ['x-amz-tagging', 'a=b'], ['content-md5', 'AAAA'], ['x-amz-acl', 'public-read'], ['x-amz-acl', 'bucket-owner-full-control'], ['x-amz-grant-read', 'id=x']) },
      { weight: 2, arbitrary: payloadHeader },
    ),
    { maxLength: 3 },
  ).map((pairs) => Object.fromEntries(pairs));

const body = fc.oneof(
  fc.constant(''),
  fc.uint8Array({ maxLength: 1024 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.tuple(fc.oneof(fc.nat(10_001).map(String), fc.string({ maxLength: 10 })), fc.string({ maxLength: 10 })).map(([part, etag]) => `<CompleteMultipartUpload><Part><PartNumber>${part}</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`),
);

export const signedS3Request = (user: string, uploadIds: string[]): fc.Arbitrary<RawS3Request> =>
  fc.record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'PUT', 'POST', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom('PATCH', 'TRACE', 'PROPFIND', 'COPY') }),
    path: path(user),
    query: query(user, uploadIds),
    headers: headers(user),
    body,
  });

/** An unfinished upload in the signer's folder, and its parts as uploaded. */
export interface FuzzUpload {
  key: string;
  uploadId: string;
  parts: { number: number; etag: string }[];
}

/** A part of a CompleteMultipartUpload list: one of the upload's parts, with a forged ETag or another number maybe. */
interface PartSpec {
  /** which of the upload's parts */
  part: number;
  /** an ETag instead of the part's */
  etag?: string;
  /** a number instead of the part's (one never uploaded) */
  number?: number;
}

/**
 * A multipart case, independent of the upload ids (an upload a case completes or aborts is replaced by
 * a new one before the next case): which upload, and what to send it.
 */
export interface MultipartCase {
  upload: number;
  method: string;
  partNumber: boolean;
  headers: Record<string, string>;
  body: PartSpec[] | string;
}

const partSpec: fc.Arbitrary<PartSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ part: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ part: fc.nat(1), etag: fc.constantFrom('"00000000000000000000000000000000"', '', 'x', '"') }) },
  { weight: 1, arbitrary: fc.record({ part: fc.nat(1), number: fc.constantFrom(0, 3, 99, 10_000, 10_001, -1) }) },
);

const completionBody: fc.Arbitrary<PartSpec[] | string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(partSpec, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '<CompleteMultipartUpload>', '<CompleteMultipartUpload><Part></Part></CompleteMultipartUpload>', '<Delete><Object><Key>x</Key></Object></Delete>', '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&#x110000;</ETag></Part></CompleteMultipartUpload>') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);

/**
 * Multipart cases on the signer's own unfinished uploads, the URL's key the upload's own (so they pass
 * the gate's checks and reach the completion rules): completions listing real parts, forged ETags,
 * numbers never uploaded, out of order and malformed lists; parts uploaded again, with and without a
 * part number; listings and aborts; with the payload headers above.
 */
export const multipartCase = (uploadCount: number): fc.Arbitrary<MultipartCase> =>
  fc.record({
    upload: fc.nat(uploadCount - 1),
    method: fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'GET', 'DELETE') }),
    partNumber: fc.boolean(),
    headers: fc.array(payloadHeader, { maxLength: 2 }).map((pairs) => Object.fromEntries(pairs)),
    body: completionBody,
  });

/** The request of a multipart case, for the upload it names now. */
export function multipartRequest(user: string, upload: FuzzUpload, { method, partNumber, headers, body }: MultipartCase): RawS3Request {
  const part = (spec: PartSpec) => upload.parts[spec.part % upload.parts.length]!;
  const text = typeof body === 'string' ? body : `<CompleteMultipartUpload>${body.map((spec) => `<Part><PartNumber>${spec.number ?? part(spec).number}</PartNumber><ETag>${spec.etag ?? part(spec).etag}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  return { method, path: `/uploads/${encodeURIComponent(user)}/${upload.key}`, query: [['uploadId', upload.uploadId], ...(partNumber ? [['partNumber', '2'] as [string, string]] : [])], headers, body: text };
}
