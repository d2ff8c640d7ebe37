// Small files in one round trip: S3's POST Object (a browser form upload) with a SigV4 POST policy
// signed in the page from the client's temporary credentials. A multipart/form-data POST with no
// header of its own is a CORS simple request: no preflight, where a signed PUT (custom headers, a
// method that is not simple) costs a preflight per new URL, and every key is a new URL.
import { abortedError } from '../cache/single-flight';
import type { AwsCredentialIdentity } from '../aws/sdk-types';
import { configurationError } from '../errors';
import { s3Answer } from './s3-folder';
import type { S3Folder } from './s3-folder';
import { checkKey } from './s3-names';
import type { S3PutOptions, S3PutResult } from './s3-objects';
import { amzDate, signPolicy } from './sign';
import type { Outgoing } from './sign';
import { SEND_BUILT } from './signed-fetch';
import { callSafely } from '../callbacks';

/**
 * The largest body `postObject` takes: 5 MiB. S3 takes up to 5 GB in a POST, but the point of this
 * path is small files (one round trip instead of two); a larger body has no progress on this path and
 * belongs to `putObject` or `uploadMultipart`.
 */
export const MAX_POST_BYTES = 5 * 1_048_576;

/** How long a signed policy is valid: it is made for one request, sent at once. */
const POLICY_LIFETIME_MS = 15 * 60_000;

/**
 * Uploads a small `body` (at most `MAX_POST_BYTES`) as `name` in the folder in one round trip: S3's
 * POST Object with a POST policy signed in the page (SigV4, aws4fetch's key derivation) that allows
 * only this bucket, this key (`eq $key`), exactly this many bytes, this
 * `Content-Type` and these credentials (`x-amz-credential`, `-algorithm`, `-date`, `-security-token`),
 * for 15 minutes. The request is a `multipart/form-data` POST with no header of its own: a CORS simple
 * request, so the browser sends no preflight (a signed PUT costs one per new key).
 *
 * Progress is reported once, when S3 has answered: by the Fetch standard a listener on
 * `XMLHttpRequest.upload` makes a request preflighted, so this path sends with `fetch`, which reports no
 * upload progress. For a progress bar that moves, use `putObject` (two round trips).
 *
 * Credentials come from the folder's `signedFetch` (the same provider and cache); `ExpiredToken` /
 * `InvalidToken` get new credentials and one more attempt, and a policy S3 finds expired (a page clock
 * behind S3's) is signed again on S3's clock (its `Date` header) once. The bucket's CORS must allow
 * `POST` (deploy/*.yaml do) and expose `ETag`. S3 answers 204 (no `success_action_status` is sent).
 * `putObject` does not switch to this path by itself: it would lose its progress, and S3-compatible
 * stores without POST Object (Cloudflare R2) would fail; the app chooses (the lean uploader does, for
 * files up to `MAX_POST_BYTES`).
 * @throws {DelegationError} `invalid_configuration` for a body over `MAX_POST_BYTES`, a name with a
 *   `.` or `..` segment, `${filename}`, a line break or a lone surrogate, or a content type with a line break (nothing sent); `aborted`; S3's code with its status (`AccessDenied` for a
 *   policy or IAM refusal, ...); `redirect_refused`; what `signedFetch` throws.
 * @example
 * const { etag } = file.size <= MAX_POST_BYTES ? await postObject(folder, file.name, file) : await putObject(folder, file.name, file);
 */
export async function postObject(folder: S3Folder, name: string, body: Blob | BufferSource | string, { contentType, onProgress, signal }: S3PutOptions = {}): Promise<S3PutResult> {
  const key = folder.folder + name;
  checkKey(key, 'An object name');
  checkPostable(key, contentType);
  const blob = body instanceof Blob ? body : new Blob([body]);
  if (blob.size > MAX_POST_BYTES) throw configurationError(`postObject takes bodies up to ${MAX_POST_BYTES} bytes (this one is ${blob.size}): use putObject or uploadMultipart.`);
  if (signal?.aborted) throw abortedError(signal);
  const upload: PostUpload = { folder, key, blob, type: contentType ?? (blob.type || 'application/octet-stream') };
  const sendBuilt = folder.fetch[SEND_BUILT];
  if (sendBuilt === undefined) throw configurationError('postObject needs a folder from s3Folder over signedFetch: it signs the form with that fetch\'s credentials.');
  const url = `${folder.bucketUrl}/`;
  const response = await s3Answer(await sendBuilt(url, (credentials, nowMs) => postForm(upload, url, credentials, nowMs), { signal }), 'POST', url);
  await response.body?.cancel();
  if (onProgress !== undefined) callSafely(onProgress, blob.size, blob.size);
  return { etag: response.headers.get('etag') ?? '' };
}

/**
 * Refuses what a form would store under another key, or a policy would not match: S3 replaces
 * `${filename}` in a POST's key with the file part's name, and a form sends every line break in a field
 * as CRLF (the key `a\nb` would be stored as `a\r\nb`).
 * @throws {DelegationError} `invalid_configuration`, nothing sent.
 */
function checkPostable(key: string, contentType: string | undefined): void {
  if (key.includes('${filename}') || /[\r\n]/.test(key)) {
    throw configurationError('postObject cannot store a name with "${filename}" or a line break as it is (S3 would store another key): use putObject.');
  }
  if (contentType !== undefined && /[\r\n]/.test(contentType)) throw configurationError('A content type has no line break.');
}

/** What one POST upload sends. */
interface PostUpload {
  readonly folder: S3Folder;
  readonly key: string;
  readonly blob: Blob;
  readonly type: string;
}

/**
 * The form: the fields, each named by a condition of the signed policy, then the policy, its signature
 * and the file (S3 reads fields up to the file and ignores any after it).
 */
async function postForm({ folder, key, blob, type }: PostUpload, url: string, credentials: AwsCredentialIdentity, nowMs: number): Promise<Outgoing> {
  const scope = { region: folder.fetch.region, service: 's3' };
  const datetime = amzDate(nowMs);
  const fields: [string, string][] = [
    ['key', key],
    ['Content-Type', type],
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', `${credentials.accessKeyId}/${datetime.slice(0, 8)}/${scope.region}/s3/aws4_request`],
    ['x-amz-date', datetime],
  ];
  if (credentials.sessionToken !== undefined) fields.push(['x-amz-security-token', credentials.sessionToken]);
  // The key exactly, not `starts-with` the folder: the form (policy and signature) can be replayed for 15
  // minutes by whoever sees it, and then only onto this key; and a hand-made folder widens nothing.
  const conditions = [{ bucket: folder.bucket }, ['eq', '$key', key], ['content-length-range', blob.size, blob.size], ...fields.slice(1).map(([name, value]) => ({ [name]: value }))];
  const policy = base64(JSON.stringify({ expiration: new Date(nowMs + POLICY_LIFETIME_MS).toISOString(), conditions }));
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  form.append('policy', policy);
  form.append('x-amz-signature', await signPolicy(policy, credentials, scope, datetime, url));
  form.append('file', blob);
  // No headers: fetch sets `multipart/form-data; boundary=...`, a CORS-safelisted type.
  return { method: 'POST', url, headers: new Headers(), body: form };
}

/** Base64 of the UTF-8 bytes (`btoa` takes only Latin-1 text; a key can be any Unicode). */
function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
