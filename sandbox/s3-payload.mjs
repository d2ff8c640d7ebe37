// @ts-check
// A verified request's body, checked against everything the request says of it before anything is
// stored: the signed x-amz-content-sha256 (a SHA-256, UNSIGNED-PAYLOAD, or one of the STREAMING-*
// aws-chunked forms, whose chunks and trailer are decoded and verified: s3-chunked.mjs), Content-MD5,
// the x-amz-checksum-* header or trailer (s3-checksums.mjs), and x-amz-decoded-content-length. The
// body is held (s3-body.mjs) while it arrives and hashed on the way; a mismatch is S3's refusal and the
// held body is thrown away.
import { ChunkedDecoder } from './s3-chunked.mjs';
import { heldBody } from './s3-body.mjs';
import { checkDigest, checksumValue, declaredDigests, isChecksumHeader, runningDigests } from './s3-checksums.mjs';
import { s3Error } from './s3-errors.mjs';

/** S3's largest single upload (PutObject, UploadPart). */
const MAX_BODY_BYTES = 5 * 1024 ** 3;
/** The aws-chunked forms S3 takes with SigV4: whether chunks are signed, whether trailing headers follow. */
const STREAMING = {
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { signed: false, trailer: true },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { signed: true, trailer: false },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { signed: true, trailer: true },
};
/** SigV4a's forms: this local S3 verifies no ECDSA signatures. */
const SIGV4A = ['STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD', 'STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER'];

/**
 * What the verified signature says of the body (s3-sigv4.mjs).
 * @typedef {object} SignedPayload
 * @property {string} hash the x-amz-content-sha256 the signature covers ('UNSIGNED-PAYLOAD' when a
 *   presigned URL names none)
 * @property {import('./s3-chunked.mjs').ChunkSigning} [signing] what signed chunks chain from (the
 *   Authorization header's signature; a presigned URL has none)
 */

/**
 * @typedef {object} PayloadMode
 * @property {Buffer} [sha256] the SHA-256 the body must have
 * @property {{ signed: boolean, trailer: boolean }} [streaming] an aws-chunked body
 */

/**
 * How the body is to be read, from the signed x-amz-content-sha256.
 * @param {SignedPayload} payload @returns {PayloadMode}
 * @throws {import('./s3-errors.mjs').S3Error} a value S3 does not take (InvalidArgument), SigV4a
 *   (NotImplemented), signed chunks without a seed signature (InvalidRequest)
 */
export function payloadMode({ hash, signing }) {
  if (/^[0-9a-fA-F]{64}$/.test(hash)) return { sha256: Buffer.from(hash, 'hex') };
  if (hash === 'UNSIGNED-PAYLOAD') return {};
  if (Object.hasOwn(STREAMING, hash)) {
    const streaming = STREAMING[/** @type {keyof typeof STREAMING} */ (hash)];
    if (streaming.signed && signing === undefined) throw s3Error(400, 'InvalidRequest', 'Signed aws-chunked payloads need the seed signature of the Authorization header.');
    return { streaming };
  }
  if (SIGV4A.includes(hash)) throw s3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', { Header: 'x-amz-content-sha256' });
  throw s3Error(400, 'InvalidArgument', `x-amz-content-sha256 must be UNSIGNED-PAYLOAD, ${[...Object.keys(STREAMING), ...SIGV4A].join(', ')} or a valid sha256 value.`, { ArgumentName: 'x-amz-content-sha256', ArgumentValue: hash });
}

/**
 * Receives a body and checks it; resolves to the body held, decoded (aws-chunked framing removed).
 * @param {AsyncIterable<Buffer>} source the body as it arrives
 * @param {(name: string) => string | undefined} header the request's headers
 * @param {SignedPayload} payload
 * @param {{ directory: string, checksums: boolean }} options where a large body is held; whether
 *   x-amz-checksum-* headers describe this body (see declaredDigests)
 * @returns {Promise<{ body: import('./s3-body.mjs').HeldBody, checksum: [import('./s3-checksums.mjs').ChecksumHeader, string] | undefined }>}
 *   the body held, and the x-amz-checksum-* it declared (in a header or its trailer), verified, in
 *   base64: S3 answers a stored object or part with it
 * @throws {import('./s3-errors.mjs').S3Error} nothing is kept then
 */
