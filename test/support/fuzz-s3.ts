// fast-check arbitraries for correctly signed S3 requests that try everything else: keys inside and
// outside the signer's folder written with every percent-encoding trick, subresources and multipart
// parameters (real and forged upload ids, part numbers that are paths), copy sources in the header or
// the query string, odd methods and random bodies. Signed, they pass the signature check and reach
// the path rules, the policy and s3rver itself.
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

const headers = (user: string) =>
  fc.array(
    fc.oneof(
      { weight: 1, arbitrary: fc.tuple(fc.constant('x-amz-copy-source'), copySource(user)) },
      { weight: 3, arbitrary: fc.constantFrom<[string, string]>(['x-amz-metadata-directive', 'REPLACE'], ['content-type', 'text/plain'], ['range', 'bytes=0-3'], ['x-amz-tagging', 'a=b'], ['content-md5', 'AAAA']) },
    ),
    { maxLength: 2 },
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
