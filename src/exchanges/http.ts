// The transport of every request this SDK sends to Auth0: ky's `post` with its timeout and its retries
// (POST included, `Retry-After` honoured up to a bound, exponential backoff with jitter). What ky leaves
// to its caller is added here around it, each small: the body is read inside the attempt (ky's `fetch`
// option), under a size cap and within the attempt's time; a `Retry-After` that names no usable wait
// falls back to the backoff; an abort ends the call at once even when a `fetch` ignores its signal.
import ky, { HTTPError, TimeoutError } from 'ky';
import type { RetryOptions } from 'ky';
import { boundedText } from '../bounded-text';

/** An answer, its body read within the attempt's time. */
export interface Answer {
  readonly response: Response;
  /** The body as text; `undefined` when it was longer than the limit (then cancelled, unread). */
  readonly text: string | undefined;
}

/** How to send: the client's settings. */
export interface PostSettings {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxRetryAfterMs: number;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly signal: AbortSignal;
  /** Longest body read, in bytes. */
  readonly maxBodyBytes: number;
}

/** The last answer, when it was not a success (2xx): a status to classify. */
export class StatusError extends Error {
  constructor(readonly answer: Answer) {
    super(`HTTP ${answer.response.status}`);
  }
}

/** An attempt took longer than `timeoutMs` (headers and body). Never retried. */
export class AttemptTimeoutError extends Error {}

/** 408, 429 and every 5xx: the statuses a retry can cure. */
const RETRY_STATUS = [408, 429, ...Array.from({ length: 100 }, (_, index) => 500 + index)];
/** The statuses whose wait the server may name (ky reads `Retry-After`, `RateLimit-Reset`, `X-RateLimit-Reset`, ...). */
const WAIT_STATUS = [429, 503];
const WAIT_HEADERS = ['retry-after', 'ratelimit-reset', 'x-ratelimit-retry-after', 'x-ratelimit-reset', 'x-rate-limit-reset'];
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 5_000;
/** Epoch seconds after this are a time, not a wait (ky's own threshold). */
const EPOCH_THRESHOLD_MS = Date.parse('2024-01-01');

/**
 * POSTs `init` to `url` through ky: each attempt (headers and body) bounded by `timeoutMs`, up to
 * `retries` retries after network errors, 408, 429 and 5xx, exponential backoff with 50-100 % jitter
 * (500 ms, 1 s, ... at most 5 s), or the wait a 429/503 names (`Retry-After`, `X-RateLimit-Reset`), at
 * most `maxRetryAfterMs`. Timeouts and aborts are not retried.
 * @throws {StatusError} for the last non-2xx answer; {AttemptTimeoutError}; the fetch's own error (a
 *   network failure), or `signal`'s reason once it aborts.
 */
export async function post(url: string, init: RequestInit, settings: PostSettings): Promise<Answer> {
  const body = new BodyReader(settings);
  // The call's own signal (it follows `settings.signal`), ended with the call: see `release`.
  const ended = abortion(settings.signal);
  try {
    const call = ky.post(url, { ...init, fetch: body.fetch, signal: ended.signal, timeout: settings.timeoutMs, retry: retryOptions(settings) });
    const response = await Promise.race([settled(call), ended.promise]);
    return { response, text: body.text };
  } catch (error) {
    throw settings.signal.aborted ? settings.signal.reason : transportError(error, body);
  } finally {
    ended.release();
  }
}

/** ky's retry settings for the client's `retries` and `maxRetryAfterMs`. */
function retryOptions(settings: PostSettings): RetryOptions {
  return {
    limit: settings.retries,
    methods: ['post'],
    statusCodes: RETRY_STATUS,
    afterStatusCodes: WAIT_STATUS,
    maxRetryAfter: settings.maxRetryAfterMs,
    delay: (attempt) => BASE_DELAY_MS * 2 ** (attempt - 1),
    // 50-100 % of the backoff: spreads clients apart without ever retrying at once.
    jitter: (delay) => delay * (0.5 + Math.random() * 0.5),
    backoffLimit: MAX_BACKOFF_MS,
    shouldRetry: ({ error }) => (hasUnusableWait(error) ? true : undefined),
  };
}

