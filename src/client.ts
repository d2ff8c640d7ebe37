import { SingleFlightCache, cacheLimits } from './cache/single-flight';
import type { CredentialCache, Loaded } from './cache/single-flight';
import { holding, toCachedEntry } from './cache/cached-delegation';
import type { CachedDelegation } from './cache/cached-delegation';
import { parseAwsResponse, timing } from './credentials';
import type { AwsCredentials, DelegationResult } from './credentials';
import { checkToken, prepareRequest } from './exchanges/delegation-request';
import type { DelegationExtras, DelegationTokenOptions, PreparedRequest } from './exchanges/delegation-request';
import { isPlainObject } from './guards';
import { assertNotExpired, createIdTokenReader } from './id-token';
import type { IdTokenIdentity } from './id-token';
import { resolveOptions } from './options';
import type { DelegationClientOptions, ResolvedOptions } from './options';

/** Options of `getCredentials`: the same as `getDelegationToken`'s, camel-cased tokens, `api` fixed to `aws`. */
export interface CredentialsOptions extends DelegationExtras {
  /** The signed-in user's ID token. This or `refreshToken` is required. */
  idToken?: string;
  /** A refresh token, instead of `idToken`. */
  refreshToken?: string;
  /** Cancels this caller's wait. */
  signal?: AbortSignal;
  [key: string]: unknown;
}

/**
 * @internal What `fromDelegation` needs of its client: how many times its cache was cleared, by its
 * `clearCache()` or by another tab's (a sign-out anywhere: a credential request that spans one is failed,
 * and credentials had before it are never the stale fallback, see from-delegation.ts), the cache's
 * generation (bumped by every clear, this tab's or another tab's, and every drop; a provider serves its
 * remembered credentials only while it is unchanged), the client's clock and `timeoutMs`, `drop()`, which forgets the credentials S3 refused
 * wherever the cache holds them (those of the `getCredentials` options given first, if they make a
 * request: a refusal is recorded without a token too) without counting as a sign-out, and `refused()`,
 * whether credentials are among the latest refused (in any tab): never served again, as the stale
 * fallback neither.
 *
 * A registry symbol (`Symbol.for`), so that a provider reaches a client made by another copy of this SDK
 * (the S3 script build next to a bundled npm entry, two installed versions): a refusal then forgets only
 * the refused key there too, instead of signing every tab out. The `@1` suffix is the shape of
 * `ProviderView`: change it whenever that shape or its meaning changes, so that copies of different
 * shapes do not find each other's view (a provider then falls back as for a client with no view, see
 * from-delegation.ts's `viewOf`) instead of misusing it. The view holds no token and no key material: it
 * answers counts, the clock, `timeoutMs` and whether an access key ID was refused (no secret: S3 shows it
 * in every signed request), and `drop()` returns nothing.
 */
export const PROVIDER_VIEW: unique symbol = Symbol.for('auth0-aws-delegation/provider-view@1');

/** @internal See `PROVIDER_VIEW`. */
export interface ProviderView {
  readonly clears: number;
  readonly generation: number;
  readonly timeoutMs: number;
  now(): number;
  /** `held`: these options' answer held the refused credentials (a view that cannot reach the cache drops only then). */
  drop(options: CredentialsOptions, accessKeyId: string, held: boolean): void;
  refused(accessKeyId: string): boolean;
}

/**
 * Gets temporary AWS credentials for the signed-in user (from Auth0's `/delegation` by default, or from
 * the `exchange` given), keeps them in memory until they are about to expire, and makes one request for
 * all concurrent callers. An entry is served only to the exact token (and settings) that earned it. This
 * class keeps its cache to its tab (the core script build's `DelegationClient`); the main entry's
 * `DelegationClient` extends it to share the cache with the origin's other tabs.
 *
 * @example
 * const client = new DelegationClient({ clientID: 'abc123', domain: 'tenant.auth0.com' });
 * const { accessKeyId, secretAccessKey, sessionToken, expiration } = await client.getCredentials({ idToken });
 */
