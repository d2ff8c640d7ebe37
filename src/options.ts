import { configurationError } from './errors';
import { isPlainObject, rejectUnknownKeys } from './guards';
import { delegation } from './exchanges/delegation';
import type { Exchange } from './exchanges/exchange';
import { isTrustedUrl, tryParseUrl } from './urls';

/** Options of `new DelegationClient(options)`. */
export interface DelegationClientOptions {
  /** The Auth0 application's client ID (sent as `client_id`, and as `target` unless overridden). */
  clientID: string;
  /**
   * The Auth0 domain: a host name such as `tenant.auth0.com` (https is implied) or an origin such as
   * `https://login.example.com`. `http://` is accepted only for loopback hosts (`localhost`,
   * `127.0.0.0/8`, `[::1]`), for local sandboxes.
   */
  domain: string;
  /**
   * How long before `Expiration` cached credentials count as stale and the next call fetches new ones.
   * Longer than the AWS SDK's own 5 minutes, so its refresh always finds new credentials. Capped at half
   * of the credentials' lifetime, so short-lived credentials are still reused.
   * @default 600000 (10 minutes)
   */
  refreshWindowMs?: number;
  /** Time allowed for each HTTP attempt to answer. @default 10000 */
  timeoutMs?: number;
  /**
   * The most cache entries (one per token and settings) this client keeps in memory; past it, the least
   * recently used one is dropped. A page has one user and never gets near it; a server holding one client
   * for many users caps its memory with it (an entry takes about 4.6 KB with an Auth0-sized ID token and
   * answer: figure 8 of `npm run bench`). Entries that are no longer fresh
   * are dropped within one `refreshWindowMs` (at least 1 s) by a timer that does not keep Node alive.
   * @default 10000
   */
  maxEntries?: number;
  /** Retries after a network error, 408, 429 or 5xx (other 4xx are never retried). 0 to 5. @default 2 */
  retries?: number;
  /** The longest `Retry-After` (or `X-RateLimit-Reset`) wait honoured before a retry. @default 30000 */
  maxRetryAfterMs?: number;
  /** The `fetch` to use (tests, instrumentation). @default globalThis.fetch at call time */
  fetch?: typeof globalThis.fetch;
  /** The clock, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /**
   * How the ID token becomes AWS credentials: a value made by a factory. Auth0's `/delegation` (the
   * default), STS `AssumeRoleWithWebIdentity` (`webIdentity({ roleArn, region })` from
   * `auth0-aws-delegation/web-identity`) or a Cognito identity pool (`cognitoIdentityPool({ identityPoolId,
   * region })` from `auth0-aws-delegation/cognito`). Cache, tab sharing, provider and errors work the same.
   * @default delegation()
   */
  exchange?: Exchange;
  /**
   * Share credentials with this origin's other tabs (Web Locks and a BroadcastChannel; memory only).
   * Every same-origin page can read and post on that channel: `false` keeps this client's cache to its
   * own tab. By default a client shares in browsers only (a page, where `document` exists, or a web
   * worker); elsewhere (Node 24 has Web Locks and BroadcastChannel too) only when `true` asks for it.
   * The core script build never shares.
   * @default true in a page or a web worker, false elsewhere
   */
  shareAcrossTabs?: boolean;
  /**
   * Called when another tab of this origin cleared the cache this client shares (`clearCache()` there:
   * a sign-out or a user switch). This tab's credentials are gone already; sign the page out too, or its
   * next request gets credentials again with the token it still holds (auth0-spa-js keeps its tokens per
   * tab: `await auth0.logout({ openUrl: false })`). Only where tabs share (`shareAcrossTabs`). A callback
   * that throws is reported (`reportError`), and the clear stands.
   * @example
   * new DelegationClient({ clientID, domain, onClearedInAnotherTab: () => auth0.logout({ openUrl: false }).then(showSignedOut) });
   */
  onClearedInAnotherTab?: () => void;
}

/** Options after validation: every field defaulted, frozen. */
export interface ResolvedOptions {
  readonly clientID: string;
  /** `https://tenant.auth0.com` (or a loopback `http://` origin). */
  readonly origin: string;
  /** `${origin}/delegation` */
  readonly endpoint: string;
  readonly refreshWindowMs: number;
  readonly timeoutMs: number;
  readonly maxEntries: number;
  readonly retries: number;
  readonly maxRetryAfterMs: number;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly now: () => number;
  /** `delegation()` unless another was given. */
  readonly exchange: Exchange;
  /** `undefined` when not given: then the cache shares in browsers only (tabs/environment.ts). */
  readonly shareAcrossTabs: boolean | undefined;
  readonly onClearedInAnotherTab: (() => void) | undefined;
}

