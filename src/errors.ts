/**
 * The codes of the README's errors table: this SDK's own, and the AWS services' errors of the
 * web-identity and Cognito exchanges in this SDK's words. A `DelegationError` may also carry the code the
 * server sent in its `error` field (for example `unauthorized` or `invalid_request`), so `code` is typed
 * as open.
 */
export type DelegationErrorCode =
  | 'invalid_configuration'
  | 'missing_token'
  | 'malformed_id_token'
  | 'id_token_expired'
  | 'network_error'
  | 'timeout'
  | 'aborted'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'invalid_response'
  | 'redirect_refused'
  | 'cache_cleared'
  | 'invalid_identity_token'
  | 'idp_communication_error'
  | 'idp_rejected_claim'
  | 'access_denied'
  | 'region_disabled'
  | 'not_authorized'
  | 'identity_pool_not_found'
  | 'invalid_identity_pool_configuration'
  | 'invalid_request';

/** What a `DelegationError` is made of. */
export interface DelegationErrorInit {
  /** The SDK's code, or the server's `error` when it sent one. */
  code: DelegationErrorCode | (string & {});
  /** A sentence for developers: what failed and what to do. Never holds a token or secret. */
  message: string;
  /** HTTP status of the last attempt, or 0 when no response arrived. @default 0 */
  status?: number;
  /** The server's `error_description`, with any token the SDK knows of redacted. @default '' */
  description?: string;
  /** The low-level error (a fetch `TypeError`, an `AbortSignal` reason), when there was one. */
  cause?: unknown;
  /** An error answer's JSON body (tokens redacted), `''` for a body that is not JSON. @default undefined */
  responseText?: string;
}

/**
 * The one error class of this SDK. Every failure of a `DelegationClient`, of the `Auth0` facade and of
 * `fromDelegation` is a `DelegationError`, so callers can branch on `code` and `status`.
 *
 * `JSON.stringify(error)` shows `name`, `code`, `status` and `description` (`message` and `cause` are not
 * enumerable), and none of them, nor `message`, ever contains an ID token, refresh token, secret key or
 * session token.
 *
 * @example
 * try {
 *   await client.getCredentials({ idToken });
 * } catch (error) {
 *   if (isDelegationError(error) && error.code === 'id_token_expired') signInAgain();
 *   else throw error;
 * }
 */
export class DelegationError extends Error {
  /** Always `'DelegationError'`; `isDelegationError` matches on it across bundle copies and frames. */
  override readonly name = 'DelegationError';
  /** See {@link DelegationErrorCode}; the server's `error` when it sent one. */
  readonly code: DelegationErrorCode | (string & {});
  /** HTTP status of the last attempt, or 0 when no response arrived. */
  readonly status: number;
  /** The server's `error_description`, or `''`. */
  readonly description: string;

  /**
   * What the v7 facade builds v7's error from: an error answer's body when it is JSON (tokens redacted,
   * at most 64 KB), `''` when the server answered with a body that is not JSON (an HTML page or a proxy's
   * text could hold anything, so it is not kept), `undefined` when there was no answer. Not enumerable:
   * left out of `JSON.stringify(error)`.
   */
  declare readonly responseText: string | undefined;

  constructor(init: DelegationErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status ?? 0;
    this.description = init.description ?? '';
    Object.defineProperty(this, 'responseText', { value: init.responseText });
  }
}

/**
 * Whether `value` is a `DelegationError`, also when it was made by another copy of this SDK (a second
 * bundle, an iframe), where `instanceof` is false.
 *
 * @example
 * if (isDelegationError(error) && error.status === 429) showRetryLater();
 */
export function isDelegationError(value: unknown): value is DelegationError {
  if (value instanceof DelegationError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown; status?: unknown };
  return candidate.name === 'DelegationError' && typeof candidate.code === 'string' && typeof candidate.status === 'number';
}

/** Shorthand for the SDK's own configuration errors, which never have a status. */
export function configurationError(message: string, cause?: unknown): DelegationError {
  return new DelegationError({ code: 'invalid_configuration', message, cause });
}
