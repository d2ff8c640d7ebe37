// Fake time that does not race real I/O. `vi.runAllTimersAsync()` returns as soon as no fake timer is
// pending; on a loaded machine the code under test may still be waiting on real I/O (msw's interceptor,
// a lazy import, the AWS SDK reading a body) before it sets the timer the test means to run, and the
// test then waits forever on a timer nobody moves. These helpers keep moving fake time until the call
// settles, yielding to real I/O in between.
import { vi } from 'vitest';

// Captured when this module loads, before any test fakes timers: the real event loop's own.
const realSetTimeout = globalThis.setTimeout;

/**
 * Runs fake timers until `promise` settles, however long real I/O between its timers takes; resolves to
 * its value or rejects with its error. A call that never settles ends with the test's own timeout.
 * @example const error = await settleOnFakeTime(client.getCredentials({ idToken }).catch((e) => e));
 */
export async function settleOnFakeTime<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  void promise.then(() => (settled = true), () => (settled = true));
  for (;;) {
    await vi.runAllTimersAsync();
    if (settled) return promise;
    // Not a decision on speed: a poll that lets real I/O (and the timers it sets) happen.
    await new Promise((resolve) => realSetTimeout(resolve, 1));
    if (settled) return promise;
  }
}

/**
 * Waits on the real event loop until `condition()` holds (e.g. the code under test has called the
 * function after which it starts a timer), so fake time moves only once that timer exists.
 */
export async function untilOnRealTime(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => realSetTimeout(resolve, 1));
}

/**
 * Options for `vi.waitFor` that bound a hang only. Its own default (1 s) is a bet on how fast a loaded
 * machine gets there (a request through msw, a lock granted); this one is shorter than the node budget,
 * so a real hang still fails with what was awaited rather than the test's bare timeout.
 * @example await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1), UNTIL_HUNG);
 */
export const UNTIL_HUNG = { timeout: 30_000 } as const;
