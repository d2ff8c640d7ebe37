// Issue 16, point 2: a cache that scales. O(1) stores (Map order is recency), stale entries swept by an
// unref'd timer within one refresh window without waiting for a miss, an LRU bound, and hits that do
// not decode the token.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SingleFlightCache, cacheLimits } from '../../../src/cache/single-flight';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, perUserResult } from '../../support/delegation-endpoint';
import { retention } from '../../support/retention';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const tokenOf = (sub: string, exp = FAR_EXP) => makeIdToken({ sub, exp });
const loaded = (value: string, freshUntil: number, expiresAt = freshUntil + 600_000) => () => Promise.resolve({ value, freshUntil, expiresAt });

afterEach(() => vi.restoreAllMocks());

describe('SingleFlightCache limits', () => {
  it('keeps at most maxEntries, dropping the least recently used (a hit counts as a use)', async () => {
    const cache = new SingleFlightCache<string>(() => NOW, { maxEntries: 2, sweepIntervalMs: 600_000 });
    await cache.get('a', loaded('A', NOW + 1_000));
    await cache.get('b', loaded('B', NOW + 1_000));
    expect(cache.peek('a')).toBe('A');
    await cache.get('c', loaded('C', NOW + 1_000));
    expect([cache.peek('a'), cache.peek('b'), cache.peek('c'), cache.size]).toEqual(['A', undefined, 'C', 2]);
    cache.clear();
  });

  it('a hit writes no Map (issue 26: a delete and re-insert per hit slowed a 100,000-user Map 14x); a store does', async () => {
    const cache = new SingleFlightCache<string>(() => NOW, { maxEntries: 100, sweepIntervalMs: 600_000 });
    for (let index = 0; index < 100; index++) await cache.get(`user${index}`, loaded(`U${index}`, NOW + 1_000));
    const sets = vi.spyOn(Map.prototype, 'set');
    const deletes = vi.spyOn(Map.prototype, 'delete');
    for (let index = 99; index >= 0; index--) expect(cache.peek(`user${index}`)).toBe(`U${index}`);
    expect(await cache.get('user7', loaded('never', NOW + 1_000))).toBe('U7');
    expect([sets.mock.calls.length, deletes.mock.calls.length]).toEqual([0, 0]);
    // Control: a miss stores, and the bound evicts the least recently used: user99, used first above.
    await cache.get('new', loaded('N', NOW + 1_000));
    expect(sets).toHaveBeenCalled();
    expect([cache.peek('user99'), cache.peek('user98'), cache.peek('user0'), cache.size]).toEqual([undefined, 'U98', 'U0', 100]);
    cache.clear();
  });

  it('sweeps entries that are no longer fresh within one sweep interval, with no miss, then stops its timer', async () => {
    vi.useFakeTimers({ now: NOW });
    let now = NOW;
    const cache = new SingleFlightCache<string>(() => now, cacheLimits({ maxEntries: 100, refreshWindowMs: 600_000 }));
    await cache.get('short', loaded('S', NOW + 60_000));
    await cache.get('long', loaded('L', NOW + 1_500_000));
    expect(vi.getTimerCount()).toBe(1);
    now = NOW + 600_000;
    await vi.advanceTimersByTimeAsync(600_000);
    expect([cache.size, cache.peek('long')]).toEqual([1, 'L']);
    now = NOW + 1_800_000;
    await vi.advanceTimersByTimeAsync(1_200_000);
    expect([cache.size, vi.getTimerCount()]).toEqual([0, 0]);
  });

  it('its sweep timer does not keep Node alive, and clear() stops it', async () => {
    const timeouts = vi.spyOn(globalThis, 'setTimeout');
    const cache = new SingleFlightCache<string>(() => Date.now(), cacheLimits({ maxEntries: 10, refreshWindowMs: 0 }));
    await cache.get('a', loaded('A', Date.now() + 60_000));
    const timer = timeouts.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(timeouts.mock.calls.at(-1)?.[1]).toBe(1_000);
    expect(timer.hasRef()).toBe(false);
    const clears = vi.spyOn(globalThis, 'clearTimeout');
    cache.clear();
    expect(clears).toHaveBeenCalledWith(timer);
  });

  it('an evicted entry leaves memory: 2,000 users through maxEntries 100 leave 100 values held (nothing else keeps them)', async () => {
    const held = await valuesHeldAfter(2_000, 100);
    expect([held.tracked, held.alive]).toEqual([2_000, 100]);
  });

  it('control: with a bound above the users, every value is held (the count sees what the cache keeps)', async () => {
    const held = await valuesHeldAfter(2_000, 1_000_000);
    expect([held.tracked, held.alive]).toEqual([2_000, 2_000]);
  });

  it('negative control: without a sweep, a stale entry would still be held (the sweep is what drops it)', async () => {
    vi.useFakeTimers({ now: NOW });
    let now = NOW;
    const cache = new SingleFlightCache<string>(() => now, cacheLimits({ maxEntries: 100, refreshWindowMs: 600_000 }));
    await cache.get('short', loaded('S', NOW + 60_000));
    now = NOW + 120_000;
    await vi.advanceTimersByTimeAsync(120_000);
    expect([cache.size, cache.peek('short')]).toEqual([1, undefined]);
    cache.clear();
  });
});

