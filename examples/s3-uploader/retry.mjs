// Retrying one upload request (a part, or a small file's PUT) with exponential backoff: 0.5 s, 1 s, 2 s
// (each with jitter), four tries in all. Only what may succeed next time is retried: a dropped
// connection, a 5xx, S3's SlowDown. The AWS SDK retries too (its standard mode), but not a dropped
// connection in every browser; this loop treats the request as a whole. A pause or cancel (`signal`)
// ends the wait at once.

const TRIES = 4;
const BASE_MS = 500;

/** Whether trying the same request again may work. */
export function isTransient(error) {
  const status = error?.$metadata?.httpStatusCode;
  if (error?.name === 'AbortError') return false;
  if (status >= 500 || error?.name === 'SlowDown' || error?.name === 'RequestTimeout') return true;
  // fetch fails with a TypeError when the connection drops ("Failed to fetch", "Load failed", ...).
  return status === undefined && (error instanceof TypeError || error?.name === 'TypeError');
}

/** Calls `attempt` until it succeeds, fails for good, or `signal` aborts. */
export async function withRetries(attempt, signal) {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted || tries >= TRIES || !isTransient(error)) throw error;
      await delay(BASE_MS * 2 ** (tries - 1) * (0.75 + Math.random() / 2), signal);
    }
  }
}

function delay(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
