// @ts-check
// The digests a request declares for its body, as S3 reads them: Content-MD5 and one of the
// x-amz-checksum-crc32 / -crc32c / -crc64nvme / -sha1 / -sha256 headers (or the same name as a trailer
// of an aws-chunked body), each base64 of the digest's bytes; the running digests of the body as it
// arrives; and S3's refusal when one does not match. The CRCs are the AWS SDK's own implementations
// (@aws-sdk/checksums), the hashes node:crypto's.
import { createHash } from 'node:crypto';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { s3Error } from './s3-errors.mjs';

/** Each checksum header S3 knows: its algorithm's name in S3's messages, and its digest's size. */
const CHECKSUMS = {
  'x-amz-checksum-crc32': { name: 'CRC32', bytes: 4 },
  'x-amz-checksum-crc32c': { name: 'CRC32C', bytes: 4 },
  'x-amz-checksum-crc64nvme': { name: 'CRC64NVME', bytes: 8 },
  'x-amz-checksum-sha1': { name: 'SHA1', bytes: 20 },
  'x-amz-checksum-sha256': { name: 'SHA256', bytes: 32 },
};
/** @typedef {keyof typeof CHECKSUMS} ChecksumHeader */
/** @typedef {ChecksumHeader | 'content-md5' | 'sha256-hex'} Digest a digest the body may have to match */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** S3's checksum headers, x-amz-checksum-<algorithm>. */
export const CHECKSUM_HEADERS = /** @type {ChecksumHeader[]} */ (Object.keys(CHECKSUMS));

/** Whether a header name is one of S3's checksum headers. */
export const isChecksumHeader = (/** @type {string} */ name) => Object.hasOwn(CHECKSUMS, name);

/**
 * The body digests a request's headers declare, checked for form: a Content-MD5 that is not base64 of
 * 16 bytes is InvalidDigest, a checksum value of the wrong form or more than one checksum header is
 * InvalidRequest.
 * @param {(name: string) => string | undefined} header
 * @param {{ checksums: boolean }} options whether x-amz-checksum-* describe this body (not on a
 *   CompleteMultipartUpload, where they describe the whole object)
 * @returns {Map<Digest, Buffer>} the expected digest of each
 * @throws {import('./s3-errors.mjs').S3Error}
 */
export function declaredDigests(header, { checksums }) {
  /** @type {Map<Digest, Buffer>} */
  const declared = new Map();
  const md5 = header('content-md5');
  if (md5 !== undefined) {
    const bytes = decoded(md5, 16);
    if (bytes === undefined) throw s3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.', { 'Content-MD5': md5 });
    declared.set('content-md5', bytes);
  }
  const present = checksums ? CHECKSUM_HEADERS.filter((name) => header(name) !== undefined) : [];
  if (present.length > 1) throw s3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  for (const name of present) declared.set(name, checksumValue(name, header(name) ?? ''));
  return declared;
}

/**
 * A checksum header's (or trailer's) value as bytes; InvalidRequest when it is not base64 of the
 * algorithm's digest size.
 * @param {ChecksumHeader} name @param {string} value
 */
export function checksumValue(name, value) {
  const bytes = decoded(value.trim(), CHECKSUMS[name].bytes);
  if (bytes === undefined) throw s3Error(400, 'InvalidRequest', `Value for ${name} header is invalid.`);
  return bytes;
}

/** @param {string} text @param {number} size @returns {Buffer | undefined} */
function decoded(text, size) {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length === size ? bytes : undefined;
}

/**
 * Running digests of a body, for the digests asked.
 * @param {Iterable<Digest>} wanted
 * @returns {{ update(chunk: Buffer): void, results(): Promise<Map<Digest, Buffer>> }}
 */
export function runningDigests(wanted) {
  const hashes = [...new Set(wanted)].map((digest) => /** @type {const} */ ([digest, hasher(digest)]));
  return {
    update(chunk) {
      for (const [, hash] of hashes) hash.update(chunk);
    },
    async results() {
      return new Map(await Promise.all(hashes.map(async ([digest, hash]) => /** @type {const} */ ([digest, Buffer.from(await hash.digest())]))));
    },
  };
}

/** @param {Digest} digest @returns {{ update(chunk: Uint8Array): void, digest(): Promise<Uint8Array> | Uint8Array }} */
function hasher(digest) {
  if (digest === 'x-amz-checksum-crc32') return new Crc32();
  if (digest === 'x-amz-checksum-crc32c') return new Crc32c();
  if (digest === 'x-amz-checksum-crc64nvme') return new Crc64Nvme();
  const hash = createHash(digest === 'content-md5' ? 'md5' : digest === 'x-amz-checksum-sha1' ? 'sha1' : 'sha256');
  return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
}

/**
 * Refuses a body whose digest is not the declared one, with S3's code and message for each kind.
 * @param {Digest} digest @param {Buffer} expected @param {Buffer | undefined} actual
 * @throws {import('./s3-errors.mjs').S3Error}
 */
export function checkDigest(digest, expected, actual) {
  if (actual !== undefined && actual.equals(expected)) return;
  const computed = actual ?? Buffer.alloc(0);
  if (digest === 'sha256-hex') {
    throw s3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", { ClientComputedContentSHA256: expected.toString('hex'), S3ComputedContentSHA256: computed.toString('hex') });
  }
  if (digest === 'content-md5') {
    throw s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.', { ExpectedDigest: expected.toString('base64'), CalculatedDigest: computed.toString('base64') });
  }
  throw s3Error(400, 'BadDigest', `The ${CHECKSUMS[digest].name} you specified did not match the calculated checksum.`);
}
