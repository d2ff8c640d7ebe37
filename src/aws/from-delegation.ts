import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from './sdk-types';
import { PROVIDER_VIEW } from '../client';
import type { ProviderView } from '../client';
import type { DelegationClient } from '../tabs/sharing-client';
import type { AwsCredentials } from '../credentials';
import type { DelegationExtras } from '../exchanges/delegation-request';
import { DelegationError, configurationError } from '../errors';
import { isPlainObject, rejectUnknownKeys } from '../guards';
import { decodeIdToken } from '../id-token';

/** Options of `fromDelegation(client, init)`. */
export interface FromDelegationInit extends DelegationExtras {
  /**
   * The signed-in user's ID token, or a function returning it (or a promise of it), called on every
   * credential request so a renewed token is used. A function that throws fails that request with
   * `missing_token` (its error as `cause`); one that has not answered within the client's `timeoutMs`
   * fails it with `timeout`.
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
  /** Credentials S3 refused (`ExpiredToken`, `InvalidToken`, `InvalidAccessKeyId`): never served again. */
  rejectedAccessKeyId?: string;
}

/** The AWS SDK asks its provider again once less than this remains (smithy's EXPIRATION_MS). */
const AWS_SDK_REFRESH_WINDOW_MS = 300_000;
/** Stale credentials are served only while they have at least this long left. */
const STALE_MARGIN_MS = 30_000;
/** After a failed refresh, stale credentials are served this long before the next attempt. */
export const STALE_RETRY_MS = 10_000;
const INIT_KEYS = ['idToken', 'role', 'principal', 'scope', 'targetClientId', 'onRefreshError'];

/** What a provider remembers of its last success: served again at once while current, and the stale fallback. */
interface LastCredentials {
  readonly token: string;
  /** The client's clear count then: a `clearCache()` since ends the fallback. */
  readonly clears: number;
  /** The cache's generation then: any clear since (another tab's, a refused key's) ends the fast path. */
  readonly generation: number;
  /** Served without asking the client until then (client clock): the refresh time, or the token's expiry if sooner. */
  readonly until: number;
  readonly credentials: AwsCredentials;
}

/**
 * A credential provider for the AWS SDK v3 backed by a `DelegationClient`: every S3Client (or other
 * client) built with it shares the client's cache and its single request. The client refreshes at
 * `refreshAt`, well before the AWS SDK's own 5-minute window; if that refresh fails for a passing reason
 * (network, timeout, 429, 5xx), the previous credentials of the same token keep being served while they
 * are valid (see `onRefreshError`).
 *
 * A user switch: call `client.clearCache()` before the next user's token is handed out. A credential
 * request that was waiting (for the `idToken` function or the endpoint) when `clearCache()` ran then
 * fails with `cache_cleared` instead of answering with either user's keys; each request asks the
 * provider for itself (the provider tells the AWS SDK not to share one pending call between a client's
 * requests), so a request sent after the switch asks again, as the new user.
 *
 * A request's `abortSignal` never reaches a provider (the AWS SDK passes it to its HTTP handler only):
 * while the `idToken` function hangs, an aborted request waits for it (then the AWS SDK refuses to send:
 * `AbortError`) or for the client's `timeoutMs` (`timeout`); other requests ask for themselves meanwhile.
 * `getExpiredTokenRecoveryPlugin` ends such a wait at the abort (`aborted`).
 *
 * @throws {DelegationError} `invalid_configuration` (at once) for a missing `idToken` or an unknown
 *   option; later, from the provider, `missing_token` or `timeout` from the `idToken` function,
 *   `cache_cleared`, or whatever `getCredentials` throws.
 * @example
 * const s3 = new S3Client({
 *   region: 'us-east-1',
 *   credentials: fromDelegation(client, { idToken: () => auth.currentIdToken() }),
 * });
 */
export function fromDelegation(client: DelegationClient, init: FromDelegationInit): AwsCredentialIdentityProvider {
  return delegationProvider(client, init, toIdentity, 'fromDelegation');
}

/**
 * fromDelegation's provider with its answer in another shape (`shape` of the credentials): the Uppy
 * bridge shares everything but the shape. `name` is the caller's, for the configuration errors.
 * @internal
 * @throws {DelegationError} as fromDelegation
 */
