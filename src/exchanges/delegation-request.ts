import { DelegationError, configurationError } from '../errors';
import { formBody } from './form-body';
import { isPlainObject } from '../guards';
import type { IdTokenIdentity } from '../id-token';

/** The delegation options every call shape shares (`getDelegationToken`, `getCredentials`, `fromDelegation`). */
export interface DelegationExtras {
  /** Sent as `target`. @default the client's clientID */
  targetClientId?: string;
  /** The IAM role ARN, when the tenant's rule does not set it. */
  role?: string;
  /** The SAML provider ARN, when the tenant's rule does not set it. */
  principal?: string;
  /** Sent as `scope`, as v7 did (Auth0 uses `openid` by default). */
  scope?: string;
}

/**
 * Options of `getDelegationToken`, as auth0.js v7 took them. Keys other than `api`, `targetClientId` and
 * `signal` are sent in the request body as given.
 */
export interface DelegationTokenOptions extends DelegationExtras {
  /** The signed-in user's ID token. This or `refresh_token` is required. */
  id_token?: string;
  /** A refresh token, instead of `id_token`. */
  refresh_token?: string;
  /** Sent as `api_type` (use `'aws'`); an explicit `api_type` wins. */
  api?: string;
  /** Sent as is; overrides `api`. */
  api_type?: string;
  /** Cancels this caller's wait (the shared request is cancelled once every caller has). Not sent. */
  signal?: AbortSignal;
  [key: string]: unknown;
}

/** One delegation request, ready to send (and, for AWS, to cache). */
export interface PreparedRequest {
  /** The fields, in v7's order; `formBody(body)` is byte for byte what auth0.js v7 sent (made only on a cache miss). */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * The cache key: every field sent, tokens included, sorted, form-encoded. An entry serves only the
   * exact token that earned it. Secret: kept in the client's private Map only (tabs share a digest of it).
   */
  readonly keyText: string;
  /** The tokens of this request, to be kept out of any text we produce. */
  readonly secrets: readonly string[];
  readonly signal: AbortSignal | undefined;
}

export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * Checks that a token is present, as v7 did before sending anything.
 * @throws {DelegationError} `missing_token`
 */
export function assertHasToken(options: unknown): asserts options is DelegationTokenOptions {
  const candidate = isPlainObject(options) ? options : {};
  if (!candidate['id_token'] && !candidate['refresh_token']) {
    throw new DelegationError({
      code: 'missing_token',
      message: 'You must send either an id_token or a refresh_token to get a delegation token.',
    });
  }
}

/**
 * The fields of auth0.js v7.6.1's `getDelegationToken` request: the defaults `grant_type`, `client_id`,
 * `target` and `api_type` (`undefined` when no `api` is given: sent empty, as v7 did), then every caller
 * key in order (overriding a default in place), without `targetClientId`, `api`, `hasOwnProperty` and `signal`.
 * @throws {DelegationError} `missing_token`; `invalid_configuration` for a `signal` that is not an AbortSignal.
 */
export function delegationFields(clientID: string, options: unknown): { fields: Record<string, unknown>; secrets: string[]; signal: AbortSignal | undefined } {
  assertHasToken(options);
  const { signal, ...rest } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw configurationError('"signal" must be an AbortSignal.');
  }
  const fields: Record<string, unknown> = {
    grant_type: JWT_BEARER,
    client_id: clientID,
    target: rest.targetClientId || clientID,
    api_type: rest.api,
    ...rest,
  };
  delete fields['targetClientId'];
  delete fields['api'];
  // v7 deleted it too (reqwest called `data.hasOwnProperty` while encoding).
  delete fields['hasOwnProperty'];
  const secrets = [rest.id_token, rest.refresh_token].filter((value): value is string => typeof value === 'string');
  return { fields, secrets, signal };
}

/**
 * The cached AWS request: v7's fields for `api_type: 'aws'` and the cache key. The ID token is not
 * decoded here: a cache hit on the exact token needs no decode; a miss calls `checkToken` before
 * anything is sent, so a bad or expired token sends nothing.
 * @throws {DelegationError} `missing_token` (also for a refresh token that is not a string), `invalid_configuration`
 */
export function prepareRequest(clientID: string, options: unknown): PreparedRequest {
  const { fields: body, secrets, signal } = delegationFields(clientID, options);
  if (body['api_type'] !== 'aws') {
    // The response of other APIs has no AWS credentials to validate, cache or hand to the AWS SDK.
    throw configurationError('This SDK gets AWS credentials: pass api: "aws".');
  }
  if (!body['id_token'] && typeof body['refresh_token'] !== 'string') {
    throw new DelegationError({ code: 'missing_token', message: 'refresh_token must be a string.' });
  }
  // Encoding the key checks the body encodable too (no function, symbol or cycle).
  return { body, keyText: sortedFormBody(body), secrets, signal };
}

/**
 * An ID token must decode and be unexpired (its claims are returned); a refresh token has none. Neither
 * is verified here (only the server can): the cache key holds the token itself, never what it claims.
 * @throws {DelegationError} `malformed_id_token`, `id_token_expired`
 */
export function checkToken(body: Readonly<Record<string, unknown>>, readToken: (token: unknown) => IdTokenIdentity): IdTokenIdentity | undefined {
  return body['id_token'] ? readToken(body['id_token']) : undefined;
}

/** Sorted so that the order in which a caller wrote its options does not split the cache. */
function sortedFormBody(body: Record<string, unknown>): string {
  return formBody(Object.fromEntries(Object.keys(body).sort().map((name) => [name, body[name]])));
}
