import { abortedError } from '../cache/single-flight';
import { DelegationError, configurationError } from '../errors';
import { errorCode } from './refusal';
import { objectUrl, readText, s3Call } from './s3-folder';
import type { S3Folder } from './s3-folder';
import { putObject } from './s3-objects';
import type { S3PutOptions, S3PutResult } from './s3-objects';
import { element } from './s3-xml';

/** Options of `uploadMultipart`. */
export interface S3MultipartOptions extends S3PutOptions {
  /**
   * Bytes per part; S3 wants at least 5 MiB for every part but the last, and at most 10,000 parts. A body
   * no larger than one part goes in a single PUT.
   * @default 8 MiB (8,388,608 B)
   */
  partSize?: number;
}

const MIB = 1_048_576;
const MIN_PART = 5 * MIB;
const MAX_PARTS = 10_000;
/** How long the cleanup (AbortMultipartUpload) is waited for: it must not hold back the caller's error. */
const CLEANUP_MS = 10_000;

/**
 * Uploads a large `body` as `name` in the folder in parts (CreateMultipartUpload, UploadPart one part at a
 * time, CompleteMultipartUpload): no request carries more than `partSize`, and progress counts the whole
 * body. A body of one part or less is one PUT (`putObject`). Each part is signed with the
 * client's current credentials, so an upload outlives a credential refresh. On any failure (a refused
 * part, a network error, the signal) the upload is aborted (AbortMultipartUpload, best effort) so no
 * parts are left to pay for, and the first error is thrown. The bucket's CORS must expose `ETag`.
 * @throws {DelegationError} `invalid_configuration` for a body that is not a Blob, a `partSize` under
 *   5 MiB or more than 10,000 parts (nothing sent); `aborted` (the upload aborted at S3 too);
 *   `invalid_response` when S3's answer lacks the upload ID or a part's `ETag` (CORS not exposing it);
 *   S3's code (`AccessDenied`, ...) with its status; what `signedFetch` throws.
 * @example
 * const { etag } = await uploadMultipart(folder, file.name, file, { onProgress: (sent, total) => (bar.value = sent / total) });
 */
export async function uploadMultipart(folder: S3Folder, name: string, body: Blob, options: S3MultipartOptions = {}): Promise<S3PutResult> {
  const { partSize = 8 * MIB, onProgress, signal, contentType } = options;
  // Duck-typed: a Blob from another frame is a Blob too.
  const { size, slice } = Object(body) as { size?: unknown; slice?: unknown };
  if (typeof size !== 'number' || typeof slice !== 'function') throw configurationError('uploadMultipart needs a Blob (or File) body; putObject takes strings and buffers.');
  if (!(Number.isSafeInteger(partSize) && partSize >= MIN_PART) || Math.ceil(size / partSize) > MAX_PARTS) {
    throw configurationError(`uploadMultipart needs a partSize of at least 5 MiB (${MIN_PART} B), and at most ${MAX_PARTS} parts: this body is ${size} B.`);
  }
  if (size <= partSize) return putObject(folder, name, body, { contentType, onProgress, signal });
  const url = objectUrl(folder, name);
  const type = contentType ?? (body.type || 'application/octet-stream');
  if (signal?.aborted) throw abortedError(signal);
  // Not ended by the signal: once S3 may have made the upload, its ID is needed to abort it there.
  const created = await readText(await s3Call(folder, 'POST', `${url}?uploads`, { headers: { 'content-type': type } }), undefined);
  const uploadId = element(created, 'UploadId');
  if (uploadId === undefined) throw unreadable('CreateMultipartUpload answered no UploadId');
  const query = `uploadId=${encodeURIComponent(uploadId)}`;
  try {
    if (signal?.aborted) throw abortedError(signal);
    const etags = await uploadParts(folder, `${url}?${query}`, body, partSize, options);
    return await complete(folder, `${url}?${query}`, etags, signal);
  } catch (error) {
    // Not the caller's signal (an aborted upload must still be cleaned up), but a bounded one: a DELETE
    // that never answers must not keep the caller from its error.
    await s3Call(folder, 'DELETE', `${url}?${query}`, { signal: AbortSignal.timeout(CLEANUP_MS) }).then((response) => readText(response, undefined)).catch(() => undefined);
    throw error;
  }
}

/** Sends the parts in order; answers their ETags. Progress is the bytes of the parts sent plus this part's. */
async function uploadParts(folder: S3Folder, uploadUrl: string, body: Blob, partSize: number, { onProgress, signal }: S3MultipartOptions): Promise<string[]> {
  const etags: string[] = [];
  for (let start = 0; start < body.size; start += partSize) {
    const part = body.slice(start, start + partSize);
    const partProgress = onProgress && ((sent: number) => onProgress(start + sent, body.size));
    const response = await s3Call(folder, 'PUT', `${uploadUrl}&partNumber=${etags.length + 1}`, { body: part, onUploadProgress: partProgress, signal });
    // Read, not cancelled: S3 sends no body here, and undici's cancel() can wait on a request body just sent.
    await readText(response, signal);
    const etag = response.headers.get('etag');
    if (etag === null) throw unreadable(`part ${etags.length + 1} came back without an ETag: the bucket's CORS must expose ETag`);
    etags.push(etag);
  }
  return etags;
}

/** CompleteMultipartUpload; S3 can answer 200 with an error in the body, which is thrown as its code. */
async function complete(folder: S3Folder, uploadUrl: string, etags: string[], signal: AbortSignal | undefined): Promise<S3PutResult> {
  const parts = etags.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${etag.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</ETag></Part>`).join('');
  const text = await readText(await s3Call(folder, 'POST', uploadUrl, { body: `<CompleteMultipartUpload>${parts}</CompleteMultipartUpload>`, headers: { 'content-type': 'application/xml' }, signal }), signal);
  const code = errorCode(text);
  if (code !== undefined) throw new DelegationError({ code, status: 200, message: `S3 CompleteMultipartUpload answered 200 with ${code}.` });
  return { etag: element(text, 'ETag') ?? '' };
}

function unreadable(reason: string): DelegationError {
  return new DelegationError({ code: 'invalid_response', message: `S3 multipart upload: ${reason}.` });
}
