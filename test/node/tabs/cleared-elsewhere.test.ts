// Issue 23: a sign-out in one tab signs the SDK out in every tab of the app. `clearCache()` in one tab
// already clears every tab's credentials; `onClearedInAnotherTab` tells the other tabs' pages, which still
// hold the user's token (auth0-spa-js keeps its tokens per tab) and must sign out too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation, isDelegationError, uppyCredentials } from '../../../src/index';
import { CLIENT_ID, DOMAIN, SECRET_ACCESS_KEY, SESSION_TOKEN, awsResult, delegationEndpoint, jsonResponse, numberedAnswer } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

/** `client` clears, and the clear has reached the other tabs (the next delivery after it). */
async function clearDelivered(tabs: ReturnType<typeof installTabs>, client: DelegationClient) {
  const before = tabs.delivered.length;
  client.clearCache();
  await tabs.until(() => tabs.delivered.length > before);
}

/** The issuer's answers wait on `passed()`; `hold()` keeps the next ones back until the function it returns is called. */
function answerGate() {
  let gate: Promise<void> | undefined;
  const hold = () => {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    return release;
  };
  return { passed: () => gate, hold };
}

/** How many clears the tabs posted so far. */
const clearsPostedIn = (tabs: ReturnType<typeof installTabs>) => tabs.posted.filter(({ data }) => (data as { type?: string }).type === 'clear').length;

afterEach(() => vi.unstubAllGlobals());

/** Two tabs' clients, a callback each (b's also runs `onB`, a's `onA`), both holding the same credentials: one request. */
async function twoTabs(onB: (b: DelegationClient) => void = () => undefined, onA: (a: DelegationClient) => void = () => undefined) {
  const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
  server.use(endpoint.handler);
  const tabs = installTabs();
  const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
  const heard = { a: 0, b: 0 };
  const a: DelegationClient = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => (heard.a++, onA(a)) });
  const b: DelegationClient = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => (heard.b++, onB(b)) });
  await tabs.opened(2);
  await a.getCredentials({ idToken });
  await tabs.answered();
  await b.getCredentials({ idToken });
  expect(endpoint.requests).toHaveLength(1);
  /** a clears, and the clear has reached b. */
  const clearInA = () => clearDelivered(tabs, a);
  /** How many clears were posted, once every message posted has been delivered. */
  const clearsPosted = async () => {
    await tabs.settled();
    return clearsPostedIn(tabs);
  };
  return { endpoint, heard, b, clearInA, clearsPosted };
}

