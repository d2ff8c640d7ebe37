import { abortedError } from '../cache/single-flight';
import { DelegationError, configurationError } from '../errors';
import { errorCode } from './refusal';
import { objectUrl, readText, s3Call } from './s3-folder';
import type { S3Folder } from './s3-folder';
import { putObject } from './s3-objects';
import type { S3PutOptions, S3PutResult } from './s3-objects';
import { sendParts } from './s3-parts';
import { element } from './s3-xml';

/** Options of `uploadMultipart`. */
export interface S3MultipartOptions extends S3PutOptions {
  /**
   * Bytes per part; S3 wants at least 5 MiB for every part but the last, and at most 10,000 parts. A body
   * no larger than one part goes in a single PUT.
   * @default 8 MiB (8,388,608 B)
   */
  partSize?: number;
  /**
   * How many parts are in flight at once, an integer from 1 to 16 (lib-storage's `Upload` has the same
   * option; Uppy calls it `limit`). Only those parts are read: about `queueSize * partSize` bytes.
   * Browsers open at most 6 connections per host over HTTP/1.1.
   * @default 4
   */
  queueSize?: number;
  /**
   * The waits, in milliseconds, before each further attempt of a part that failed with a network error
   * or a 5xx answer (`InternalError`, `SlowDown`; also S3's `RequestTimeout`): the number of entries is
   * the number of retries of a part (`[]`: none), at most 10, each from 0 to 60,000. Each wait is taken
   * at random between half and all of it. A refusal (`AccessDenied`, any other 4xx) is never retried
   * (an `ExpiredToken` is, once, by `signedFetch`). Uppy's name for the same.
   * @default [1000, 3000] (three attempts per part)
   */
  retryDelays?: readonly number[];
}

const MIB = 1_048_576;
const MIN_PART = 5 * MIB;
const MAX_PARTS = 10_000;
const MAX_QUEUE = 16;
const MAX_RETRIES = 10;
const MAX_RETRY_DELAY_MS = 60_000;
/** How long the cleanup (AbortMultipartUpload) is waited for: it must not hold back the caller's error. */
const CLEANUP_MS = 10_000;

/**
 * Uploads a large `body` as `name` in the folder in parts (CreateMultipartUpload, UploadPart with
 * `queueSize` parts in flight, CompleteMultipartUpload with the parts in order): no request carries more
 * than `partSize`, only the parts in flight are read (the body is sliced, never read whole), and progress
 * counts the whole body (never backwards, ending at its size). A body of one part or less is one PUT
 * (`putObject`). Each part is signed with the client's current credentials, so an upload outlives a
 * credential refresh. A part that fails with a network error or a 5xx is sent again on its own
 * (`retryDelays`). On any other failure (a refused part, a part out of retries, the signal) the parts in
 * flight are cancelled and, once they have settled, the upload is aborted (AbortMultipartUpload, best
 * effort) so no parts are left to pay for, and the first error is thrown. The bucket's CORS must expose
 * `ETag`. The signal ends the upload until the completion is sent; after that the completion is waited
 * for (S3 may store the object whatever the page does), and its result answered.
 * @throws {DelegationError} `invalid_configuration` for a body that is not a Blob, a `partSize` under
 *   5 MiB or more than 10,000 parts, a `queueSize` or `retryDelays` out of range (nothing sent);
 *   `aborted` (the upload aborted at S3 too); `invalid_response` when S3's answer lacks the upload ID,
 *   a part's `ETag` (CORS not exposing it) or the completion's ETag; S3's code (`AccessDenied`, ...) with its status; what
 *   `signedFetch` throws.
 * @example
 * const { etag } = await uploadMultipart(folder, file.name, file, { onProgress: (sent, total) => (bar.value = sent / total) });
 */
