import { STALE_RETRY_MS, delegationProvider } from './from-delegation';
import type { FromDelegationInit } from './from-delegation';
import type { DelegationClient } from '../tabs/sharing-client';
import type { AwsCredentials } from '../credentials';
import { abortedError } from '../cache/single-flight';
import { configurationError } from '../errors';
import { isPlainObject } from '../guards';

/** Options of `uppyCredentials(client, init)`: fromDelegation's, and the bucket's region. */
export interface UppyCredentialsInit extends FromDelegationInit {
  /** The bucket's region, e.g. `'us-east-1'`: Uppy signs for it. */
  region: string;
}

/**
 * What `@uppy/aws-s3`'s `getCredentials` answers (its `CredentialsResponse`), written out structurally:
 * this SDK does not depend on Uppy.
 */
export interface UppyCredentialsResponse {
  /** The temporary credentials Uppy signs its requests with. */
  credentials: {
    /** The temporary access key ID. */
    accessKeyId: string;
    /** The secret access key. */
    secretAccessKey: string;
    /** The session token. */
    sessionToken: string;
    /**
     * When to ask again, ISO 8601: the client's `refreshAt` (or, while a failed refresh is being ridden
     * out on the previous credentials, the next attempt), never past the credentials' own expiry.
     */
    expiration: string;
  };
  /** The region Uppy signs for. */
  region: string;
}

/** `@uppy/aws-s3`'s `getCredentials` (its `GetCredentialsFn`): a request's abort signal may come along. */
export type UppyGetCredentials = (options?: { signal?: AbortSignal }) => Promise<UppyCredentialsResponse>;

/**
 * `getCredentials` for `@uppy/aws-s3` 6 (`new AwsS3(uppy, { s3Endpoint, getCredentials })`) backed by a
 * `DelegationClient`: Uppy signs in the browser with the temporary credentials of the signed-in user,
 * from the client's cache and its single request (shared with every S3Client of the page).
 *
 * How Uppy 6.3 uses the answer, and why this function does what it does: Uppy keeps the first answer
 * for as long as S3 accepts it (it does not read `expiration`) and calls again once, then re-signs the
 * request, when S3 refuses it with `ExpiredToken` or `InvalidAccessKeyId`. So every call after the first
 * one that succeeded is taken as such a refusal: the refused key is dropped from the client (never
 * served again, in any tab) and new credentials are asked for. Make one per Uppy instance, and a new
 * Uppy for the next user after a sign-out (Uppy would keep the last user's keys).
 * `expiration` says when the client will have new credentials (`refreshAt`), for an Uppy that reads it.
 * The call ends with `aborted` as soon as `options.signal` fires (Uppy 6.3 passes none yet).
 *
 * @throws {DelegationError} `invalid_configuration` (at once) for a missing `idToken` or `region`, or an
 *   unknown option; later, from the returned function: `aborted`, and whatever `fromDelegation`'s
 *   provider throws (`missing_token`, `timeout`, `cache_cleared`, the exchange's errors).
 * @example
 * uppy.use(AwsS3, {
 *   s3Endpoint: 'https://my-bucket.s3.us-east-1.amazonaws.com',
 *   getCredentials: uppyCredentials(client, { idToken: () => auth.currentIdToken(), region: 'us-east-1' }),
 *   generateObjectKey: (file) => `${folder}${file.name}`,
 * });
 */
export function uppyCredentials(client: DelegationClient, init: UppyCredentialsInit): UppyGetCredentials {
  if (!isPlainObject(init) || typeof init.region !== 'string' || init.region === '') {
    throw configurationError('uppyCredentials needs { idToken, region }: the region is the bucket\'s, e.g. \'us-east-1\'.');
  }
  const { region, ...rest } = init;
  const provider = delegationProvider(client, rest, (credentials) => toUppy(credentials, region), 'uppyCredentials');
  let answered: string | undefined;
  return async (options) => {
    const signal = options?.signal;
    if (signal?.aborted) throw abortedError(signal);
    const asked = provider({ rejectedAccessKeyId: answered });
    const response = await (signal === undefined ? asked : untilAborted(asked, signal));
    // Only keys Uppy received can be refused by S3: a call that ended with `aborted` handed over none.
    answered = response.credentials.accessKeyId;
    return response;
  };
}

/** The answer in Uppy's shape; `expiration` is when to ask again. */
function toUppy(credentials: AwsCredentials, region: string): UppyCredentialsResponse {
  const { accessKeyId, secretAccessKey, sessionToken, expiration, refreshAt } = credentials;
  const askAgain = Math.min(+expiration, Math.max(+refreshAt, Date.now() + STALE_RETRY_MS));
  return { credentials: { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(askAgain).toISOString() }, region };
}

/** `asked`, or `aborted` as soon as `signal` fires (the request for credentials goes on for other callers). */
function untilAborted<T>(asked: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    asked.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
