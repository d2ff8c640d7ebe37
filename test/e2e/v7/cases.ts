// The differential cases: every option and error path of auth0.js 7.6.1's delegation code (index.js
// `Auth0`, `getDelegationToken`, `renewIdToken`, `refreshToken`; reqwest 2.0.5's form encoding; its
// error handling and LoginError), each run against auth0.js 7.6.1 and this SDK's v7 build. Arguments
// '$id_token' / '$refresh_token' / '$expired_id_token' stand for the tokens; '$undefined' for undefined.

/** What the intercepted tenant answers, in order (the last one repeats). */
export type Answer = { status: number; body?: unknown; raw?: string; contentType?: string } | { network: 'refused' };

export interface Call {
  method: 'getDelegationToken' | 'renewIdToken' | 'refreshToken';
  args: unknown[];
  /** The callback throws on its first call (a bug in the page). */
  throwInCallback?: boolean;
}

/**
 * The differences between auth0.js 7.6.1 and this SDK that are intended, each by name. A case lists
 * those it may show; any other difference fails it. docs/MIGRATION.md has the same list.
 */
export const INTENDED = {
  /** 408, 429, 5xx and network errors are retried (twice by default): the same request again. */
  retries: 'retries',
  /** A repeated AWS call is answered from the cache: no second request. */
  cache: 'cache',
  /** The callback runs once; v7 ran it again when it threw. */
  callbackOnce: 'callback once',
  /** An AWS answer is validated: a 200 without usable credentials is an error. */
  awsValidated: 'aws validated',
  /** Tokens the server echoes in an error are redacted. */
  redacted: 'redacted',
  /**
   * A body that is not a JSON object is not kept (it could hold anything): v7 made text the error's
   * message, and handed other JSON (an array, a string, `null`: a "success") to the callback as `err`.
   * Ours says what happened instead (`notKept(status)` in compare.ts), an empty body included, where
   * v7's message was that empty text.
   */
  bodyNotKept: 'body not kept',
  /** A malformed or expired ID token is refused before anything is sent: v7 sent it to the tenant. */
  checkedLocally: 'checked locally',
} as const;
export type Intended = (typeof INTENDED)[keyof typeof INTENDED];

/**
 * Differences every error shows, by design: the callback's `err` is always an `Error` (v7 passed the
 * parsed body, a plain object, for HTTP errors), and it carries `status` (v7's plain object had none)
 * and `cause`, the SDK's `DelegationError`. Every field v7's error had is there, with v7's value.
 */
export const ERROR_ADDITIONS = ['status', 'cause'];

export interface Case {
  name: string;
  /** Constructor: `new Auth0(options)` unless `withNew` is false; options default to clientID, domain, callbackURL. */
  construct?: { withNew?: boolean; options?: Record<string, unknown> };
  calls: Call[];
  answers?: Answer[];
  /** The page is offline (navigator.onLine false, no network). */
  offline?: boolean;
  intended?: Intended[];
}

export const CLIENT_ID = 'v7DifferentialClient';
export const DOMAIN = 'v7-differential.auth0.com';
export const BASE = { clientID: CLIENT_ID, domain: DOMAIN, callbackURL: 'dummy' };

export const awsAnswer = (): Answer => ({
  status: 200,
  body: {
    Credentials: { AccessKeyId: 'ASIAV7DIFF', SecretAccessKey: 'v7diffSECRET', SessionToken: 'v7diffSESSION', Expiration: new Date(Date.now() + 3_600_000).toISOString() },
    AssumedRoleUser: { AssumedRoleId: 'AROA:auth0-alice', Arn: 'arn:aws:sts::123456789012:assumed-role/s3/auth0-alice' },
    Subject: 'auth0|alice',
  },
});
const firebaseAnswer: Answer = { status: 200, body: { id_token: 'eyJ.firebase.token', token_type: 'Bearer', expires_in: 36000 } };
const auth0Answer: Answer = { status: 200, body: { id_token: 'eyJ.renewed.token', token_type: 'Bearer', expires_in: 36000 } };
const aws = (extra: Record<string, unknown> = {}): Call => ({ method: 'getDelegationToken', args: [{ id_token: '$id_token', api: 'aws', ...extra }] });