export async function receiveBody(source, header, payload, { directory, checksums }) {
  const { sha256, streaming } = payloadMode(payload);
  // The signed SHA-256 is checked first, then Content-MD5, then a checksum.
  /** @type {Map<import('./s3-checksums.mjs').Digest, Buffer>} */
  const declared = new Map([...(sha256 ? /** @type {const} */ ([['sha256-hex', sha256]]) : []), ...declaredDigests(header, { checksums })]);
  const trailer = streaming?.trailer ? declaredTrailer(header, declared) : undefined;
  const decodedLength = streaming ? decodedContentLength(header) : undefined;
  const digests = runningDigests([...declared.keys(), ...(trailer ? [trailer] : [])]);
  const decoder = streaming ? new ChunkedDecoder({ signing: streaming.signed ? payload.signing : undefined }) : undefined;
  const body = heldBody({ directory });
  try {
    for await (const bytes of source) {
      for (const data of decoder ? decoder.push(bytes) : [bytes]) {
        if (body.size + data.length > MAX_BODY_BYTES) throw s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { MaxSizeAllowed: String(MAX_BODY_BYTES) });
        digests.update(data);
        await body.write(data);
      }
    }
    const trailers = decoder?.end();
    await body.close();
    if (decodedLength !== undefined && decodedLength !== body.size) throw s3Error(400, 'IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length header.');
    if (trailers) readTrailers(trailers, trailer, declared);
    const actual = await digests.results();
    for (const [digest, expected] of declared) checkDigest(digest, expected, actual.get(digest));
    const checksum = [...declared].find(([digest]) => isChecksumHeader(digest));
    return { body, checksum: checksum && [/** @type {import('./s3-checksums.mjs').ChecksumHeader} */ (checksum[0]), checksum[1].toString('base64')] };
  } catch (error) {
    await body.discard();
    throw error;
  }
}

/**
 * The checksum a STREAMING-*-TRAILER body ends with, named by x-amz-trailer (or none). A checksum
 * header next to it would be a second checksum.
 * @param {(name: string) => string | undefined} header @param {Map<string, Buffer>} declared
 * @returns {import('./s3-checksums.mjs').ChecksumHeader | undefined}
 */
function declaredTrailer(header, declared) {
  const name = header('x-amz-trailer')?.trim().toLowerCase();
  if (name === undefined) return undefined;
  if (!isChecksumHeader(name)) throw s3Error(400, 'InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
  if ([...declared.keys()].some((digest) => isChecksumHeader(digest))) throw s3Error(400, 'InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  return /** @type {import('./s3-checksums.mjs').ChecksumHeader} */ (name);
}

/**
 * A PUT's body must say its length in Content-Length, as S3 wants it (PutObject, UploadPart): HTTP's
 * chunked transfer coding, or no length at all, is 411 MissingContentLength. An aws-chunked body says
 * its length in x-amz-decoded-content-length instead (checked as it is received).
 * @param {string} method @param {(name: string) => string | undefined} header @param {SignedPayload} payload
 * @throws {import('./s3-errors.mjs').S3Error} 411 MissingContentLength
 */
export function checkContentLength(method, header, { hash }) {
  if (method !== 'PUT' || header('content-length') !== undefined || Object.hasOwn(STREAMING, hash)) return;
  throw s3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
}

/** An aws-chunked body must say how long it is once decoded (the S3 API Reference: "For all requests"). */
function decodedContentLength(/** @type {(name: string) => string | undefined} */ header) {
  const value = header('x-amz-decoded-content-length');
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw s3Error(411, 'MissingContentLength', 'You must provide the x-amz-decoded-content-length HTTP header.');
  return Number(value);
}

/**
 * The trailing headers must be exactly the declared checksum; its value joins the digests to check.
 * @param {Map<string, string>} trailers @param {string | undefined} expected @param {Map<import('./s3-checksums.mjs').Digest, Buffer>} declared
 */
function readTrailers(trailers, expected, declared) {
  const malformed = () => s3Error(400, 'MalformedTrailerError', 'The request contained trailing data that was not well-formed or did not conform to our published schema.');
  if ([...trailers.keys()].some((name) => name !== expected)) throw malformed();
  if (expected === undefined) return;
  const value = trailers.get(expected);
  if (value === undefined) throw malformed();
  declared.set(/** @type {import('./s3-checksums.mjs').ChecksumHeader} */ (expected), checksumValue(/** @type {import('./s3-checksums.mjs').ChecksumHeader} */ (expected), value));
}