export function delegationProvider<T>(client: DelegationClient, init: FromDelegationInit, shape: (credentials: AwsCredentials) => T, name: string): (options?: DelegationProviderOptions) => Promise<T> {
  if (!isPlainObject(init) || !['string', 'function'].includes(typeof init.idToken)) {
    throw configurationError(`${name} needs { idToken }: the ID token, or a function returning it.`);
  }
  rejectUnknownKeys(init, INIT_KEYS, name);
  const { idToken, onRefreshError, ...extras } = init;
  let last: LastCredentials | undefined;
  // The latest access key ID S3 refused to this provider (and `last`, dropped when it holds them): never
  // its stale fallback, whatever the client's shared set still holds (the latest MAX_REFUSED refused IDs:
  // as many refusals of other keys since, in any tab, during one outage, and this provider served its own
  // refused key as stale, once).
  let refusedHere: string | undefined;
  let retryAt = 0;
  // Concurrent callers of one failed refresh share its error object: report it once.
  let reported: unknown;

  /** The remembered credentials, if the client would answer this request with them: no await, no request built. */
  const current = (token: string, view: ProviderView, rejected: string | undefined): AwsCredentials | undefined => {
    if (last === undefined || last.token !== token || last.generation !== view.generation) return undefined;
    return last.credentials.accessKeyId !== rejected && view.now() < last.until ? last.credentials : undefined;
  };

  const ask = async (token: string, view: ProviderView, clears: number, rejected: string | undefined): Promise<T> => {
    // Signed out while the idToken function answered: the token it gave goes nowhere, and nothing is kept.
    assertNotCleared(client, clears);
    const request = { ...extras, idToken: token };
    // S3 refused these before their time: forgotten first, wherever the client holds them (in every tab),
    // whatever this token's entry holds now (an entry `maxEntries` evicted, another token's), so no
    // provider serves them again, from its fast path or as its stale fallback, even if no new ones can be
    // had. Not a sign-out: other users' credentials and other requests carry on. A caller refused in the
    // same turn finds them gone already and joins the request the first one started.
    if (rejected !== undefined) {
      refusedHere = rejected;
      // Its remembered credentials refused: no fallback for good. `refusedHere` is the latest refusal only,
      // and a late one of an older key (a slow upload signed before the refresh) would replace it.
      if (last?.credentials.accessKeyId === rejected) last = undefined;
      view.drop(request, rejected, false);
    }
    // The generation the answer belongs to: read before asking, so a clear while it was asked for ends its fast path.
    let generation = view.generation;
    const now = view.now();
    const stale = staleFallback(last, token, clears, refusedHere, now, view);
    if (stale && now < retryAt) return shape(stale);
    try {
      let credentials = await client.getCredentials(request);
      if (credentials.accessKeyId === rejected) {
        // Served still: a client-like object with no view (its cache out of reach: it forgets them with
        // all the rest), or an answer another tab sent before it heard of the refusal, taken as they were
        // forgotten. Signed out since they were read: this request fails, and sends the signed-out token
        // nowhere again.
        view.drop(request, rejected, true);
        assertNotCleared(client, clears);
        generation = view.generation;
        credentials = await client.getCredentials(request);
      }
      assertNotCleared(client, clears);
      last = { token, clears, generation, until: Math.min(+credentials.refreshAt, tokenExpiryMs(token)), credentials };
      retryAt = 0;
      return shape(credentials);
    } catch (error) {
      if (!stale || !isPassing(error)) throw error;
      assertNotCleared(client, clears);
      retryAt = view.now() + STALE_RETRY_MS;
      if (error !== reported) onRefreshError?.(error);
      reported = error;
      return shape(stale);
    }
  };

  const provider = (options?: DelegationProviderOptions): Promise<T> => {
    // Read before anything is awaited: this request's user is the one current now.
    const view = viewOf(client);
    const { clears } = view;
    const rejected = options?.rejectedAccessKeyId;
    let produced: unknown;
    try {
      produced = typeof idToken === 'function' ? idToken() : idToken;
    } catch (error) {
      return Promise.reject(tokenFailed(error));
    }
    // The common case, on every AWS request: the same token, nothing cleared, before `refreshAt`.
    const known = typeof produced === 'string' ? current(produced, view, rejected) : undefined;
    if (known === undefined) return readToken(produced, view.timeoutMs).then((token) => ask(token, view, clears, rejected));
    // Answered a microtask later, as an awaited answer would be: a clearCache() in the same tick (after
    // this call, before the AWS SDK reads the answer) still fails it with cache_cleared.
    return Promise.resolve().then(() => {
      assertNotCleared(client, clears);
      return shape(known);
    });
  };
  // `memoized` tells the AWS SDK (@aws-sdk/core's normalizeCredentialProvider) to call this provider as
  // it is, without its memoization, which shares one pending call between all of a client's requests:
  // a request sent after another was aborted (or after clearCache()) would join that call and its fate
  // (a hung idToken function's `timeout`, the last user's `cache_cleared`). The cache and its single
  // flight are the client's, so each request asking for itself costs a microtask on the fast path.
  return Object.assign(provider, { memoized: true });
}