/** Loads `users` keys into a cache of `maxEntries` (values tracked weakly) and counts the values a full GC leaves. */
async function valuesHeldAfter(users: number, maxEntries: number): Promise<{ tracked: number; alive: number }> {
  const values = retention();
  const cache = new SingleFlightCache<object>(() => NOW, { maxEntries, sweepIntervalMs: 600_000 });
  for (let index = 0; index < users; index++) {
    await cache.get(`user${index}`, () => Promise.resolve({ value: values.track({ index }), freshUntil: NOW + 1_000, expiresAt: NOW + 2_000 }));
  }
  const alive = await values.alive({ endJob: true });
  cache.clear();
  return { tracked: values.tracked, alive };
}

describe('DelegationClient with many users', () => {
  it('maxEntries bounds the client: the least recently used user asks again, the others are served from memory', async () => {
    const endpoint = delegationEndpoint((request) => perUserResult(request));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, maxEntries: 2, shareAcrossTabs: false });
    const [alice, bob, carol] = ['auth0|alice', 'auth0|bob', 'auth0|carol'].map((sub) => tokenOf(sub));
    for (const idToken of [alice, bob, alice, carol, alice, carol]) await client.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(3);
    await client.getCredentials({ idToken: bob });
    expect(endpoint.requests).toHaveLength(4);
    client.clearCache();
  });

  it('refuses a bad maxEntries, naming it', () => {
    for (const maxEntries of [0, 1.5, -1, Number.NaN]) {
      expect(() => new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, maxEntries })).toThrow(expect.objectContaining({ code: 'invalid_configuration', message: expect.stringContaining('"maxEntries"') }));
    }
  });

  it('a hit for any of many users decodes no token (alternating users)', async () => {
    server.use(delegationEndpoint((request) => perUserResult(request)).handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, shareAcrossTabs: false });
    const tokens = Array.from({ length: 50 }, (_, index) => tokenOf(`auth0|user${index}`));
    for (const idToken of tokens) await client.getCredentials({ idToken });
    const decodes = vi.spyOn(globalThis, 'atob');
    for (let round = 0; round < 3; round++) for (const idToken of tokens) await client.getCredentials({ idToken });
    expect(decodes).not.toHaveBeenCalled();
    // Control: a token the cache has not seen is decoded (the pre-check before anything is sent).
    await client.getCredentials({ idToken: tokenOf('auth0|new') });
    expect(decodes).toHaveBeenCalled();
    client.clearCache();
  });

  it('a hit still refuses an ID token that has expired since (id_token_expired), without a request', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const endpoint = delegationEndpoint((request) => perUserResult(request));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, shareAcrossTabs: false });
    const idToken = tokenOf('auth0|alice', NOW / 1000 + 60);
    await client.getCredentials({ idToken });
    vi.setSystemTime(NOW + 61_000);
    const decodes = vi.spyOn(globalThis, 'atob');
    await expect(client.getCredentials({ idToken })).rejects.toMatchObject({ code: 'id_token_expired' });
    expect(decodes).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(1);
    client.clearCache();
  });
});
