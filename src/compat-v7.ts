import { DelegationClient } from './client';
import type { DelegationResult } from './credentials';
import { assertHasToken } from './delegation-request';
import type { DelegationTokenOptions } from './delegation-request';
import { DelegationError, configurationError } from './errors';
import { isPlainObject, rejectUnknownKeys } from './guards';
import { CLIENT_OPTION_NAMES } from './options';
import type { DelegationClientOptions } from './options';

/** Options of `new Auth0(options)`: auth0.js v7's, plus this SDK's client options. */
export interface Auth0Options extends DelegationClientOptions {
  /** Accepted and ignored, as are v7's other constructor options (delegation never redirects). */
  callbackURL?: string;
  [v7Option: string]: unknown;
}

/** The error a v7 callback receives: a `DelegationError` with v7's `details` object as well. */
export interface Auth0DelegationError extends DelegationError {
  /** v7's `details`: `{ error, error_description, code, description }` (the server's when it sent them). */
  readonly details: {
    /** The server's `error`, else the SDK's code. */
    error: string;
    /** The server's `error_description`, else the SDK's description. */
    error_description: string;
    /** The same as `error`. */
    code: string;
    /** The same as `error_description`. */
    description: string;
  };
}

/** `(err, delegationResult)`, called exactly once. */
export type DelegationCallback = (err: Auth0DelegationError | null, delegationResult?: DelegationResult) => void;

/** auth0.js v7 constructor options that have no meaning for delegation; accepted so v7 pages run unchanged. */
const V7_IGNORED = ['callbackURL', 'callbackOnLocationHash', 'responseType', 'responseMode', 'forceJSONP', 'useCordovaSocialPlugins', 'sendSDKClientInfo', 'popupOptions', 'scope', 'state', 'nonce', '_disableDeprecationWarnings'];
const KNOWN = [...CLIENT_OPTION_NAMES, ...V7_IGNORED];

/**
 * The auth0.js v7 facade: `new Auth0({ clientID, domain, callbackURL })` and
 * `getDelegationToken(options, callback)`, so a page written for v7 delegation runs unchanged, with the
 * SDK's cache, retries and errors underneath. `auth0.client` is the `DelegationClient` it uses, for
 * `getCredentials` and `fromDelegation` on the same cache.
 *
 * @example
 * var auth0 = new Auth0({ clientID: 'abc123', domain: 'tenant.auth0.com', callbackURL: 'dummy' });
 * auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, function (err, delegationResult) {
 *   if (!err) useAws(delegationResult.Credentials);
 * });
 */
export class Auth0 {
  /** The client behind this facade; its cache is the one `getDelegationToken` uses. */
  readonly client: DelegationClient;

  /** @throws {DelegationError} `invalid_configuration`, synchronously, as v7 threw for a missing clientID. */
  constructor(options: Auth0Options) {
    if (!isPlainObject(options)) throw configurationError('Auth0 needs an options object: new Auth0({ clientID, domain, callbackURL }).');
    rejectUnknownKeys(options, KNOWN, 'Auth0');
    const clientOptions = Object.fromEntries(Object.entries(options).filter(([key]) => CLIENT_OPTION_NAMES.includes(key)));
    this.client = new DelegationClient(clientOptions as unknown as DelegationClientOptions);
  }

  /**
   * v7's `getDelegationToken`. With a callback, calls it exactly once with `(err, delegationResult)` and
   * returns nothing; if the callback itself throws, the exception is rethrown asynchronously (it is
   * not a second call). Without a callback, returns a promise of the result.
   * @throws {DelegationError} `missing_token`, synchronously, when neither `id_token` nor `refresh_token` is given.
   */
  getDelegationToken(options: DelegationTokenOptions, callback: DelegationCallback): void;
  getDelegationToken(options: DelegationTokenOptions): Promise<DelegationResult>;
  getDelegationToken(options: DelegationTokenOptions, callback?: DelegationCallback): Promise<DelegationResult> | void {
    assertHasToken(options);
    const result = this.client.getDelegationToken(options).catch((error: unknown) => {
      throw withV7Fields(error);
    });
    if (typeof callback !== 'function') return result;
    result.then(
      (delegationResult) => callOnce(callback, null, delegationResult),
      (error: Auth0DelegationError) => callOnce(callback, error, undefined),
    );
  }
}

function callOnce(callback: DelegationCallback, error: Auth0DelegationError | null, result: DelegationResult | undefined): void {
  try {
    if (error) callback(error);
    else callback(null, result);
  } catch (thrown) {
    // The page's own bug: surface it like any event-handler exception, never as a second callback.
    setTimeout(() => {
      throw thrown;
    }, 0);
  }
}

/** A copy of the error with v7's `details` (one error object is shared by every single-flight caller). */
function withV7Fields(error: unknown): unknown {
  if (!(error instanceof DelegationError)) return error;
  const copy = new DelegationError({ code: error.code, status: error.status, description: error.description, message: error.message, cause: error.cause });
  const details = { error: error.code, error_description: error.description, code: error.code, description: error.description };
  return Object.assign(copy, { details });
}
