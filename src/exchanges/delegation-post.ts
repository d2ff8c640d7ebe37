import { abortedError } from '../cache/single-flight';
import { MAX_BODY_BYTES, invalidResponse } from '../credentials';
import { DelegationError } from '../errors';
import { isPlainObject } from '../guards';
import { redact } from '../redact';
import type { ExchangeContext, ExchangeResponse } from './exchange';
import { AttemptTimeoutError, StatusError, post } from './http';
import type { Answer } from './http';

const MAX_DESCRIPTION_CHARS = 500;

/**
 * POSTs `bodyText` to the delegation endpoint: a timeout per attempt (the body read included), and up
 * to `options.retries` retries after network errors, 408, 429 and 5xx, with exponential backoff and
 * jitter, honouring `Retry-After` up to `options.maxRetryAfterMs` (see http.ts). Timeouts and aborts are
 * not retried. A redirect is never followed (the token would be posted wherever it points), and no body
 * is read past 64 KB.
 * @throws {DelegationError} `network_error`, `timeout`, `aborted`, `invalid_response`, `redirect_refused`,
 *   `rate_limited`, `server_error`, `http_error`, or the server's own `error` code.
 */
export async function postDelegation(options: ExchangeContext, bodyText: string, signal: AbortSignal, secrets: readonly string[]): Promise<ExchangeResponse> {
  let answer: Answer;
  try {
    answer = await post(options.endpoint, {
      method: 'POST',
      body: bodyText,
      // What auth0.js v7 (reqwest) sent: with this content type and Accept, a CORS simple request, so
      // a cold page reaches its credentials without a preflight.
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/javascript' },
      // The browser hands back an opaque redirect (status 0), Node the 3xx: neither is retried.
      redirect: 'manual',
    }, { ...options, signal, maxBodyBytes: MAX_BODY_BYTES });
  } catch (error) {
    throw toDelegationError(error, options, signal, secrets);
  }
  const { response, text } = answer;
  const receivedAt = options.now();
  if (text === undefined) throw invalidResponse(`a body over ${MAX_BODY_BYTES} bytes`, response.status);
  const json = tryParseJson(text);
  if (json === undefined) throw invalidResponse('not JSON', response.status, '');
  return { text, json, status: response.status, date: response.headers.get('date'), receivedAt };
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

function toDelegationError(error: unknown, options: ExchangeContext, signal: AbortSignal, secrets: readonly string[]): DelegationError {
  if (signal.aborted) return abortedError(signal);
  if (error instanceof AttemptTimeoutError) return timeoutError(options);
  if (error instanceof StatusError && isRedirect(error.answer.response)) return redirectError(options, error.answer.response.status);
  if (error instanceof StatusError) return httpError(error.answer, options, secrets);
  return networkError(options, error);
}

function redirectError(options: ExchangeContext, status: number): DelegationError {
  return new DelegationError({
    code: 'redirect_refused',
    status,
    message: `POST ${options.endpoint} answered a redirect: not followed (the token would go along). Check the domain.`,
  });
}

function timeoutError(options: ExchangeContext): DelegationError {
  return new DelegationError({
    code: 'timeout',
    message: `POST ${options.endpoint} timed out after ${options.timeoutMs} ms.`,
  });
}

function networkError(options: ExchangeContext, cause: unknown): DelegationError {
  return new DelegationError({
    code: 'network_error',
    message: `POST ${options.endpoint} failed: no response (offline, DNS, refused or CORS).`,
    cause,
  });
}

/** Auth0 answers `{ error, error_description }`; anything else (or an oversized body) is classified by status alone. */
function httpError({ response, text: raw }: Answer, options: ExchangeContext, secrets: readonly string[]): DelegationError {
  // Redacted in JSON.stringify's own writing of the body: a server that wrote a token's letters as JSON
  // escapes (\u0065) cannot slip it past. A body that is not JSON is kept nowhere.
  const text = redact(JSON.stringify(tryParseJson(raw ?? '')) ?? '', secrets.map((secret) => JSON.stringify(secret).slice(1, -1)));
  const body = tryParseJson(text);
  const serverCode = isPlainObject(body) && typeof body['error'] === 'string' && body['error'] !== '' ? body['error'] : undefined;
  const rawDescription = isPlainObject(body) && typeof body['error_description'] === 'string' ? body['error_description'] : '';
  const description = rawDescription.slice(0, MAX_DESCRIPTION_CHARS);
  const code = serverCode ?? (response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'server_error' : 'http_error');
  const detail = description ? `: ${description}` : '.';
  return new DelegationError({
    code,
    status: response.status,
    description,
    message: `POST ${options.endpoint} answered ${response.status} ${code}${detail}`,
    // Kept for the v7 facade only when it is a JSON object: a page of another kind could hold anything.
    responseText: isPlainObject(body) ? text : '',
  });
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