/** Numeric options: [default, minimum, maximum, whole numbers only]. */
const NUMERIC: Readonly<Record<'refreshWindowMs' | 'timeoutMs' | 'maxEntries' | 'retries' | 'maxRetryAfterMs', readonly [number, number, number, boolean?]>> = {
  refreshWindowMs: [10 * 60_000, 0, Number.MAX_SAFE_INTEGER],
  timeoutMs: [10_000, 1, 2_147_483_647],
  maxEntries: [10_000, 1, Number.MAX_SAFE_INTEGER, true],
  retries: [2, 0, 5, true],
  maxRetryAfterMs: [30_000, 0, 2_147_483_647],
};

/** The keys `DelegationClientOptions` accepts. */
export const CLIENT_OPTION_NAMES: readonly string[] = ['clientID', 'domain', 'fetch', 'now', 'shareAcrossTabs', 'onClearedInAnotherTab', 'exchange', ...Object.keys(NUMERIC)];

/**
 * Validates `input` and returns the frozen, fully defaulted options.
 * @throws {DelegationError} `invalid_configuration`, with a message naming the field and the fix.
 */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (!isPlainObject(input)) throw configurationError('Pass an options object: new DelegationClient({ clientID, domain }).');
  rejectUnknownKeys(input, CLIENT_OPTION_NAMES, 'DelegationClient');
  const clientID = input['clientID'];
  if (typeof clientID !== 'string' || clientID.trim() === '') {
    throw configurationError('"clientID" is required: your Auth0 application\'s client ID.');
  }
  for (const key of ['fetch', 'now', 'onClearedInAnotherTab']) {
    if (input[key] !== undefined && typeof input[key] !== 'function') throw configurationError(`"${key}" must be a function.`);
  }
  const share = input['shareAcrossTabs'];
  if (share !== undefined && typeof share !== 'boolean') throw configurationError('"shareAcrossTabs" must be true or false.');
  const origin = parseDomain(input['domain']);
  return Object.freeze({
    clientID,
    origin,
    endpoint: `${origin}/delegation`,
    ...numericOptions(input),
    fetch: input['fetch'] as typeof globalThis.fetch | undefined,
    now: (input['now'] as (() => number) | undefined) ?? (() => Date.now()),
    exchange: checkExchange(input['exchange']),
    shareAcrossTabs: share,
    onClearedInAnotherTab: input['onClearedInAnotherTab'] as (() => void) | undefined,
  });
}

/**
 * The `exchange` option: a value a factory made (an `id` and an `exchange` function), `delegation()` when absent.
 * @throws {DelegationError} `invalid_configuration`, saying where the factories are.
 */
function checkExchange(value: unknown): Exchange {
  if (value === undefined) return delegation();
  const candidate = Object(value) as Partial<Exchange>;
  if (typeof candidate.id === 'string' && typeof candidate.exchange === 'function') return value as Exchange;
  throw configurationError('"exchange" must be made by a factory: webIdentity() from "auth0-aws-delegation/web-identity", cognitoIdentityPool() from "auth0-aws-delegation/cognito", or delegation() (the default).');
}

function numericOptions(input: Record<string, unknown>): Record<keyof typeof NUMERIC, number> {
  const entries = Object.entries(NUMERIC).map(([key, [fallback, min, max, whole]]) => {
    const value = input[key] ?? fallback;
    // NaN and the infinities fail the range test.
    if (typeof value !== 'number' || !(value >= min && value <= max) || (whole && !Number.isInteger(value))) {
      throw configurationError(`"${key}" must be a ${whole ? 'whole ' : ''}number from ${min} to ${max} (default ${fallback}).`);
    }
    return [key, value];
  });
  return Object.fromEntries(entries) as Record<keyof typeof NUMERIC, number>;
}

/**
 * `tenant.auth0.com` -> `https://tenant.auth0.com`; `http://127.0.0.1:4000` -> itself (loopback only).
 * @throws {DelegationError} `invalid_configuration`
 */
export function parseDomain(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const url = tryParseUrl(text.includes('://') ? text : `https://${text}`);
  // An origin alone: no path, query, fragment or credentials.
  if (isTrustedUrl(url) && url.href === `${url.origin}/`) return url.origin;
  throw configurationError(`"domain" must be like tenant.auth0.com or an https origin (http on loopback only), no path; got ${JSON.stringify(text)}.`);
}
