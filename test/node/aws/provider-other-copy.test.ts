// fromDelegation given a client made by another copy of this SDK (a page that loads the S3 script build
// and also bundles the npm entry, two installed versions): the provider reached no view of such a client
// (its key was a module-local Symbol), so a refused key was forgotten with all the rest, by
// `clearCache()`: a sign-out in every tab (`clear` on the channel, `onClearedInAnotherTab` there), and
// every other user of the client paid a new request. The view is now keyed by a registry symbol with a
// version suffix: a client of another copy of the same shape forgets only the refused key. A client-like
// object with no view (or a view of another version) still has everything cleared when it served the
// refused key again: nothing else can reach its cache.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { PROVIDER_VIEW } from '../../../src/client';
import type { ProviderView } from '../../../src/client';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const bob = makeIdToken({ sub: 'auth0|bob', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

type Sdk = typeof import('../../../src/index');
/** A second copy of the SDK: every src module evaluated again, as a second bundle would be. */
let copyB: Sdk;

beforeAll(async () => {
  vi.resetModules();
  copyB = await import('../../../src/index');
});

afterEach(() => vi.unstubAllGlobals());

it('the second copy is another module instance (its own DelegationClient class), and the view key is a registry symbol with a version', () => {
  expect(copyB.DelegationClient).not.toBe(DelegationClient);
  expect(copyB.fromDelegation).not.toBe(fromDelegation);
  expect(Symbol.keyFor(PROVIDER_VIEW)).toMatch(/^auth0-aws-delegation\/provider-view@\d+$/);
});

it('the view under @1 has the shape @1 names (a tripwire: change the suffix with the shape, see PROVIDER_VIEW)', () => {
  const view = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, shareAcrossTabs: false })[PROVIDER_VIEW]();
  expect(Symbol.keyFor(PROVIDER_VIEW)).toBe('auth0-aws-delegation/provider-view@1');
  expect(Object.keys(view).sort()).toEqual(['clears', 'drop', 'generation', 'now', 'refused', 'timeoutMs']);
  expect(Object.entries(view).map(([key, value]) => [key, typeof value])).toEqual([['clears', 'number'], ['generation', 'number'], ['timeoutMs', 'number'], ['now', 'function'], ['drop', 'function'], ['refused', 'function']]);
  // drop() returns nothing, refused() a boolean: no value of the cache leaves through the view.
  expect(view.drop({ idToken: alice }, 'ASIANOTHELD', false)).toBeUndefined();
  expect([view.refused('ASIANOTHELD'), view.refused('ASIAOTHER')]).toEqual([true, false]);
});

