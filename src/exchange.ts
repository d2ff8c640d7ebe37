import ky, { HTTPError, TimeoutError } from 'ky';
import type { KyResponse } from 'ky';
import { abortedError } from './cache';
import { MAX_BODY_BYTES, invalidResponse } from './credentials';
import { DelegationError } from './errors';
import { isPlainObject } from './guards';
import type { ResolvedOptions } from './options';
import { redact } from './redact';

/** A successful answer of the delegation endpoint. */
export interface ExchangeResponse {
  /** The body, as sent: the cache keeps it, so every copy handed out is parsed from it. */
  readonly text: string;
  /** The parsed JSON body. */
  readonly json: unknown;
  readonly status: number;
  /** The `Date` header, when the response exposes it. */
  readonly date: string | null;
  /** Local time at which the response arrived. */
  readonly receivedAt: number;
}

/** 408, 429 and every 5xx: the statuses a retry can cure. */
const RETRY_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, index) => 500 + index)];
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 5_000;
const MAX_DESCRIPTION_CHARS = 500;

/**
 * POSTs `bodyText` to the delegation endpoint through ky: a timeout per attempt, and up to
 * `options.retries` retries (POST included, which ky does not retry by default) after network errors,
 * 408, 429 and 5xx, with exponential backoff and jitter, honouring `Retry-After` up to
 * `options.maxRetryAfterMs`. Timeouts and aborts are not retried (ky never retries them). A redirect is
 * never followed (the token would be posted wherever it points), and no body is read past 64 KB.
 * @throws {DelegationError} `network_error`, `timeout`, `aborted`, `invalid_response`, `redirect_refused`,
 *   `rate_limited`, `server_error`, `http_error`, or the server's own `error` code.
 */
export async function postDelegation(options: ResolvedOptions, bodyText: string, signal: AbortSignal, secrets: readonly string[]): Promise<ExchangeResponse> {
  const fetch = boundedFetch(options);
  let response: KyResponse;
  try {
    response = await ky.post(options.endpoint, {
      body: bodyText,
      // What auth0.js v7 (reqwest) sent: with this content type and Accept, a CORS simple request, so
      // a cold page reaches its credentials without a preflight.
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json, text/javascript' },
      timeout: options.timeoutMs,
      signal,
      retry: retryPolicy(options),
      // The browser hands back an opaque redirect (status 0), Node the 3xx: ky retries neither.
      redirect: 'manual',
      fetch,
    });
  } catch (error) {
    throw await toDelegationError(error, options, signal, secrets);
  }
  const receivedAt = options.now();
  if (fetch.oversized(response)) throw invalidResponse(`a body over ${MAX_BODY_BYTES} bytes`, response.status);
  const text = await response.text();
  const json = tryParseJson(text);
  if (json === undefined) throw invalidResponse('not JSON', response.status, '');
  return { text, json, status: response.status, date: response.headers.get('date'), receivedAt };
}

function retryPolicy(options: ResolvedOptions) {
  return {
    limit: options.retries,
    methods: ['post'],
    statusCodes: RETRY_STATUSES,
    afterStatusCodes: [429, 503],
    maxRetryAfter: options.maxRetryAfterMs,
    // Exponential, with 50-100 % jitter: spreads clients apart without ever retrying at once.
    delay: (attempt: number) => BASE_DELAY_MS * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5),
    backoffLimit: MAX_BACKOFF_MS,
  };
}

/** ky's `fetch`, and whether a response it returned had a body over the limit. */
type BoundedFetch = typeof globalThis.fetch & { oversized(response: Response): boolean };

/**
 * The `fetch` ky calls, reading the whole body (through a clone, at most 64 KB of it) before it
 * resolves: ky's per-attempt timeout and the abort signal then cover a body that stalls, not only the
 * headers. A larger body is cancelled unread and its response remembered as oversized (an error status
 * is then classified by its status alone, as with no body).
 */
function boundedFetch(options: ResolvedOptions): BoundedFetch {
  let oversized: Response | undefined;
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await (options.fetch ?? globalThis.fetch)(input, init);
    if (await exceeds(response.clone(), MAX_BODY_BYTES)) {
      oversized = response;
      void response.body?.cancel().catch(() => undefined);
    }
    return response;
  };
  return Object.assign(fetch, { oversized: (response: Response) => response === oversized });
}

/** Reads the body until its end or past `limit` bytes (then cancels it): whether it was longer. */
async function exceeds(response: Response, limit: number): Promise<boolean> {
  const reader = response.body?.getReader();
  let size = 0;
  for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      void reader?.cancel().catch(() => undefined);
      return true;
    }
  }
  return false;
}

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

async function toDelegationError(error: unknown, options: ResolvedOptions, signal: AbortSignal, secrets: readonly string[]): Promise<DelegationError> {
  if (signal.aborted) return abortedError(signal);
  if (error instanceof TimeoutError) return timeoutError(options);
  if (error instanceof HTTPError && isRedirect(error.response)) return redirectError(options, error.response.status);
  if (error instanceof HTTPError) return httpError(error.response, options, secrets);
  return networkError(options, error);
}

function redirectError(options: ResolvedOptions, status: number): DelegationError {
  return new DelegationError({
    code: 'redirect_refused',
    status,
    message: `POST ${options.endpoint} answered a redirect: not followed (the token would go along). Check the domain.`,
  });
}

function timeoutError(options: ResolvedOptions): DelegationError {
  return new DelegationError({
    code: 'timeout',
    message: `POST ${options.endpoint} timed out after ${options.timeoutMs} ms.`,
  });
}

function networkError(options: ResolvedOptions, cause: unknown): DelegationError {
  return new DelegationError({
    code: 'network_error',
    message: `POST ${options.endpoint} failed: no response (offline, DNS, refused or CORS).`,
    cause,
  });
}

/** Auth0 answers `{ error, error_description }`; anything else is classified by status alone. */
async function httpError(response: Response, options: ResolvedOptions, secrets: readonly string[]): Promise<DelegationError> {
  // Redacted in JSON.stringify's own writing of the body: a server that wrote a token's letters as JSON
  // escapes (\u0065) cannot slip it past. A body that is not JSON is kept nowhere.
  const text = redact(JSON.stringify(tryParseJson(await response.text().catch(() => ''))) ?? '', secrets.map((secret) => JSON.stringify(secret).slice(1, -1)));
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
