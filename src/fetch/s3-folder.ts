import { abortedError } from '../cache/single-flight';
import { DelegationError, configurationError } from '../errors';
import { errorCode } from './refusal';
import type { SignedFetch, SignedRequestInit } from './signed-fetch';

/** Where a user's folder is: the bucket, the folder's prefix and, for S3-compatible stores, the endpoint. */
export interface S3FolderOptions {
  /** The bucket's name. */
  bucket: string;
  /** The user's folder, ending in `/`: `${sub}/` for the guide's policy, `private/${identityId}/` for Amplify's. */
  folder: string;
  /**
   * An endpoint to use path-style (`${endpoint}/${bucket}/${key}`), e.g. a local S3 or a compatible store.
   * @default `https://${bucket}.s3.${region}.amazonaws.com` (virtual-hosted style)
   */
  endpoint?: string;
}

/** A user's folder in a bucket, and the signed fetch that reaches it: what the operations take. */
export interface S3Folder {
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
 * @throws {DelegationError} `invalid_configuration` for a missing bucket or a folder that does not end in `/`.
 * @example
 * const folder = s3Folder(s3fetch, { bucket: 'my-bucket', folder: `${sub}/` });
 * await putObject(folder, 'notes.txt', file, { onProgress: (sent, total) => (bar.value = sent / total) });
 */
export function s3Folder(fetch: SignedFetch, { bucket, folder, endpoint }: S3FolderOptions): S3Folder {
  if (typeof bucket !== 'string' || bucket === '' || typeof folder !== 'string' || !folder.endsWith('/')) {
    throw configurationError('s3Folder needs { bucket, folder }: the bucket name and the user\'s folder, ending in "/".');
  }
  const bucketUrl = endpoint === undefined ? `https://${bucket}.s3.${fetch.region}.amazonaws.com` : `${endpoint.replace(/\/$/, '')}/${encodeKey(bucket)}`;
  return { folder, bucketUrl, fetch };
}

/** A key or prefix as S3 signs its path: each segment percent-encoded (RFC 3986), slashes kept. */
export const encodeKey = (key: string): string => key.split('/').map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

/** The URL of `name` in the folder. */
export const objectUrl = ({ bucketUrl, folder }: S3Folder, name: string): string => `${bucketUrl}/${encodeKey(folder + name)}`;

/**
 * Sends a signed request and answers S3's successful response; S3's refusals reject with a
 * `DelegationError` whose `code` is S3's (`AccessDenied`, `NoSuchKey`, ...; `http_error` when it sent
 * none) and `status` its HTTP status. The message names the method, the path and the status.
 * @throws {DelegationError} S3's code, or what `signedFetch` throws.
 */
export async function s3Call({ fetch }: S3Folder, method: string, url: string, init: SignedRequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, method });
  if (response.ok) return response;
  const code = errorCode(await response.text().catch(() => '')) ?? 'http_error';
  throw new DelegationError({ code, status: response.status, message: `S3 ${method} ${new URL(url).pathname} answered ${response.status} ${code}.` });
}

/**
 * The body of S3's answer as text. Reading can fail after the headers arrived (the signal aborted, the
 * connection dropped): that is `aborted` or `network_error`, never a raw `AbortError`/`TypeError`.
 * @throws {DelegationError} `aborted`, `network_error`.
 */
export async function readText(response: Response, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    throw new DelegationError({ code: 'network_error', message: 'S3\'s answer was cut off while it was read.', cause: error });
  }
}