export class DelegationClient {
  readonly #options: ResolvedOptions;
  readonly #cache: CredentialCache<CachedDelegation>;
  /** Server clock minus local clock, from the last response's `Date` header (bounded, see `timing`). */
  #clockOffsetMs = 0;
  readonly #readIdToken = createIdTokenReader();
  /**
   * The ID token's expiry of each cached value, learnt when the token was decoded for its request: a hit
   * checks it without decoding the token again. Weak: it goes with the entry.
   */
  readonly #tokenExpiry = new WeakMap<CachedDelegation, number>();
  /** One object for the client's life: a provider reads it on every AWS request, so it allocates nothing. */
  readonly #view: ProviderView = ((client) => ({
    get clears() { return client.#cache.clears; },
    get generation() { return client.#cache.generation; },
    get timeoutMs() { return client.#options.timeoutMs; },
    now: () => client.#options.now(),
    drop: (options, accessKeyId) => void client.#cache.refuse(accessKeyId, holding(accessKeyId), client.#keyTextOf(options)),
    refused: (accessKeyId) => client.#cache.refused(accessKeyId),
  }))(this);

  /**
   * @throws {DelegationError} `invalid_configuration` for a missing `clientID`, a bad `domain` (not https
   *   and not loopback) or an unknown option; the message names the field and the fix.
   */
  constructor(options: DelegationClientOptions) {
    this.#options = resolveOptions(options);
    this.#cache = this.createCache(this.#options);
  }

  /**
   * @internal This client's cache. Here, this tab's own (the core script build's client); the main
   * entry's `DelegationClient` shares it with the origin's other tabs (tabs.ts), so that the core build
   * carries no tab-sharing code.
   */
  protected createCache(options: ResolvedOptions): CredentialCache<CachedDelegation> {
    return new SingleFlightCache<CachedDelegation>(options.now, cacheLimits(options));
  }

  /** The endpoint this client posts to, e.g. `https://tenant.auth0.com/delegation`. */
  get endpoint(): string {
    return this.#options.endpoint;
  }

  /** @internal See `PROVIDER_VIEW`. */
  [PROVIDER_VIEW](): ProviderView {
    return this.#view;
  }

  /**
   * auth0.js v7's `getDelegationToken` for AWS: posts the same form body and resolves to the endpoint's JSON.
   * The response is validated and cached (shared with `getCredentials`); each call gets its own copy.
   * @throws {DelegationError} `missing_token`, `malformed_id_token`, `id_token_expired`, and
   *   `invalid_configuration` when `api`/`api_type` is not `'aws'` (nothing sent);
   *   `invalid_response`; a network, timeout, abort, redirect or HTTP code (see the README's errors table).
   * @example
   * const result = await client.getDelegationToken({ id_token: idToken, api: 'aws' });
   * result.Credentials.AccessKeyId;
   */
  async getDelegationToken(options: DelegationTokenOptions): Promise<DelegationResult> {
    const cached = await this.#cached(prepareRequest(this.#options.clientID, options));
    // Parsed again from the text: as deep as the endpoint made it, where structuredClone would overflow.
    return JSON.parse(cached.text) as DelegationResult;
  }

  /**
   * Temporary AWS credentials for the user of `idToken` (or `refreshToken`), from the cache while fresh.
   * @throws {DelegationError} as `getDelegationToken`.
   * @example
   * const credentials = await client.getCredentials({ idToken });
   * new S3Client({ region: 'us-east-1', credentials });
   */
  async getCredentials(options: CredentialsOptions): Promise<AwsCredentials> {
    const cached = await this.#cached(this.#prepare(options));
    const { expiration, refreshAt } = cached.credentials;
    return { ...cached.credentials, expiration: new Date(+expiration), refreshAt: new Date(+refreshAt) };
  }

