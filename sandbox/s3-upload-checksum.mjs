// @ts-check
// The checksum a multipart upload was created with (CreateMultipartUpload's x-amz-checksum-algorithm,
// and x-amz-checksum-type), and what S3 asks of its parts for it. UploadPart: "This checksum algorithm
// must be the same for all parts and it match the checksum value supplied in the CreateMultipartUpload
// request" (S3 API Reference, UploadPart, x-amz-sdk-checksum-algorithm); a part declaring another one is
// 400 InvalidRequest "Checksum Type mismatch occurred, ..." (S3's answer as quoted in trinodb's and
// apache/arrow-rs#6793's reports). CompleteMultipartUpload of a composite-checksum upload lists each
// part's checksum (CompletedPart: present "if the multipart upload request was created with the CRC32
// checksum algorithm"); one missing is 400 InvalidRequest "The upload was created using a crc32c
// checksum. The complete request must include the checksum for each part. It was missing for part 1 in
// the request." (S3's answer quoted in apache/opendal#4580). Not refused here, S3's behaviour being
// reported both ways: a part with no checksum at all, and a part with one on an upload created without.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKSUM_HEADERS, isChecksumHeader } from './s3-checksums.mjs';
import { s3Error } from './s3-errors.mjs';
import { uploadFolder } from './s3rver-uploads.mjs';

/**
 * @typedef {object} UploadChecksum
 * @property {string | undefined} algorithm upper-case ('CRC32', 'SHA256', ...), if the upload has one
 * @property {boolean} composite whether the object's checksum is one of the parts' checksums (S3's
 *   default type, except for CRC64NVME, which is full-object only), so that each part needs its own
 */

/**
 * The checksum an upload was created with, from the headers s3rver keeps in its `metadata` file.
 * @param {string} directory s3rver's data folder @param {string} bucket @param {string} uploadId
 * @returns {Promise<UploadChecksum>}
 */
export async function uploadChecksum(directory, bucket, uploadId) {
  /** @type {Record<string, unknown>} */
  const headers = await readFile(join(uploadFolder(directory, bucket, uploadId), 'metadata'), 'utf8').then(JSON.parse, () => ({}));
  const declared = headers['x-amz-checksum-algorithm'];
  const algorithm = typeof declared === 'string' && declared.trim() !== '' ? declared.trim().toUpperCase() : undefined;
  const fullObject = String(headers['x-amz-checksum-type'] ?? '').toUpperCase() === 'FULL_OBJECT' || algorithm === 'CRC64NVME';
  return { algorithm, composite: algorithm !== undefined && !fullObject };
}

/**
 * Refuses a part whose declared checksum (an x-amz-checksum-* header, the trailer announced, or
 * x-amz-sdk-checksum-algorithm) is of another algorithm than its upload's.
 * @param {UploadChecksum} upload @param {(name: string) => string | undefined} header
 * @throws {import('./s3-errors.mjs').S3Error} 400 InvalidRequest
 */
export function checkPartChecksum({ algorithm }, header) {
  if (algorithm === undefined) return;
  const named = CHECKSUM_HEADERS.find((name) => header(name) !== undefined);
  const trailer = header('x-amz-trailer')?.trim().toLowerCase();
  const fromHeaders = named ?? (trailer !== undefined && isChecksumHeader(trailer) ? trailer : undefined);
  const actual = fromHeaders?.slice('x-amz-checksum-'.length) ?? header('x-amz-sdk-checksum-algorithm')?.trim();
  if (actual !== undefined && actual.toUpperCase() !== algorithm) {
    throw s3Error(400, 'InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${algorithm.toLowerCase()}, actual checksum Type: ${actual.toLowerCase()}`);
  }
}

/**
 * Refuses a completion of a composite-checksum upload that leaves out a part's checksum.
 * @param {UploadChecksum} upload @param {{ number: number, checksums: Set<string> }[]} listed the
 *   parts listed, each with the upper-case algorithms of the Checksum* elements it has
 * @throws {import('./s3-errors.mjs').S3Error} 400 InvalidRequest
 */
export function checkListedChecksums({ algorithm, composite }, listed) {
  if (algorithm === undefined || !composite) return;
  const missing = listed.find((part) => !part.checksums.has(algorithm));
  if (missing !== undefined) {
    throw s3Error(400, 'InvalidRequest', `The upload was created using a ${algorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${missing.number} in the request.`);
  }
}