/**
 * What the provider needs of its client: its view, also when another copy of this SDK made it (the view
 * is keyed by a registry symbol carrying its shape's version, see `PROVIDER_VIEW`). An object with no
 * view of this shape (a hand-made client-like object, a copy older or newer in shape) gets none: no
 * check, no fast path (NaN is never equal), and refused credentials go with all the rest when it served
 * them to this request (its cache cannot be reached: `clearCache()`, a sign-out in every tab).
 */
function viewOf(client: DelegationClient): ProviderView {
  return (client as Partial<Pick<DelegationClient, typeof PROVIDER_VIEW>>)[PROVIDER_VIEW]?.() ?? { clears: 0, generation: Number.NaN, timeoutMs: 10_000, now: Date.now, drop: (_options, _id, held) => held && client.clearCache(), refused: () => false };
}

/**
 * @throws {DelegationError} `cache_cleared` when the cache was cleared (this tab's `clearCache()` or
 *   another tab's) since `clears` was read: the user may have switched while this request waited, and its
 *   credentials may be either user's.
 */
function assertNotCleared(client: DelegationClient, clears: number): void {
  if (viewOf(client).clears === clears) return;
  throw new DelegationError({ code: 'cache_cleared', message: 'clearCache() ran, in this tab or another, while this request waited for credentials (sign-out or user switch): send it again.' });
}

/**
 * The ID token the value or the function produced, once it settles within `timeoutMs`.
 * @throws {DelegationError} `missing_token` (the function's error as `cause`), `timeout`.
 */
async function readToken(produced: unknown, timeoutMs: number): Promise<string> {
  if (typeof produced === 'string') return produced;
  const late = new DelegationError({ code: 'timeout', message: `The idToken function did not answer within ${timeoutMs} ms (the client's timeoutMs).` });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return (await Promise.race([
      produced,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(late), timeoutMs))),
    ])) as string;
  } catch (error) {
    if (error === late) throw late;
    throw tokenFailed(error);
  } finally {
    clearTimeout(timer);
  }
}

/** The error for an `idToken` function that threw or rejected. */
function tokenFailed(error: unknown): DelegationError {
  return new DelegationError({ code: 'missing_token', message: 'The idToken function failed: see cause. Nothing was sent.', cause: error });
}

/** When a token (already accepted by the client) expires, in ms: its `exp` read as the client reads it; none: never; unreadable: already. */
function tokenExpiryMs(token: string): number {
  try {
    const { exp } = decodeIdToken(token);
    return exp === undefined ? Number.POSITIVE_INFINITY : exp * 1000;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/**
 * The previous credentials, if a failed refresh may fall back to them: same token, no clear since, due,
 * valid, and not refused (`rejected`: the latest refused to this provider, this request's included; or
 * among the latest refused to any provider of the client in any tab: `view.refused`).
 */
function staleFallback(last: LastCredentials | undefined, token: string, clears: number, rejected: string | undefined, now: number, view: ProviderView): AwsCredentials | undefined {
  if (last === undefined || last.token !== token || last.clears !== clears) return undefined;
  const { credentials } = last;
  const usable = credentials.accessKeyId !== rejected && !view.refused(credentials.accessKeyId) && +credentials.refreshAt <= now && now < +credentials.expiration - STALE_MARGIN_MS;
  return usable ? credentials : undefined;
}
/** Failures that say nothing about the user's right to credentials: worth riding out on stale ones. */
function isPassing(error: unknown): error is DelegationError {
  const { code, status } = Object(error) as { code?: unknown; status?: unknown };
  return ['network_error', 'timeout', 'rate_limited', 'server_error'].includes(code as string) || status === 408 || status === 429 || (typeof status === 'number' && status >= 500);
}

/**
 * The AWS SDK's view. The expiration is reported inside the AWS SDK's own 5-minute refresh window on
 * purpose: were the AWS SDK to memoize this provider after all, it would still ask before each request,
 * and the client's in-memory cache decides. That is what makes a refresh happen at
 * `refreshAt`, a user switch or `clearCache()` take effect on the next request, and one request serve
 * every S3Client (the AWS SDK alone caches per client until 5 minutes before expiry).
 */
function toIdentity(credentials: AwsCredentials): AwsCredentialIdentity {
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials;
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(Math.min(+expiration, Date.now() + AWS_SDK_REFRESH_WINDOW_MS - 60_000)) };
}
