// The transport's per-call state ends with the call: the signal it hands ky (which ky combines with its
// own through AbortSignal.any, and on which the Request ky builds listens) is aborted once the call is
// over, so Node's set of combined signals with listeners does not hold one per request until undici's
// finalizer runs. Found by heap snapshots: a client capped at maxEntries 10,000 grew 13 KB per user.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../../src/index';
import { awsResult } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { retention } from '../../support/retention';
import { makeIdToken } from '../../support/tokens';

const USERS = 1_000;
const MAX_ENTRIES = 100;

/** An endpoint that answers at once (no task between requests), and records each request's signal. */
function instantFetch(seen: AbortSignal[] = []): typeof fetch {
  return (input) => {
    if (input instanceof Request) seen.push(input.signal);
    return Promise.resolve(Response.json(awsResult(Date.now()), { headers: { date: new Date().toUTCString() } }));
  };
}

const realAny = AbortSignal.any.bind(AbortSignal);
afterEach(() => void (AbortSignal.any = realAny));

/**
 * Every signal `AbortSignal.any` combines during the test (ky makes one per request), kept weakly: not
 * through vi.spyOn, whose record of results would hold them all.
 */
function combinedSignals() {
  const made = retention();
  const live: WeakRef<AbortSignal>[] = [];
  AbortSignal.any = (signals) => {
    const combined = made.track(realAny(signals));
    live.push(new WeakRef(combined));
    return combined;
  };
  return { made, listening: () => live.filter((ref) => ref.deref()?.aborted === false).length };
}

async function addUsers(client: DelegationClient, count: number): Promise<void> {
  await Promise.all(Array.from({ length: count }, (_, index) => client.getCredentials({ idToken: makeIdToken({ sub: `auth0|user${index}` }) })));
}

describe('post: what a call leaves behind', () => {
  it(`${USERS} users through a client capped at ${MAX_ENTRIES}: every combined signal is over once its call is, and none is retained`, async () => {
    const signals = combinedSignals();
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch: instantFetch(), maxEntries: MAX_ENTRIES, shareAcrossTabs: false });
    await addUsers(client, USERS);
    expect(signals.made.tracked).toBe(USERS);
    expect(signals.listening()).toBe(0);
    // Before the fix: all 1,000 (Node holds a combined signal with a listener until the listener goes).
    expect(await signals.made.alive({ endJob: true })).toBe(0);
  });

  it('control: in the job that made them, every combined signal is still held (what a heap read inside one job counts)', async () => {
    const signals = combinedSignals();
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch: instantFetch(), maxEntries: MAX_ENTRIES, shareAcrossTabs: false });
    await addUsers(client, USERS);
    expect(await signals.made.alive({ endJob: false })).toBe(USERS);
  });

  it('control: a call still in flight keeps its signal listening, and a caller that aborts still aborts the request', async () => {
    const signals = combinedSignals();
    const seen: AbortSignal[] = [];
    let answer: (response: Response) => void = () => undefined;
    const fetch: typeof globalThis.fetch = (input) => {
      if (input instanceof Request) seen.push(input.signal);
      return new Promise((resolve) => (answer = resolve));
    };
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch, maxEntries: MAX_ENTRIES, shareAcrossTabs: false });
    const controller = new AbortController();
    const pending = client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|alice' }), signal: controller.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1), UNTIL_HUNG);
    expect([signals.listening(), seen[0]?.aborted]).toEqual([1, false]);
    controller.abort(new Error('page left'));
    await expect(pending).rejects.toMatchObject({ code: 'aborted' });
    expect([signals.listening(), seen[0]?.aborted]).toEqual([0, true]);
    answer(Response.json(awsResult(Date.now())));
  });

  it('a call that answers is not cut short: the body is read before its signal ends', async () => {
    const seen: AbortSignal[] = [];
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch: instantFetch(seen), shareAcrossTabs: false });
    const credentials = await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob' }) });
    expect(credentials.accessKeyId).toBe('ASIAEXAMPLEKEY000001');
    // Ended once the call was over (what releases it), not before: the answer above was read whole.
    expect(seen.map((signal) => signal.aborted)).toEqual([true]);
  });

  it('a retry (503, then 200) sends its second attempt on a live signal, and answers with the 200\'s body; both end with the call', async () => {
    const seen: { signal: AbortSignal; abortedAtSend: boolean }[] = [];
    const fetch: typeof globalThis.fetch = (input) => {
      const { signal } = input as Request;
      seen.push({ signal, abortedAtSend: signal.aborted });
      return Promise.resolve(seen.length === 1
        ? new Response('{"error":"unavailable"}', { status: 503 })
        : Response.json(awsResult(Date.now()), { headers: { date: new Date().toUTCString() } }));
    };
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch, retries: 1, shareAcrossTabs: false });
    expect((await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob' }) })).accessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(seen.map(({ abortedAtSend, signal }) => [abortedAtSend, signal.aborted])).toEqual([[false, true], [false, true]]);
  });

  it('control: 503 twice is server_error (not aborted) though its signal was ended after the call', async () => {
    const seen: AbortSignal[] = [];
    const fetch: typeof globalThis.fetch = (input) => {
      seen.push((input as Request).signal);
      return Promise.resolve(new Response('Service Unavailable', { status: 503 }));
    };
    const client = new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', fetch, retries: 1, shareAcrossTabs: false });
    await expect(client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob' }) })).rejects.toMatchObject({ code: 'server_error', status: 503 });
    expect(seen.map((signal) => signal.aborted)).toEqual([true, true]);
  });
});
