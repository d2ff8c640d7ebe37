import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { jwtDecode } from 'jwt-decode';
import type { DelegationClient } from './client';
import type { AwsCredentials } from './credentials';
import type { DelegationExtras } from './delegation-request';
import { configurationError } from './errors';
import type { DelegationError } from './errors';
import { isPlainObject, rejectUnknownKeys } from './guards';

/** Options of `fromDelegation(client, init)`. */
export interface FromDelegationInit extends DelegationExtras {
  /**
   * The signed-in user's ID token, or a function returning it (or a promise of it), called on every
   * credential request so a renewed token is used.
   */
  idToken: string | (() => string | Promise<string>);
  /**
   * Called when a refresh failed for a passing reason (network, timeout, 429, 5xx) while the previous
   * credentials were still valid, so they were served instead of failing the AWS request. Called once
   * per failed refresh; the next attempt follows 10 seconds later.
   */
  onRefreshError?: (error: DelegationError) => void;
}

/** What the AWS SDK passes a provider; `rejectedAccessKeyId` comes from `getExpiredTokenRecoveryPlugin`. */
export interface DelegationProviderOptions {
  /** Set by the AWS SDK when it wants new credentials; the cache decides (it refreshes at `refreshAt`). */
  forceRefresh?: boolean;
  /** Credentials S3 answered `ExpiredToken`/`InvalidToken` for: never served again. */
  rejectedAccessKeyId?: string;
}

/** The AWS SDK asks its provider again once less than this remains (smithy's EXPIRATION_MS). */
const AWS_SDK_REFRESH_WINDOW_MS = 300_000;
/** Stale credentials are served only while they have at least this long left. */
const STALE_MARGIN_MS = 30_000;
/** After a failed refresh, stale credentials are served this long before the next attempt. */
const STALE_RETRY_MS = 10_000;
const INIT_KEYS = ['idToken', 'role', 'principal', 'scope', 'targetClientId', 'onRefreshError'];

/**
 * A credential provider for the AWS SDK v3 backed by a `DelegationClient`: every S3Client (or other
 * client) built with it shares the client's cache and its single request. The client refreshes at
 * `refreshAt`, well before the AWS SDK's own 5-minute window; if that refresh fails for a passing reason
 * (network, timeout, 429, 5xx), the previous credentials keep being served while they are valid (see
 * `onRefreshError`). A new ID token for another user never gets the previous user's credentials.
 *
 * @throws {DelegationError} `invalid_configuration` (at once) for a missing `idToken` or an unknown
 *   option; later, from the provider, whatever `getCredentials` throws.
 * @example
 * const s3 = new S3Client({
 *   region: 'us-east-1',
 *   credentials: fromDelegation(client, { idToken: () => auth.currentIdToken() }),
 * });
 */
export function fromDelegation(client: DelegationClient, init: FromDelegationInit): AwsCredentialIdentityProvider {
  if (!isPlainObject(init) || !['string', 'function'].includes(typeof init.idToken)) {
    throw configurationError('fromDelegation needs { idToken }: the ID token, or a function returning it.');
  }
  rejectUnknownKeys(init, INIT_KEYS, 'fromDelegation');
  const { idToken, onRefreshError, ...extras } = init;
  let last: { sub: string | undefined; credentials: AwsCredentials } | undefined;
  let retryAt = 0;
  // Concurrent callers of one failed refresh share its error object: report it once.
  let reported: unknown;
  // The same token comes back on every request: decode its sub once.
  let lastToken: unknown;
  let lastSub: string | undefined;

  return async (options?: DelegationProviderOptions): Promise<AwsCredentialIdentity> => {
    const token = typeof idToken === 'function' ? await idToken() : idToken;
    const now = Date.now();
    if (token !== lastToken) [lastToken, lastSub] = [token, subOf(token)];
    const sub = lastSub;
    const stale = staleFallback(last, sub, options?.rejectedAccessKeyId, now);
    if (stale && now < retryAt) return toIdentity(stale);
    try {
      let credentials = await client.getCredentials({ ...extras, idToken: token });
      if (credentials.accessKeyId === options?.rejectedAccessKeyId) {
        // S3 refused these before their time: drop them from the client and ask again.
        client.clearCache();
        credentials = await client.getCredentials({ ...extras, idToken: token });
      }
      last = { sub, credentials };
      retryAt = 0;
      return toIdentity(credentials);
    } catch (error) {
      if (!stale || !isPassing(error)) throw error;
      retryAt = Date.now() + STALE_RETRY_MS;
      if (error !== reported) onRefreshError?.(error);
      reported = error;
      return toIdentity(stale);
    }
  };
}

/** The previous credentials, if a failed refresh may fall back to them: same user, due, not refused, valid. */
function staleFallback(last: { sub: string | undefined; credentials: AwsCredentials } | undefined, sub: string | undefined, rejected: string | undefined, now: number): AwsCredentials | undefined {
  if (last === undefined || last.sub === undefined || last.sub !== sub) return undefined;
  const { credentials } = last;
  const usable = credentials.accessKeyId !== rejected && +credentials.refreshAt <= now && now < +credentials.expiration - STALE_MARGIN_MS;
  return usable ? credentials : undefined;
}

function subOf(token: unknown): string | undefined {
  try {
    const { sub } = jwtDecode(token as string);
    return sub;
  } catch {
    return undefined;
  }
}

/** Failures that say nothing about the user's right to credentials: worth riding out on stale ones. */
function isPassing(error: unknown): error is DelegationError {
  const { code, status } = Object(error) as { code?: unknown; status?: unknown };
  return ['network_error', 'timeout', 'rate_limited', 'server_error'].includes(code as string) || status === 408 || status === 429 || (typeof status === 'number' && status >= 500);
}

/**
 * The AWS SDK's view. The expiration is reported inside the AWS SDK's own 5-minute refresh window on
 * purpose: the AWS SDK then asks this provider before each request (one call per client for concurrent
 * requests), and the client's in-memory cache decides. That is what makes a refresh happen at
 * `refreshAt`, a user switch or `clearCache()` take effect on the next request, and one request serve
 * every S3Client (the AWS SDK alone caches per client until 5 minutes before expiry).
 */
function toIdentity(credentials: AwsCredentials): AwsCredentialIdentity {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(Math.min(+expiration, Date.now() + AWS_SDK_REFRESH_WINDOW_MS - 60_000)) };
}
