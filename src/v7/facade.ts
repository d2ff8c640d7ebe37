import { DelegationClient } from '../tabs/sharing-client';
import type { DelegationResult } from '../credentials';
import { assertHasToken, delegationFields } from '../exchanges/delegation-request';
import type { DelegationTokenOptions } from '../exchanges/delegation-request';
import { configurationError } from '../errors';
import { postDelegation } from '../exchanges/delegation-post';
import { formBody } from '../exchanges/form-body';
import { isPlainObject, rejectUnknownKeys } from '../guards';
import { CLIENT_OPTION_NAMES, resolveOptions } from '../options';
import type { DelegationClientOptions, ResolvedOptions } from '../options';
import { v7Error } from './errors';
import type { V7LoginErrorFields } from './errors';

/** Options of `new Auth0(options)`: auth0.js v7's, plus this SDK's client options. */
export interface Auth0Options extends DelegationClientOptions {
  /** Accepted and ignored, as are v7's other constructor options (delegation never redirects). */
  callbackURL?: string;
  [v7Option: string]: unknown;
}

/**
 * What a v7 callback receives as `err`: what auth0.js 7.6.1 passed, as an `Error`. For an HTTP error, every
 * field of the server's JSON body (`error`, `error_description`, ...) and `status`; otherwise v7's
 * `LoginError` fields (`status`, `name`, `code`: `'offline'` or `'Unknown'` without a response, `details`).
 * `cause` is always the SDK's `DelegationError`, with the SDK's `code`.
 */
export type Auth0DelegationError = Error & Partial<V7LoginErrorFields> & {
  /** The server's `error`, when it sent a JSON body. */
  error?: string;
  /** The server's `error_description`, when it sent one. */
  error_description?: string;
  [field: string]: unknown;
};

/** `(err, delegationResult)`, called exactly once, with `this` the global object (as v7 did). */
export type DelegationCallback = (err: Auth0DelegationError | null, delegationResult?: DelegationResult) => void;

/**
 * Every constructor option auth0.js 7.6.1 reads (and those its other calls took): accepted and ignored,
 * since delegation never redirects. Other unknown keys are refused, to catch typos in the SDK's options.
 */
const V7_OPTIONS = ['callbackURL', 'callbackOnLocationHash', 'responseType', 'responseMode', 'forceJSONP', 'useCordovaSocialPlugins', 'sendSDKClientInfo', 'scope', 'audience', '__tenant', '__token_issuer', 'popupOptions', 'state', 'nonce', '_disableDeprecationWarnings'];
// concat, not a spread: bundlers cannot prove a spread free of side effects, and would keep both lists.
const KNOWN = /* @__PURE__ */ CLIENT_OPTION_NAMES.concat(V7_OPTIONS);

/** An `Auth0` facade instance: auth0.js v7's delegation methods on a `DelegationClient`. */
export interface Auth0 {
  /** The client behind this facade; its cache is the one `getDelegationToken` uses for AWS. */
  readonly client: DelegationClient;
  /**
   * v7's `getDelegationToken`. For `api: 'aws'`, answered from the client's cache (validated AWS
   * credentials); for any other `api` (or none: v7 then sent `api_type` empty), v7's request as v7 sent
   * it, answered as the endpoint answered, not cached. With a callback, calls it exactly once with
   * `(err, delegationResult)` and returns nothing; if the callback itself throws, the exception is rethrown
   * asynchronously (it is not a second call). Without a callback, returns a promise of the result.
   * @throws {DelegationError} `missing_token`, synchronously, with v7's message, when neither `id_token`
   *   nor `refresh_token` is given.
   * @example
   * auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, function (err, delegationResult) {});
   */
  getDelegationToken(options: DelegationTokenOptions, callback: DelegationCallback): void;
  /** The same, as a promise (not in v7). */
  getDelegationToken(options: DelegationTokenOptions): Promise<DelegationResult>;
  /**
   * v7's `renewIdToken`: a new ID token for this one (`api: 'auth0'`, `scope: 'passthrough'`), not cached.
   * @throws {DelegationError} `missing_token`, synchronously, when `id_token` is empty.
   * @example
   * auth0.renewIdToken(idToken, function (err, result) { if (!err) useToken(result.id_token); });
   */
  renewIdToken(id_token: string, callback: DelegationCallback): void;
  /**
   * v7's `refreshToken`: a new ID token for a refresh token (`api: 'auth0'`, `scope: 'passthrough'`), not cached.
   * @throws {DelegationError} `missing_token`, synchronously, when `refresh_token` is empty.
   * @example
   * auth0.refreshToken(refreshToken, function (err, result) { if (!err) useToken(result.id_token); });
   */
  refreshToken(refresh_token: string, callback: DelegationCallback): void;
}

/** The facade behind `Auth0` (documented on the `Auth0` interface). */
class Auth0Facade implements Auth0 {
  readonly client: DelegationClient;
  /** The same options, for the requests the client does not make: other APIs, not cached. */
  readonly #options: ResolvedOptions;

