import { DelegationError } from '../errors';
import { isPlainObject } from '../guards';

/** Fields auth0.js v7's `LoginError` set; see `v7Error`. */
export interface V7LoginErrorFields {
  /** HTTP status, or 0 when no response arrived (401 whenever the code is `unauthorized`). */
  status: number;
  /** The error's code, as v7 set it (`connection_refused_timeout`, `offline`, the server's `error`). */
  name: string;
  /** The same, but `'Unknown'` for a failure without a response (except `'offline'`). */
  code: string | undefined;
  /** What the code and message were read from: the server's JSON, or `{ message: body }`. */
  details: Record<string, unknown>;
}

/** Codes the SDK finds before or without sending anything: v7 had no such errors, so they stay the SDK's. */
const LOCAL_CODES = ['invalid_configuration', 'missing_token', 'malformed_id_token', 'id_token_expired', 'cache_cleared'];

/**
 * What auth0.js 7.6.1's `getDelegationToken` handed its callback for a failure like `error`, with the
 * SDK's `DelegationError` as `cause`. v7 passed the server's parsed JSON body for an HTTP error (here:
 * an `Error` carrying every field of that body, plus `status`), and for anything else a `LoginError`
 * (`status`, `name`, `code`, `details`, `message`): `offline` when the browser is offline, `Unknown` for
 * another failure without a response. Two differences, by design: a body that is not a JSON object is
 * not kept (v7 made it the message; it could hold anything): the message says what happened instead
 * (`HTTP 502 from /delegation, ...`); and tokens the server echoed are redacted. Errors v7 could not have
 * had (a malformed ID token, a bad option) are the SDK's own.
 */
export function v7Error(error: unknown): unknown {
  if (!(error instanceof DelegationError) || LOCAL_CODES.includes(error.code)) return error;
  const { responseText, status } = error;
  if (responseText !== undefined) {
    const body = parseJson(responseText);
    // v7: callback(JSON.parse(xhr.responseText)): the body itself, which has no status of its own.
    if (isPlainObject(body)) return withFields(Object.assign(new Error(error.message, { cause: error }), { status }), body);
    // v7: LoginError(status, xhr.responseText); that text is not kept (see DelegationError.responseText),
    // and an empty message would say nothing: it says what happened.
    return loginError(status, { message: `HTTP ${status} from /delegation, with a body that is not a JSON object (not kept: see cause).` }, error);
  }
  if (error.code === 'network_error') {
    const offline = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;
    return loginError(0, { code: offline ? 'offline' : 'connection_refused_timeout' }, error);
  }
  return loginError(status, { code: error.code, description: error.description || error.message }, error);
}

/** auth0.js 7.6.1's `LoginError(status, details)`, which made a plain `Error` and set its fields. */
function loginError(status: number, details: Record<string, unknown>, cause: DelegationError): Error & V7LoginErrorFields {
  if (!details['code']) details['code'] = details['error'];
  const code = details['code'] as string | undefined;
  const message = (details['description'] || details['message'] || details['error']) as string | undefined;
  // `new Error(undefined)` has no own message, as v7's `Error.call(this, undefined)`; then an assigned
  // message is enumerable, as v7's was.
  const error = Object.assign(new Error(message, { cause }), { status: code === 'unauthorized' ? 401 : status, name: code, code, details }) as Error & V7LoginErrorFields;
  if (error.status === 0 && code !== 'offline') Object.assign(error, { code: 'Unknown', message: 'Unknown error.' });
  return error;
}

/**
 * Gives `error` every field of the server's body as its own, as v7's plain parsed object had them. Defined,
 * not assigned: a `"__proto__"` field stays a field (assigning it would let the server set the error's
 * prototype). `cause` stays the SDK's `DelegationError`, whatever the body says.
 */
function withFields(error: Error, body: Record<string, unknown>): Error {
  for (const key of Object.keys(body)) {
    if (key !== 'cause') Object.defineProperty(error, key, { value: body[key], enumerable: true, writable: true, configurable: true });
  }
  return error;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