describe('onClearedInAnotherTab', () => {
  it('is called in the other tab when one tab clears, and not in the tab that cleared (control)', async () => {
    const { heard, clearInA } = await twoTabs();
    await clearInA();
    expect(heard).toEqual({ a: 0, b: 1 });
  });

  it('is called once this tab forgot: credentials asked for from the callback come from a new request', async () => {
    let asked: Promise<unknown> | undefined;
    const { endpoint, clearInA } = await twoTabs((b) => (asked = b.getCredentials({ idToken })));
    await clearInA();
    await asked;
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a callback that throws is reported, and the clear stands', async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const failure = new Error('the page\'s own bug');
    const { endpoint, b, clearInA } = await twoTabs(() => {
      throw failure;
    });
    await clearInA();
    expect(reported).toHaveBeenCalledWith(failure);
    await b.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('is not called when a tab drops a key S3 refused (not a sign-out): the other tab forgets that key and stays signed in', async () => {
    const endpoint = delegationEndpoint((_request, attempt) => jsonResponse(awsResult(Date.now(), 3_600_000, {
      Credentials: { AccessKeyId: `ASIAKEY${attempt}`, SecretAccessKey: SECRET_ACCESS_KEY, SessionToken: SESSION_TOKEN, Expiration: new Date(Date.now() + 3_600_000).toISOString() },
    })));
    server.use(endpoint.handler);
    const tabs = installTabs();
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const heard = { a: 0, b: 0 };
    const a = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => void heard.a++ });
    const b = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => void heard.b++ });
    await tabs.opened(2);
    const getCredentials = uppyCredentials(a, { idToken, region: 'us-east-1' });
    expect((await getCredentials()).credentials.accessKeyId).toBe('ASIAKEY1');
    await tabs.answered();
    expect((await b.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY1');
    // Uppy asks again: S3 refused ASIAKEY1 (ExpiredToken). Tab a drops it in every tab.
    const before = tabs.delivered.length;
    expect((await getCredentials()).credentials.accessKeyId).toBe('ASIAKEY2');
    await tabs.until(() => tabs.delivered.length > before);
    expect(heard).toEqual({ a: 0, b: 0 });
    // b no longer serves the refused key.
    expect((await b.getCredentials({ idToken })).accessKeyId).not.toBe('ASIAKEY1');
    // Control: a sign-out (clearCache) in a still reaches b.
    const cleared = tabs.delivered.length;
    a.clearCache();
    await tabs.until(() => tabs.delivered.length > cleared);
    expect(heard).toEqual({ a: 0, b: 1 });
  });

  it('must be a function (invalid_configuration, naming it)', () => {
    let error: unknown;
    try {
      new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, onClearedInAnotherTab: 'yes' as unknown as () => void });
    } catch (caught) {
      error = caught;
    }
    expect(isDelegationError(error) && error.code === 'invalid_configuration' && error.message.includes('onClearedInAnotherTab')).toBe(true);
  });
});

// A page that signs out when told another tab did, its sign-out calling clearCache() (as a sign-out
// button's does): that clear used to be sent to every tab again, whose pages signed out and sent it
// back, without end.
describe('clearCache() in a page told of another tab\'s clear', () => {
  const clears = (client: DelegationClient) => client.clearCache();
  it.each([
    ['at once, from the callback', clears],
    ['later (the sign-out awaits something first)', (client: DelegationClient) => void Promise.resolve().then(() => client.clearCache())],
  ])('%s: clears that tab only; one clear in all, each other page told once', async (_name, signOut) => {
    const { heard, clearInA, clearsPosted } = await twoTabs(signOut, signOut);
    await clearInA();
    expect(await clearsPosted()).toBe(1);
    expect(heard).toEqual({ a: 0, b: 1 });
  });

  it('control: a tab that asked for credentials since is signed in again: its clear reaches the others, and their echo stops there', async () => {
    let signedOut: Promise<void> | undefined;
    const { endpoint, heard, clearInA, clearsPosted } = await twoTabs(
      (b) => void (signedOut = b.getCredentials({ idToken }).then(() => b.clearCache())),
      clears,
    );
    await clearInA();
    await signedOut;
    expect(endpoint.requests).toHaveLength(2);
    expect(await clearsPosted()).toBe(2);
    expect(heard).toEqual({ a: 1, b: 1 });
  });
});

/**
 * Three tabs' clients of one application, none holding anything yet: `onCleared` is each one's
 * `onClearedInAnotherTab` after it is counted. Each request gets new credentials (ASIAKEY0001, ...);
 * `hold()` keeps the next ones back until it is released.
 */
async function threeTabs(onCleared: (client: DelegationClient) => void = () => undefined) {
  const { passed, hold } = answerGate();
  const endpoint = delegationEndpoint(async (_request, attempt) => (await passed(), numberedAnswer(attempt)));
  server.use(endpoint.handler);
  const tabs = installTabs();
  const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
  const heard = { a: 0, b: 0, c: 0 };
  const make = (tab: keyof typeof heard) => {
    const client: DelegationClient = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => (heard[tab]++, onCleared(client)) });
    return client;
  };
  const clients = { a: make('a'), b: make('b'), c: make('c') };
  await tabs.opened(3);
  /** `client` clears; every message posted has been delivered. */
  const clear = async (client: DelegationClient) => {
    client.clearCache();
    await tabs.settled();
  };
  const clearsPosted = () => clearsPostedIn(tabs);
  return { ...clients, tabs, endpoint, heard, hold, clear, clearsPosted };
}