describe('a provider of copy A, a client of copy B (shared across tabs)', () => {
  /** Copy B's client in this tab with Alice's and Bob's keys, another tab listening; copy A's provider for Alice. */
  async function setUp() {
    const tabs = installTabs();
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const signedOutElsewhere = vi.fn();
    const client = new copyB.DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
    new copyB.DelegationClient({ clientID, domain: DOMAIN, retries: 0, onClearedInAnotherTab: signedOutElsewhere });
    await tabs.opened(2);
    const clearCache = vi.spyOn(client, 'clearCache');
    const provider = fromDelegation(client, { idToken: alice });
    expect((await provider()).accessKeyId).toBe('ASIAKEY0001');
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    await tabs.answered(2);
    return { tabs, endpoint, client, clearCache, signedOutElsewhere, provider };
  }

  it('a refusal drops Alice\'s key alone: Bob\'s stays served with no request, nobody is signed out', async () => {
    const { tabs, endpoint, client, clearCache, signedOutElsewhere, provider } = await setUp();
    expect((await provider({ rejectedAccessKeyId: 'ASIAKEY0001' })).accessKeyId).toBe('ASIAKEY0003');
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(3);
    await tabs.settled();
    expect(clearCache).not.toHaveBeenCalled();
    expect(signedOutElsewhere).not.toHaveBeenCalled();
    const types = tabs.posted.map(({ data }) => (data as { type: string }).type);
    expect(types).not.toContain('clear');
    expect(tabs.posted.map(({ data }) => data)).toContainEqual({ type: 'drop', accessKeyId: 'ASIAKEY0001' });
  });

  it('the provider reads copy B\'s view: its fast path (no request), the refused set, and a clearCache() there (cache_cleared)', async () => {
    const { endpoint, client, provider } = await setUp();
    await provider({ rejectedAccessKeyId: 'ASIAKEY0001' });
    const served = vi.spyOn(client, 'getCredentials');
    expect((await provider()).accessKeyId).toBe('ASIAKEY0003');
    // The fast path: the client was not asked (without a view the generation is NaN and it always is).
    expect(served).not.toHaveBeenCalled();
    expect(client[PROVIDER_VIEW]().refused('ASIAKEY0001')).toBe(true);
    // A sign-out in copy B while a request waits for its token: copy A's provider sees it.
    let answer!: (token: string) => void;
    const waiting = fromDelegation(client, { idToken: () => new Promise<string>((resolve) => (answer = resolve)) })();
    client.clearCache();
    answer(alice);
    await expect(waiting).rejects.toMatchObject({ code: 'cache_cleared' });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('control, the same refusal with copy B\'s own provider: the same outcome (per key, no sign-out)', async () => {
    const { tabs, endpoint, client, clearCache, signedOutElsewhere } = await setUp();
    const own = copyB.fromDelegation(client, { idToken: alice });
    expect((await own({ rejectedAccessKeyId: 'ASIAKEY0001' })).accessKeyId).toBe('ASIAKEY0003');
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(3);
    await tabs.settled();
    expect([clearCache.mock.calls.length, signedOutElsewhere.mock.calls.length]).toEqual([0, 0]);
  });
});

describe('a client-like object with no view of this version: everything is cleared when it serves the refused key again', () => {
  /** What fromDelegation meets: the public methods of a real client (this tab's cache), and `extra` keys. */
  async function clientLike(extra: object = {}) {
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0 });
    const clearCache = vi.fn(() => client.clearCache());
    const foreign = { getCredentials: client.getCredentials.bind(client), clearCache, ...extra } as unknown as DelegationClient;
    const { accessKeyId: refused } = await client.getCredentials({ idToken: alice });
    return { endpoint, client, clearCache, foreign, refused };
  }

  it('no view at all (a hand-made object, an older copy): refused keys still dropped, with the rest (clearCache)', async () => {
    const { endpoint, client, clearCache, foreign, refused } = await clientLike();
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    const provider = fromDelegation(foreign, { idToken: alice });
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0003');
    expect(clearCache).toHaveBeenCalledTimes(1);
    // With the rest: Bob's keys went too.
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0004');
    expect(endpoint.requests).toHaveLength(4);
  });

  it('control, no view and the refused key no longer served (already replaced): nothing cleared', async () => {
    const { endpoint, client, clearCache, foreign, refused } = await clientLike();
    client.clearCache();
    const provider = fromDelegation(foreign, { idToken: alice });
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0002');
    expect(clearCache).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a view under another version\'s key is not used: its drop is never called, clearCache is', async () => {
    const otherVersion = Symbol.for(Symbol.keyFor(PROVIDER_VIEW)!.replace(/@\d+$/, '@999'));
    const drop = vi.fn();
    const view: ProviderView = { clears: 0, generation: 0, timeoutMs: 10_000, now: Date.now, drop, refused: () => false };
    const { endpoint, clearCache, foreign, refused } = await clientLike({ [otherVersion]: () => view });
    const provider = fromDelegation(foreign, { idToken: alice });
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0002');
    expect(drop).not.toHaveBeenCalled();
    expect(clearCache).toHaveBeenCalledTimes(1);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('control: the same view under this version\'s key is used (its drop, no clearCache)', async () => {
    const drop = vi.fn();
    const view: ProviderView = { clears: 0, generation: 0, timeoutMs: 10_000, now: Date.now, drop, refused: () => false };
    const { clearCache, foreign, refused } = await clientLike({ [PROVIDER_VIEW]: () => view });
    const provider = fromDelegation(foreign, { idToken: alice });
    // This view cannot reach the cache it names: the client serves the refused key again; drop is told so.
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe(refused);
    expect(drop.mock.calls.map(([, id, held]) => [id, held])).toEqual([[refused, false], [refused, true]]);
    expect(clearCache).not.toHaveBeenCalled();
  });
});
