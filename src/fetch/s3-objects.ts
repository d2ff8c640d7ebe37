import { objectUrl, s3Call } from './s3-folder';
import type { S3Folder, S3OperationOptions } from './s3-folder';
import type { UploadProgress } from './transport';

/** Options of `putObject`. */
export interface S3PutOptions extends S3OperationOptions {
  /** Sent as `Content-Type`. @default the Blob's type, else `application/octet-stream` */
  contentType?: string;
  /** Called as the body goes out, with bytes sent and the total. */
  onProgress?: UploadProgress;
}

/** What `putObject` answers. */
export interface S3PutResult {
  /** The new object's entity tag, quotes included (`''` when CORS does not expose `ETag`). */
  readonly etag: string;
}

/**
 * Uploads `body` as `name` in the folder (one PUT; progress from XMLHttpRequest in browsers). In a
 * browser a PUT costs two round trips (a CORS preflight, then the PUT): `postObject` sends a small body
 * in one, with its progress only at the end. This function does not switch by itself (see `postObject`).
 * @throws {DelegationError} `invalid_configuration` for a name with a `.` or `..` segment (nothing
 *   sent); S3's code (`AccessDenied`, ...) with its status; `redirect_refused`; what `signedFetch` throws.
 * @example
 * const { etag } = await putObject(folder, file.name, file, { onProgress: (sent, total) => (bar.value = sent / total) });
 */
export async function putObject(folder: S3Folder, name: string, body: Blob | BufferSource | string, { contentType, onProgress, signal }: S3PutOptions = {}): Promise<S3PutResult> {
  const type = contentType ?? ((body instanceof Blob && body.type) || 'application/octet-stream');
  const response = await s3Call(folder, 'PUT', objectUrl(folder, name), { body, headers: { 'content-type': type }, onUploadProgress: onProgress, signal });
  return { etag: response.headers.get('etag') ?? '' };
}

/**
 * The object's response: read it with `.blob()`, `.text()`, `.arrayBuffer()`.
 * @throws {DelegationError} `NoSuchKey` (404), `AccessDenied` (403), ...; `invalid_configuration` for a
 *   name with a `.` or `..` segment (nothing sent); `redirect_refused`; what `signedFetch` throws.
 * @example
 * const text = await (await getObject(folder, 'notes.txt')).text();
 */
export async function getObject(folder: S3Folder, name: string, { signal }: S3OperationOptions = {}): Promise<Response> {
  return s3Call(folder, 'GET', objectUrl(folder, name), { signal });
}

/**
 * Deletes the object (S3 answers the same for one that is not there).
 * @throws {DelegationError} `AccessDenied` (403), ...; `invalid_configuration` for a name with a `.` or
 *   `..` segment (nothing sent); `redirect_refused`; what `signedFetch` throws.
 * @example
 * await deleteObject(folder, 'notes.txt');
 */
export async function deleteObject(folder: S3Folder, name: string, { signal }: S3OperationOptions = {}): Promise<void> {
  await (await s3Call(folder, 'DELETE', objectUrl(folder, name), { signal })).body?.cancel();
}