  /**
   * Forgets every cached credential (call it on sign-out or user switch), in every tab that shares this
   * client's cache. A request already under way still answers its callers but is not stored or shared,
   * so the next call asks the endpoint again. Called in a tab that has asked for no credentials since
   * another tab's clear reached it (`onClearedInAnotherTab`: a page that signs out there too), it clears
   * that tab only: the others cleared already (credentials a tab got since, as the next user signed in
   * there, stay), and two such pages would otherwise echo the clear between them without end.
   * @example
   * signOutButton.onclick = () => { client.clearCache(); auth.logout(); };
   */
  clearCache(): void {
    this.#cache.clear();
  }

  /**
   * `getCredentials`' options as the request they make (and its cache key): `getDelegationToken`'s
   * fields, camel-cased tokens, `api` fixed to `aws`.
   * @throws {DelegationError} as `getDelegationToken`, for bad options.
   */
  #prepare(options: CredentialsOptions): PreparedRequest {
    const { idToken, refreshToken, api: _api, api_type: _apiType, ...extras } = isPlainObject(options) ? options : {};
    // Only the token given is sent: an `undefined` field would go out empty (`refresh_token=`), as in v7.
    const tokens = idToken === undefined ? { refresh_token: refreshToken } : { id_token: idToken };
    return prepareRequest(this.#options.clientID, { ...extras, ...tokens, api: 'aws' });
  }

  /**
   * The cache key of these options, or none if they make no request (no token: the provider's `idToken`
   * function answered nothing as S3 refused a key). A refusal is recorded all the same: without a key,
   * every entry holding the refused credentials is forgotten.
   */
  #keyTextOf(options: CredentialsOptions): string | undefined {
    try {
      return this.#prepare(options).keyText;
    } catch {
      return undefined;
    }
  }

  /**
   * The cached answer for this request, or the shared request for it.
   * The key is everything sent, the token itself included: it lives only in this client's private Map,
   * next to the keys it guards (tabs share digests of it, see tabs.ts).
   */
  #cached(request: PreparedRequest): Promise<CachedDelegation> {
    const { now } = this.#options;
    // A token is refused locally only if it has expired on the page's clock too, never on an offset alone.
    const pageNow = now() + Math.min(0, this.#clockOffsetMs);
    const hit = this.#cache.peek(request.keyText);
    const exp = hit === undefined ? undefined : this.#tokenExpiry.get(hit);
    // A hit on the exact token that earned the entry: its expiry was read when it was decoded.
    if (hit !== undefined && exp !== undefined && request.signal?.aborted !== true) {
      assertNotExpired({ sub: '', exp: Number.isFinite(exp) ? exp : undefined }, pageNow);
      return Promise.resolve(hit);
    }
    const identity = checkToken(request.body, (token) => this.#readIdToken(token, pageNow));
    return this.#cache.get(request.keyText, (signal) => this.#load(request, signal), request.signal).then((value) => this.#remember(value, identity));
  }

  /** Records the token's expiry next to the value it earned (a refresh token: none). */
  #remember(value: CachedDelegation, identity: IdTokenIdentity | undefined): CachedDelegation {
    this.#tokenExpiry.set(value, identity?.exp ?? Number.POSITIVE_INFINITY);
    return value;
  }

  async #load(request: PreparedRequest, signal: AbortSignal): Promise<Loaded<CachedDelegation>> {
    const idToken = typeof request.body['id_token'] === 'string' && request.body['id_token'] !== '' ? request.body['id_token'] : undefined;
    const response = await this.#options.exchange.exchange({ fields: request.body, idToken, secrets: request.secrets, signal }, this.#options);
    const { result, expirationMs } = parseAwsResponse(response.json, response.status);
    const { offsetMs, lifetimeMs, expiresAtMs } = timing(expirationMs, response.date, response.receivedAt, response.status);
    this.#clockOffsetMs = offsetMs;
    // Half the lifetime at most, so credentials shorter than the window are still reused.
    const freshUntil = expiresAtMs - Math.min(this.#options.refreshWindowMs, lifetimeMs / 2);
    return toCachedEntry(response.text, result, expiresAtMs, freshUntil);
  }
}