export async function uploadMultipart(folder: S3Folder, name: string, body: Blob, options: S3MultipartOptions = {}): Promise<S3PutResult> {
  const { partSize, queueSize, retryDelays } = resolveParts(body, options);
  const { onProgress, signal, contentType } = options;
  if (body.size <= partSize) return putObject(folder, name, body, { contentType, onProgress, signal });
  const url = objectUrl(folder, name);
  const type = contentType ?? (body.type || 'application/octet-stream');
  if (signal?.aborted) throw abortedError(signal);
  // Not ended by the signal: once S3 may have made the upload, its ID is needed to abort it there.
  const created = await readText(await s3Call(folder, 'POST', `${url}?uploads`, { headers: { 'content-type': type } }), undefined);
  const uploadId = element(created, 'UploadId');
  if (uploadId === undefined) throw unreadable('CreateMultipartUpload answered no UploadId');
  const uploadUrl = `${url}?uploadId=${encodeURIComponent(uploadId)}`;
  try {
    if (signal?.aborted) throw abortedError(signal);
    const etags = await sendParts(folder, { uploadUrl, body, partSize, queueSize, retryDelays, onProgress }, signal);
    // Not ended by the signal either: once sent, S3 may store the object, which `aborted` would deny.
    return await complete(folder, uploadUrl, etags);
  } catch (error) {
    // Not the caller's signal (an aborted upload must still be cleaned up), but a bounded one: a DELETE
    // that never answers must not keep the caller from its error. Every part has settled by now.
    await s3Call(folder, 'DELETE', uploadUrl, { signal: AbortSignal.timeout(CLEANUP_MS) }).then((response) => readText(response, undefined)).catch(() => undefined);
    throw error;
  }
}

/** The options that shape the parts, checked and defaulted. */
function resolveParts(body: Blob, { partSize = 8 * MIB, queueSize = 4, retryDelays = [1_000, 3_000] }: S3MultipartOptions): { partSize: number; queueSize: number; retryDelays: readonly number[] } {
  // Duck-typed: a Blob from another frame is a Blob too.
  const { size, slice } = Object(body) as { size?: unknown; slice?: unknown };
  if (typeof size !== 'number' || typeof slice !== 'function') throw configurationError('uploadMultipart needs a Blob (or File) body; putObject takes strings and buffers.');
  if (!(Number.isSafeInteger(partSize) && partSize >= MIN_PART) || Math.ceil(size / partSize) > MAX_PARTS) {
    throw configurationError(`uploadMultipart needs a partSize of at least 5 MiB (${MIN_PART} B), and at most ${MAX_PARTS} parts: this body is ${size} B.`);
  }
  if (!(Number.isInteger(queueSize) && queueSize >= 1 && queueSize <= MAX_QUEUE)) {
    throw configurationError(`uploadMultipart's queueSize is how many parts are in flight at once: an integer from 1 to ${MAX_QUEUE}.`);
  }
  const delays: unknown = retryDelays;
  if (!Array.isArray(delays) || delays.length > MAX_RETRIES || !delays.every((ms) => typeof ms === 'number' && ms >= 0 && ms <= MAX_RETRY_DELAY_MS)) {
    throw configurationError(`uploadMultipart's retryDelays are the waits in ms before each retry of a failed part: at most ${MAX_RETRIES} numbers from 0 to ${MAX_RETRY_DELAY_MS} ([] for no retries).`);
  }
  return Object.freeze({ partSize, queueSize, retryDelays: Object.freeze([...(delays as number[])]) });
}

/**
 * CompleteMultipartUpload; S3 can answer 200 with an error in the body, which is thrown as its code, and
 * a 200 without the result's ETag (a body cut short) says nothing was completed: `invalid_response`.
 */
async function complete(folder: S3Folder, uploadUrl: string, etags: string[]): Promise<S3PutResult> {
  const parts = etags.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${etag.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ETag></Part>`).join('');
  const text = await readText(await s3Call(folder, 'POST', uploadUrl, { body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`, headers: { 'content-type': 'application/xml' } }), undefined);
  const code = errorCode(text);
  if (code !== undefined) throw new DelegationError({ code, status: 200, message: `S3 CompleteMultipartUpload answered 200 with ${code}.` });
  const etag = element(text, 'ETag');
  if (etag === undefined) throw unreadable('CompleteMultipartUpload answered 200 with no ETag');
  return { etag };
}

function unreadable(reason: string): DelegationError {
  return new DelegationError({ code: 'invalid_response', message: `S3 multipart upload: ${reason}.` });
}
