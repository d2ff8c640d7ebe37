import { abortedError } from '../cache/single-flight';
import { DelegationError, configurationError } from '../errors';
import { boundedText } from '../bounded-text';
import { MAX_ERROR_BYTES, errorCode } from './refusal';
import { bucketUrlOf, checkBucket, checkKey } from './s3-names';
import type { SignedFetch, SignedRequestInit } from './signed-fetch';

/** Where a user's folder is: the bucket, the folder's prefix and, for S3-compatible stores, the endpoint. */
export interface S3FolderOptions {
  /** The bucket's name. */
  bucket: string;
  /** The user's folder, ending in `/`: `${sub}/` for the guide's policy, `private/${identityId}/` for Amplify's. */
  folder: string;
  /**
   * An endpoint to use path-style (`${endpoint}/${bucket}/${key}`), e.g. a local S3 or a compatible store:
   * https, or http on a loopback host only (the session token goes there), with no query or fragment.
   * @default `https://${bucket}.s3.${region}.amazonaws.com` (virtual-hosted style)
   */
  endpoint?: string;
}

/** A user's folder in a bucket, and the signed fetch that reaches it: what the operations take. */
export interface S3Folder {
  /** The bucket's name. */
  readonly bucket: string;
  /** The folder's prefix, e.g. `auth0|alice/`. */
  readonly folder: string;
  /** The bucket's URL, without a trailing slash. */
  readonly bucketUrl: string;
  /** The signed fetch the operations use. */
  readonly fetch: SignedFetch;
}

/** Options of one operation. */
export interface S3OperationOptions {
  /** Cancels the operation (`aborted`). */
  signal?: AbortSignal;
}

/**
 * A user's folder over a `signedFetch`, for `putObject`, `getObject`, `listObjects` and `deleteObject`
 * (functions, so that an app carries only the ones it calls). Names are relative to the folder.
 * @throws {DelegationError} `invalid_configuration` for a bucket name S3 would refuse, a folder that
 *   does not end in `/` or has a `.` or `..` segment, an endpoint that is not https (http on a loopback
 *   host only) or has a query, or (without an endpoint) a region that is not an AWS region.
 * @example
 * const folder = s3Folder(s3fetch, { bucket: 'my-bucket', folder: `${sub}/` });
 * await putObject(folder, 'notes.txt', file, { onProgress: (sent, total) => (bar.value = sent / total) });
 */
export function s3Folder(fetch: SignedFetch, { bucket, folder, endpoint }: S3FolderOptions): S3Folder {
  if (typeof folder !== 'string' || !folder.endsWith('/')) {
    throw configurationError('s3Folder needs { bucket, folder }: the bucket name and the user\'s folder, ending in "/".');
  }
  checkKey(folder, 's3Folder: "folder"');
  checkBucket(bucket);
  return { bucket, folder, bucketUrl: bucketUrlOf(bucket, fetch.region, endpoint), fetch };
}

/** A key or prefix as S3 signs its path: each segment percent-encoded (RFC 3986), slashes kept. */
export const encodeKey = (key: string): string => key.split('/').map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

/**
 * The URL of `name` in the folder.
 * @throws {DelegationError} `invalid_configuration` for a name with a `.` or `..` segment (nothing is sent).
 */
export function objectUrl({ bucketUrl, folder }: S3Folder, name: string): string {
  checkKey(folder + name, 'An object name');
  return `${bucketUrl}/${encodeKey(folder + name)}`;
}

/**
 * Sends a signed request and answers S3's successful response; S3's refusals reject with a
 * `DelegationError` whose `code` is S3's (`AccessDenied`, `NoSuchKey`, ...; `http_error` when it sent
 * none, or a body over 64 KB, which is not read further) and `status` its HTTP status. The message names
 * the method, the path and the status.
 * @throws {DelegationError} S3's code, or what `signedFetch` throws.
 */
export async function s3Call({ fetch }: S3Folder, method: string, url: string, init: SignedRequestInit = {}): Promise<Response> {
  return s3Answer(await fetch(url, { ...init, method }), method, url);
}

/**
 * S3's successful response as it is; a refusal as a `DelegationError` with S3's code (see `s3Call`).
 * @throws {DelegationError} S3's code, or `http_error`.
 */
export async function s3Answer(response: Response, method: string, url: string): Promise<Response> {
  if (response.ok) return response;
  throw await s3Refusal(method, url, response);
}

/**
 * S3's refusal (a response that is not ok) as the `DelegationError` `s3Call` throws: S3's code (read from
 * at most 64 KB of the body; `http_error` when there is none) and the status.
 */
export async function s3Refusal(method: string, url: string, response: Response): Promise<DelegationError> {
  const code = errorCode((await boundedText(response, MAX_ERROR_BYTES).catch(() => undefined)) ?? '') ?? 'http_error';
  return new DelegationError({ code, status: response.status, message: `S3 ${method} ${new URL(url).pathname} answered ${response.status} ${code}.` });
}

/** S3's answers other than listings (an upload ID, a completion) are under 1 KB: none is read past this. */
export const MAX_ANSWER_BYTES = 65_536;

/**
 * The body of S3's answer as text, read up to `maxBytes`. Reading can fail after the headers arrived
 * (the signal aborted, the connection dropped): that is `aborted` or `network_error`, never a raw
 * `AbortError`/`TypeError`.
 * @throws {DelegationError} `aborted`, `network_error`; `invalid_response` for a body over `maxBytes`.
 */
export async function readText(response: Response, signal: AbortSignal | undefined, maxBytes = MAX_ANSWER_BYTES): Promise<string> {
  let text: string | undefined;
  try {
    text = await boundedText(response, maxBytes);
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    throw new DelegationError({ code: 'network_error', message: 'S3\'s answer was cut off while it was read.', cause: error });
  }
  if (text === undefined) throw new DelegationError({ code: 'invalid_response', status: response.status, message: `S3's answer is over ${maxBytes} bytes: not read further.` });
  return text;
}
