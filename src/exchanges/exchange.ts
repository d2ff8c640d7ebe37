// The one thing a DelegationClient knows of how an ID token becomes AWS credentials. Types only: the
// client imports nothing of the exchanges but the default one, so each lives behind its own entry.

/** One request for credentials, as the client prepared it. */
export interface ExchangeRequest {
  /**
   * auth0.js v7's request fields, in v7's order: `grant_type`, `client_id`, `target`, `api_type`, the
   * token (`id_token` or `refresh_token`) and the caller's other options.
   */
  readonly fields: Readonly<Record<string, unknown>>;
  /** The ID token of this request, decoded and unexpired on the page's clock; undefined with a refresh token. */
  readonly idToken: string | undefined;
  /** The tokens of this request: never in an error, a log or anything kept. */
  readonly secrets: readonly string[];
  /** Aborts the request (every caller waiting on it gave up, or the cache was cleared). */
  readonly signal: AbortSignal;
}

/** The client's settings an exchange may use. */
export interface ExchangeContext {
  /** The tenant's origin, e.g. `https://tenant.auth0.com`. */
  readonly origin: string;
  /** `${origin}/delegation`. */
  readonly endpoint: string;
  /** Time allowed per attempt. */
  readonly timeoutMs: number;
  /** Retries after passing failures (network, 408, 429, 5xx). */
  readonly retries: number;
  /** The longest `Retry-After` honoured. */
  readonly maxRetryAfterMs: number;
  /** The client's `fetch`, if it was given one. */
  readonly fetch: typeof globalThis.fetch | undefined;
  /** The client's clock. */
  readonly now: () => number;
}

/** An answer, in the shape of Auth0's `/delegation` answer, so the cache and the AWS provider are the same for every exchange. */
export interface ExchangeResponse {
  /** The answer as JSON text: the cache keeps it, tabs share it, every copy handed out is parsed from it. */
  readonly text: string;
  /** The parsed answer: `Credentials { AccessKeyId, SecretAccessKey, SessionToken, Expiration }` and more. */
  readonly json: unknown;
  /** The HTTP status it came with. */
  readonly status: number;
  /** The `Date` header, when the response exposed it (corrects a skewed page clock). */
  readonly date: string | null;
  /** Local time at which the response arrived. */
  readonly receivedAt: number;
}

/**
 * How an ID token becomes AWS credentials: Auth0's `/delegation` (the default), STS
 * `AssumeRoleWithWebIdentity` (`webIdentity()` from `auth0-aws-delegation/web-identity`) or a Cognito
 * identity pool (`cognitoIdentityPool()` from `auth0-aws-delegation/cognito`). A value: pass what a
 * factory made as the client's `exchange` option.
 * @example
 * import { webIdentity } from 'auth0-aws-delegation/web-identity';
 * new DelegationClient({ clientID, domain, exchange: webIdentity({ roleArn, region: 'us-east-1' }) });
 */
export interface Exchange {
  /**
   * Every setting that changes which credentials come back (the kind of exchange, role, pool, region,
   * endpoint, duration, session name), as text: clients of equal domain, client ID and `id` share a cache
   * across tabs; others never do. Not secret.
   */
  readonly id: string;
  /**
   * Gets credentials for one request; retries passing failures itself, within `context.retries`.
   * @throws {DelegationError} with a code the README's errors table names.
   */
  exchange(request: ExchangeRequest, context: ExchangeContext): Promise<ExchangeResponse>;
}