describe('clearCache() in a page told of another tab\'s clear, with three tabs', () => {
  it.each([
    ['at once', (client: DelegationClient) => client.clearCache()],
    ['later', (client: DelegationClient) => void Promise.resolve().then(() => client.clearCache())],
  ])('two pages that sign out %s when told: one clear in all, each told once, the tab that cleared never', async (_name, signOut) => {
    const { a, b, c, tabs, heard, clear, clearsPosted } = await threeTabs(signOut);
    await Promise.all([a, b, c].map((client) => client.getCredentials({ idToken })));
    await tabs.answered(3);
    await clear(a);
    // The later sign-outs ran (a microtask after the callback); whatever they posted has been delivered.
    await tabs.settled();
    expect(clearsPosted()).toBe(1);
    expect(heard).toEqual({ a: 0, b: 1, c: 1 });
  });

  it('control: a page that asked for credentials since posts its clear; the others, told again, stop there', async () => {
    const { a, b, c, tabs, heard, clear, clearsPosted } = await threeTabs((client) => client.clearCache());
    await Promise.all([a, b, c].map((client) => client.getCredentials({ idToken })));
    await tabs.answered(3);
    await clear(a);
    await b.getCredentials({ idToken });
    await tabs.answered(4);
    await clear(b);
    expect(clearsPosted()).toBe(2);
    expect(heard).toEqual({ a: 1, b: 1, c: 2 });
  });

  // Every way of asking goes through the cache's get(), a provider's fast path too: it serves what it
  // remembers only while the cache's generation is unchanged, and a clear heard moves it.
  it.each([
    ['getDelegationToken', (client: DelegationClient) => () => client.getDelegationToken({ id_token: idToken, api: 'aws' }).then(({ Credentials }) => Credentials.AccessKeyId)],
    ['fromDelegation\'s provider', (client: DelegationClient) => {
      const provider = fromDelegation(client, { idToken: () => idToken });
      return () => provider().then(({ accessKeyId }) => accessKeyId);
    }],
    ['uppyCredentials', (client: DelegationClient) => {
      const getCredentials = uppyCredentials(client, { idToken, region: 'us-east-1' });
      return () => getCredentials().then(({ credentials }) => credentials.accessKeyId);
    }],
  ])('a page that asked since through %s posts its clear', async (_name, route) => {
    const { a, b, heard, clear, clearsPosted } = await threeTabs();
    const ask = route(b);
    expect(await ask()).toBe('ASIAKEY0001');
    await clear(a);
    expect(await ask()).toBe('ASIAKEY0002');
    await clear(b);
    expect(clearsPosted()).toBe(2);
    expect(heard).toEqual({ a: 1, b: 1, c: 2 });
  });

  // A request sent before the clear reached the tab answers its callers after it: stored nowhere, shared
  // with no tab, so a clear from that tab would have nothing to reach.
  it('a request in flight when the clear is heard answers its caller, and is held nowhere: the tab\'s own clear then stays in the tab', async () => {
    const { a, b, endpoint, hold, clear, clearsPosted } = await threeTabs();
    const release = hold();
    const late = b.getCredentials({ idToken });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1), UNTIL_HUNG);
    await clear(a);
    release();
    expect((await late).accessKeyId).toBe('ASIAKEY0001');
    await clear(b);
    expect(clearsPosted()).toBe(1);
    // Neither b (its cache) nor a (the answer was not shared) holds it: each asks the endpoint.
    expect((await b.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0002');
    await clear(b);
    expect((await a.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0003');
    // Control: b asked since, so that clear was posted.
    expect(clearsPosted()).toBe(2);
  });

  // The rule's other side (a choice, see TabCache.clear): a tab that has asked for nothing since a clear
  // reached it cannot tell its page's sign-out from an echo of that clear, and sends neither.
  it('a page that has asked for nothing since it was told does not clear a tab that got credentials after that clear', async () => {
    const { a, b, c, heard, clear, clearsPosted } = await threeTabs();
    await a.getCredentials({ idToken });
    await clear(a);
    expect((await c.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0002');
    await clear(b);
    expect(clearsPosted()).toBe(1);
    expect(heard).toEqual({ a: 0, b: 1, c: 1 });
    expect((await c.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0002');
  });

  it('control: once that page asked for credentials, its clear reaches the tab that got them', async () => {
    const { a, b, c, heard, clear, clearsPosted } = await threeTabs();
    await a.getCredentials({ idToken });
    await clear(a);
    expect((await c.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0002');
    await b.getCredentials({ idToken });
    await clear(b);
    expect(clearsPosted()).toBe(2);
    expect(heard).toEqual({ a: 1, b: 1, c: 2 });
    expect((await c.getCredentials({ idToken })).accessKeyId).not.toBe('ASIAKEY0002');
  });
});

// Another tab's clear is a sign-out for a provider too, as this tab's own `clearCache()` is: its request
// under way fails with `cache_cleared`, and the credentials it had before are never its stale fallback. A
// provider counted only its own tab's clears: through an issuer outage after a sign-out in another tab,
// it served the signed-out user's credentials.
describe('a provider in a tab told of another tab\'s clear', () => {
  const START = Date.parse('2026-11-29T12:00:00Z');
  afterEach(() => vi.useRealTimers());

  /** Two tabs, a provider in the second holding ASIAKEY0001; `outage.on` makes the issuer answer 503. */
  async function providerInSecondTab() {
    const tabs = installTabs();
    const outage = { on: false };
    const { passed, hold } = answerGate();
    const endpoint = delegationEndpoint(async (_request, attempt) => {
      await passed();
      return outage.on ? jsonResponse({ error: 'temporarily_unavailable', error_description: 'down' }, { status: 503 }) : numberedAnswer(attempt);
    });
    server.use(endpoint.handler);
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const a = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
    const b = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
    await tabs.opened(2);
    const provider = fromDelegation(b, { idToken, onRefreshError: () => undefined });
    expect((await provider()).accessKeyId).toBe('ASIAKEY0001');
    // The second tab's answer shared (its messages delivered), so that the next delivery is the clear.
    await tabs.answered();
    await tabs.settled();
    return { endpoint, provider, outage, hold, clearInA: () => clearDelivered(tabs, a) };
  }

  it.each([
    ['through an outage after it: the signed-out user\'s credentials are not served stale, the outage\'s error', true],
    ['control, no clear: it serves them stale through the outage', false],
  ])('%s', async (_name, cleared) => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const { provider, outage, clearInA } = await providerInSecondTab();
    // Past refreshAt, the issuer down.
    outage.on = true;
    vi.setSystemTime(START + 51 * 60_000);
    if (cleared) await clearInA();
    const next = provider();
    if (cleared) await expect(next).rejects.toMatchObject({ status: 503 });
    else expect((await next).accessKeyId).toBe('ASIAKEY0001');
  });

  it.each([
    ['its request under way when it is heard fails with cache_cleared', true],
    ['control, no clear: the request answers', false],
  ])('%s', async (_name, cleared) => {
    const { endpoint, provider, hold, clearInA } = await providerInSecondTab();
    const release = hold();
    // The provider asks again (a refusal of its key), its request held at the issuer.
    const asking = provider({ rejectedAccessKeyId: 'ASIAKEY0001' });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(2), UNTIL_HUNG);
    if (cleared) await clearInA();
    release();
    if (cleared) await expect(asking).rejects.toMatchObject({ code: 'cache_cleared' });
    else expect((await asking).accessKeyId).toBe('ASIAKEY0002');
  });
});