  constructor(options: Auth0Options) {
    if (!isPlainObject(options)) throw configurationError('Auth0 needs an options object: new Auth0({ clientID, domain, callbackURL }).');
    // v7's own messages for its two required options.
    for (const name of ['clientID', 'domain']) if (!options[name]) throw configurationError(`${name} is required.`);
    rejectUnknownKeys(options, KNOWN, 'Auth0');
    const clientOptions = Object.fromEntries(Object.entries(options).filter(([key]) => CLIENT_OPTION_NAMES.includes(key))) as unknown as DelegationClientOptions;
    this.client = new DelegationClient(clientOptions);
    this.#options = resolveOptions(clientOptions);
  }

  getDelegationToken(options: DelegationTokenOptions, callback: DelegationCallback): void;
  getDelegationToken(options: DelegationTokenOptions): Promise<DelegationResult>;
  getDelegationToken(options: DelegationTokenOptions, callback?: DelegationCallback): Promise<DelegationResult> | void {
    assertHasToken(options);
    const isAws = delegationFields(this.#options.clientID, options).fields['api_type'] === 'aws';
    const result = (isAws ? this.client.getDelegationToken(options) : this.#uncached(options)).catch((error: unknown) => {
      throw v7Error(error);
    });
    if (typeof callback !== 'function') return result;
    result.then(
      (delegationResult) => callOnce(callback, null, delegationResult),
      (error: Auth0DelegationError) => callOnce(callback, error, undefined),
    );
  }

  renewIdToken(id_token: string, callback: DelegationCallback): void {
    this.getDelegationToken({ id_token, scope: 'passthrough', api: 'auth0' }, callback);
  }

  refreshToken(refresh_token: string, callback: DelegationCallback): void {
    this.getDelegationToken({ refresh_token, scope: 'passthrough', api: 'auth0' }, callback);
  }

  /** v7's request for another API: not validated as AWS credentials, not cached. */
  async #uncached(options: DelegationTokenOptions): Promise<DelegationResult> {
    const { fields, secrets, signal } = delegationFields(this.#options.clientID, options);
    const response = await postDelegation(this.#options, formBody(fields), signal ?? new AbortController().signal, secrets);
    return response.json as DelegationResult;
  }
}

/** `Auth0`, callable with or without `new`, as auth0.js v7's constructor was. */
export interface Auth0Constructor {
  /** @throws {DelegationError} `invalid_configuration`, synchronously, as v7 threw for a missing clientID. */
  new (options: Auth0Options): Auth0;
  /** The same without `new` (auth0.js v7's own tests built it so). */
  (options: Auth0Options): Auth0;
  /** Shared by every instance: `auth0 instanceof Auth0` holds. */
  readonly prototype: Auth0;
}

/**
 * The auth0.js v7 facade: `new Auth0({ clientID, domain, callbackURL })` (or `Auth0({...})`), with v7's
 * `getDelegationToken(options, callback)`, `renewIdToken` and `refreshToken`, so a page written for v7
 * delegation runs unchanged: the same form request, the same callback arguments, with the SDK's cache,
 * retries and validation for AWS underneath. `auth0.client` is the `DelegationClient` it uses, for
 * `getCredentials` and `fromDelegation` on the same cache. docs/MIGRATION.md lists what differs from v7.
 *
 * @example
 * var auth0 = new Auth0({ clientID: 'abc123', domain: 'tenant.auth0.com', callbackURL: 'dummy' });
 * auth0.getDelegationToken({ id_token: idToken, api: 'aws' }, function (err, delegationResult) {
 *   if (!err) useAws(delegationResult.Credentials);
 * });
 */
// Made by a call marked pure: a top-level `createAuth0.prototype = ...` is a side effect that bundlers
// keep, and with it the whole facade, in every app that imports anything from the main entry.
export const Auth0 = /* @__PURE__ */ makeAuth0();

function makeAuth0(): Auth0Constructor {
  // A function declaration, not an expression: the script builds' minifier turns function expressions
  // that do not use `this` into arrow functions, which `new` refuses.
  function createAuth0(options: Auth0Options): Auth0 {
    return new Auth0Facade(options);
  }
  // `auth0 instanceof Auth0` holds, with or without `new`.
  createAuth0.prototype = Auth0Facade.prototype;
  return createAuth0 as unknown as Auth0Constructor;
}

/** Calls a v7 callback once, with `this` the global object as v7's plain call had it. */
function callOnce(callback: DelegationCallback, error: Auth0DelegationError | null, result: DelegationResult | undefined): void {
  try {
    if (error) callback.call(globalThis, error);
    else callback.call(globalThis, null, result);
  } catch (thrown) {
    // The page's own bug: surface it like any event-handler exception, never as a second callback.
    setTimeout(() => {
      throw thrown;
    }, 0);
  }
}