/**
 * A 429/503 whose wait header is there but names no wait still to come (garbage, or a time already
 * past): ky would wait `maxRetryAfter` for garbage and not at all for the past. The backoff is used
 * instead (`true`: ky retries after its jittered delay).
 */
function hasUnusableWait(error: Error): boolean {
  if (!(error instanceof HTTPError) || !WAIT_STATUS.includes(error.response.status)) return false;
  const named = WAIT_HEADERS.map((name) => error.response.headers.get(name)).find((value) => value);
  return named !== undefined && named !== null && !(namedWait(named) > 0);
}

/** Seconds, an HTTP date, or epoch seconds, as a wait in milliseconds (as ky reads them); NaN for anything else. */
function namedWait(value: string): number {
  const seconds = Number(value) * 1000;
  if (Number.isNaN(seconds)) return Date.parse(value) - Date.now();
  return seconds >= EPOCH_THRESHOLD_MS ? seconds - Date.now() : seconds;
}

/** ky's errors in this transport's terms: a status, a timeout, or the fetch's own error as it was. */
function transportError(error: unknown, body: BodyReader): unknown {
  if (error instanceof HTTPError) {
    void error.response.body?.cancel().catch(() => undefined);
    return new StatusError({ response: error.response, text: body.text });
  }
  return error instanceof TimeoutError ? new AttemptTimeoutError(error.message) : error;
}

/**
 * ky's `fetch`: each attempt's fetch with its body read inside it, under `maxBodyBytes` (the text of the
 * last attempt is `text`). ky's timeout then bounds the headers and the body alike, and a body that fails
 * as it is read is retried as a failed fetch. ky is handed the answer with its body already read, which it
 * does not read again: read in an `afterResponse` hook instead, the body cost a clone (a tee of its stream)
 * and two cancels, on a cold page some of the milliseconds figure 9 of `npm run bench` times.
 */
class BodyReader {
  text: string | undefined;

  constructor(private readonly settings: PostSettings) {}

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await (this.settings.fetch ? this.settings.fetch(input, init) : globalThis.fetch(input, init));
    // ky sends a Request that carries the signal: the caller's, and ky's own timeout's.
    this.text = await boundedText(response, this.settings.maxBodyBytes, input instanceof Request ? input.signal : (init?.signal ?? undefined));
    // Handed on as it came, its body read: ky reads none (no hooks). A copy (`new Response`) would throw on
    // what Node's fetch passes on and the constructor refuses: status 0 or past 599, a reason phrase with
    // control characters or characters past Latin-1 (Node decodes it as UTF-8).
    return response;
  };
}

/**
 * A promise that rejects once `signal` aborts (with its reason), and a signal that follows it;
 * `release()` stops following and aborts that signal: it is handed to ky, which combines it with its
 * own (`AbortSignal.any`), and the `Request` it builds listens on the combination. Node keeps a combined
 * signal with a listener in a process-wide set until the listener goes, and undici removes its listener
 * only when a finalizer sees the `Request` collected (a GC, a task, another GC): about 1.7 KB per request
 * held after the call (nodejs/node#55328). Aborting the signal once the call is over (the body read or
 * cancelled, nothing left to abort) takes the listener off at once, as MDN's `AbortSignal.any()` page
 * advises for a short-lived controller.
 */
function abortion(signal: AbortSignal) {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const promise = new Promise<never>((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  // Nobody may be listening when it is released: never an unhandled rejection.
  promise.catch(() => undefined);
  return {
    promise,
    signal: controller.signal,
    release() {
      signal.removeEventListener('abort', onAbort);
      controller.abort(new Error('the call is over'));
    },
  };
}

/** `promise`, handled: when it loses a race its later rejection is not an unhandled one. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