export function cases(): Case[] {
  return [
    // The request: defaults, options, key order, encoding.
    { name: 'the guide\'s call: id_token and api aws', calls: [aws()], answers: [awsAnswer()] },
    { name: 'targetClientId becomes target', calls: [aws({ targetClientId: 'otherClient' })], answers: [awsAnswer()] },
    { name: 'scope', calls: [aws({ scope: 'openid email' })], answers: [awsAnswer()] },
    { name: 'role and principal', calls: [aws({ role: 'arn:aws:iam::123456789012:role/s3', principal: 'arn:aws:iam::123456789012:saml-provider/auth0' })], answers: [awsAnswer()] },
    { name: 'role and principal present but undefined', calls: [aws({ role: '$undefined', principal: '$undefined' })], answers: [awsAnswer()] },
    { name: 'extra keys: strings, numbers, booleans, null, nested objects and arrays', calls: [aws({ state: 'a b&c=d+e/é', count: 3, flag: true, nothing: null, nested: { a: { b: 'c' } }, list: ['x', 'y'], objects: [{ k: 'v' }] })], answers: [awsAnswer()] },
    { name: 'a hasOwnProperty option (v7 deleted it)', calls: [aws({ hasOwnProperty: 'x', scope: 'openid' })], answers: [awsAnswer()] },
    { name: 'options in another order', calls: [{ method: 'getDelegationToken', args: [{ scope: 'openid', api: 'aws', role: 'r', id_token: '$id_token', targetClientId: 't' }] }], answers: [awsAnswer()] },
    { name: 'an explicit api_type overrides api, in place', calls: [aws({ api: 'firebase', api_type: 'aws' })], answers: [awsAnswer()] },
    { name: 'an explicit api_type: undefined overrides api aws (sent empty, not cached)', calls: [aws({ api_type: '$undefined' }), aws({ api_type: '$undefined' })], answers: [firebaseAnswer] },
    { name: 'refresh_token instead of id_token', calls: [{ method: 'getDelegationToken', args: [{ refresh_token: '$refresh_token', api: 'aws' }] }], answers: [awsAnswer()] },
    // Other APIs: sent as v7 sent them, answered as the endpoint answered, not cached.
    { name: 'no api at all (api_type empty: the tenant\'s default add-on)', calls: [{ method: 'getDelegationToken', args: [{ id_token: '$id_token' }] }], answers: [firebaseAnswer] },
    { name: 'api firebase, twice (not cached)', calls: [aws({ api: 'firebase' }), aws({ api: 'firebase' })], answers: [firebaseAnswer] },
    { name: 'api auth0', calls: [aws({ api: 'auth0' })], answers: [auth0Answer] },
    { name: 'api AWS in capitals (another api to v7: sent, not cached, not validated)', calls: [aws({ api: 'AWS' }), aws({ api: 'AWS' })], answers: [{ status: 200, body: { token_type: 'Bearer' } }] },
    { name: 'renewIdToken(id_token, cb)', calls: [{ method: 'renewIdToken', args: ['$id_token'] }], answers: [auth0Answer] },
    { name: 'refreshToken(refresh_token, cb)', calls: [{ method: 'refreshToken', args: ['$refresh_token'] }], answers: [auth0Answer] },
    // The constructor.
    { name: 'Auth0({...}) without new', construct: { withNew: false }, calls: [aws()], answers: [awsAnswer()] },
    { name: 'v7\'s other constructor options', construct: { options: { ...BASE, audience: 'https://api.example.com', __tenant: 'v7-differential', __token_issuer: 'https://v7-differential.auth0.com/', responseType: 'token', responseMode: 'form_post', forceJSONP: false, sendSDKClientInfo: false, useCordovaSocialPlugins: false, scope: 'openid profile', callbackOnLocationHash: true, popupOptions: { width: 300 } } }, calls: [aws()], answers: [awsAnswer()] },
    { name: 'no clientID', construct: { options: { domain: DOMAIN, callbackURL: 'dummy' } }, calls: [] },
    { name: 'no domain', construct: { options: { clientID: CLIENT_ID, callbackURL: 'dummy' } }, calls: [] },
    // Before any request.
    { name: 'neither id_token nor refresh_token', calls: [{ method: 'getDelegationToken', args: [{ api: 'aws' }] }] },
    { name: 'null options', calls: [{ method: 'getDelegationToken', args: [null] }] },
    { name: 'renewIdToken(undefined, cb)', calls: [{ method: 'renewIdToken', args: ['$undefined'] }] },
    // v7 sent these to the tenant, which refused them; the SDK refuses them itself.
    { name: 'an expired ID token for api aws', calls: [{ method: 'getDelegationToken', args: [{ id_token: '$expired_id_token', api: 'aws' }] }], answers: [{ status: 401, body: { error: 'unauthorized', error_description: 'jwt expired' } }], intended: ['checked locally'] },
    { name: 'an ID token that is no JWT for api aws', calls: [aws({ id_token: 'not-a-jwt' })], answers: [{ status: 401, body: { error: 'unauthorized', error_description: 'jwt malformed' } }], intended: ['checked locally'] },
    // Errors the tenant answers.
    { name: '400 invalid_request', calls: [aws()], answers: [{ status: 400, body: { error: 'invalid_request', error_description: 'target is not a valid client' } }] },
    { name: '401 unauthorized', calls: [aws()], answers: [{ status: 401, body: { error: 'unauthorized', error_description: 'jwt expired' } }] },
    { name: '403 access_denied with extra fields', calls: [aws()], answers: [{ status: 403, body: { error: 'access_denied', error_description: 'rule denied', statusCode: 403, name: 'AccessDenied' } }] },
    { name: '400 whose body has message, name and stack fields', calls: [aws()], answers: [{ status: 400, body: { error: 'invalid_request', message: 'from the body', name: 'BodyName', stack: 'no stack' } }] },
    { name: '429 too_many_requests', calls: [aws()], answers: [{ status: 429, body: { error: 'too_many_requests', error_description: 'Rate limit exceeded' } }], intended: ['retries'] },
    { name: '429 without a body', calls: [aws()], answers: [{ status: 429, raw: '' }], intended: ['retries', 'body not kept'] },
    { name: '500 with an error body', calls: [aws()], answers: [{ status: 500, body: { error: 'server_error', error_description: 'boom' } }], intended: ['retries'] },
    { name: '502 with an HTML page', calls: [aws()], answers: [{ status: 502, raw: '<html><body>Bad gateway</body></html>', contentType: 'text/html' }], intended: ['retries', 'body not kept'] },
    { name: '400 whose description echoes the token', calls: [aws()], answers: [{ status: 400, body: { error: 'invalid_token', error_description: 'bad token: $id_token' } }], intended: ['redacted'] },
    { name: '400 with a JSON array', calls: [aws()], answers: [{ status: 400, raw: '["invalid_request"]' }], intended: ['body not kept'] },
    { name: '400 with JSON null (v7 called back as if it succeeded)', calls: [aws()], answers: [{ status: 400, raw: 'null' }], intended: ['body not kept'] },
    { name: '401 with a JSON string', calls: [aws()], answers: [{ status: 401, raw: '"unauthorized"' }], intended: ['body not kept'] },
    { name: '400 for another api', calls: [aws({ api: 'firebase' })], answers: [{ status: 400, body: { error: 'invalid_request', error_description: 'firebase is off' } }] },
    // No answer.
    { name: 'offline', calls: [aws()], offline: true, intended: ['retries'] },
    { name: 'connection refused', calls: [aws()], answers: [{ network: 'refused' }], intended: ['retries'] },
    // Answers that are not what the caller asked for.
    { name: '200 that is not JSON', calls: [aws()], answers: [{ status: 200, raw: 'not json', contentType: 'text/plain' }], intended: ['body not kept'] },
    { name: '200 JSON without Credentials for api aws', calls: [aws()], answers: [{ status: 200, body: { token_type: 'Bearer' } }], intended: ['aws validated'] },
    { name: '200 JSON without Credentials for another api', calls: [aws({ api: 'firebase' })], answers: [{ status: 200, body: { token_type: 'Bearer' } }] },
    // Callbacks.
    { name: 'the same AWS call twice (cached)', calls: [aws(), aws()], answers: [awsAnswer()], intended: ['cache'] },
    { name: 'a callback that throws', calls: [{ ...aws(), throwInCallback: true }], answers: [awsAnswer()], intended: ['callback once'] },
    { name: 'an error callback that throws', calls: [{ ...aws(), throwInCallback: true }], answers: [{ status: 401, body: { error: 'unauthorized', error_description: 'no' } }], intended: ['callback once'] },
  ];
}
