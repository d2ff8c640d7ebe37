// The one HTTP call's transport: a POST with a timeout per attempt (the body read included), retries
// after passing failures with backoff, jitter and `Retry-After`, and a bounded body. It does for this SDK
// what ky 1.7.5 did, with the same rules, in a tenth of its bytes: ky was 2.8 KB of the 7 KB core script
// build, for hooks, JSON helpers, search params and progress events this SDK never used (README "Bundles").

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
const RETRY_STATUS = (status: number) => status === 408 || status === 429 || (status >= 500 && status < 600);
/** Where the server says when to come back: only on 429 and 503. */
const WAIT_HEADERS = ['retry-after', 'ratelimit-reset', 'x-ratelimit-reset', 'x-rate-limit-reset'];
const BASE_DELAY_MS = 500;
const MAX_BACKOFF_MS = 5_000;
/** Epoch seconds after this are a time, not a wait (as ky judged `X-RateLimit-Reset`). */
const EPOCH_THRESHOLD_MS = Date.parse('2024-01-01');

/**
 * POSTs `init` to `url`: each attempt bounded by `timeoutMs`, up to `retries` retries after network
 * errors, 408, 429 and 5xx, exponential backoff with 50-100 % jitter (500 ms, 1 s, ... at most 5 s), or the
 * wait a 429/503 names (`Retry-After`, `X-RateLimit-Reset`), at most `maxRetryAfterMs`.
 * @throws {StatusError} for the last non-2xx answer; {AttemptTimeoutError}; the fetch's own error (a
 *   network failure, or an abort by `signal`).
 */
export async function post(url: string, init: RequestInit, settings: PostSettings): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      const answer = await attemptOnce(url, init, settings);
      if (answer.response.ok) return answer;
      failure = new StatusError(answer);
    } catch (error) {
      if (error instanceof AttemptTimeoutError || settings.signal.aborted) throw error;
      failure = error;
    }
    const wait = retryDelay(failure, attempt, settings);
    if (wait === undefined || attempt > settings.retries) throw failure;
    await sleep(wait, settings.signal);
  }
}

/** How long to wait before attempt `attempt + 1`, or `undefined` when the failure is not passing. */
function retryDelay(failure: unknown, attempt: number, settings: PostSettings): number | undefined {
  if (failure instanceof StatusError) {
    const { status, headers } = failure.answer.response;
    if (!RETRY_STATUS(status)) return undefined;
    const named = status === 429 || status === 503 ? WAIT_HEADERS.map((name) => headers.get(name)).find((value) => value) : undefined;
    if (named) return Math.min(namedWait(named), settings.maxRetryAfterMs);
  }
  // Exponential, with 50-100 % jitter: spreads clients apart without ever retrying at once.
  return Math.min(MAX_BACKOFF_MS, BASE_DELAY_MS * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5));
}

/** Seconds, an HTTP date, or epoch seconds, as a wait in milliseconds. */
function namedWait(value: string): number {
  const seconds = Number(value) * 1000;
  if (Number.isNaN(seconds)) return Date.parse(value) - Date.now();
  return seconds >= EPOCH_THRESHOLD_MS ? seconds - Date.now() : seconds;
}

/**
 * One attempt: the request and its body, within `timeoutMs`, ended at once by `signal`. The attempt
 * races its own abort: a body that stalls (or a `fetch` that ignores the signal) cannot hold it longer.
 */
async function attemptOnce(url: string, init: RequestInit, settings: PostSettings): Promise<Answer> {
  const controller = new AbortController();
  const timedOut = new AttemptTimeoutError(`POST ${url} timed out`);
  const onAbort = () => controller.abort(settings.signal.reason);
  settings.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(timedOut), settings.timeoutMs);
  const ended = new Promise<never>((_resolve, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  try {
    return await Promise.race([answerOf(url, init, settings, controller.signal), ended]);
  } catch (error) {
    throw controller.signal.reason === timedOut ? timedOut : error;
  } finally {
    clearTimeout(timer);
    settings.signal.removeEventListener('abort', onAbort);
  }
}

async function answerOf(url: string, init: RequestInit, settings: PostSettings, signal: AbortSignal): Promise<Answer> {
  const response = await (settings.fetch ?? globalThis.fetch)(url, { ...init, signal });
  return { response, text: await readBounded(response, settings.maxBodyBytes, signal) };
}

/** The body as text, read until its end or past `limit` bytes (then cancelled: `undefined`); `signal` cancels it. */
async function readBounded(response: Response, limit: number, signal: AbortSignal): Promise<string | undefined> {
  const reader = response.body?.getReader();
  signal.addEventListener('abort', () => void reader?.cancel().catch(() => undefined), { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
    size += next.value.byteLength;
    if (size > limit) {
      void reader?.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(size);
  chunks.reduce((offset, chunk) => (bytes.set(chunk, offset), offset + chunk.byteLength), 0);
  return new TextDecoder().decode(bytes);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
