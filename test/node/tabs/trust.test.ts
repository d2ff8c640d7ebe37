// Issue 11, points 3 to 5: the tabs of an origin share credentials, and trust nothing they did not check.
// Node stands in for the tabs here (BroadcastChannel between instances, a Web Locks stand-in), so the
// channel can be read and forged deterministically; test/browser/tabs-trust.test.ts and
// test/e2e/tabs-closed.test.ts hold the same in Chromium.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { installTabs } from '../../support/tabs-in-node';
import type { TabsRecord } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const idToken = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const HOUR = 3_600_000;

afterEach(() => vi.unstubAllGlobals());

/** An endpoint handing out a new access key on every request: ASIAKEY0001, ASIAKEY0002, ... */
function numberedEndpoint(hold?: Promise<void>) {
  const endpoint = delegationEndpoint(async (_request, attempt) => {
    if (attempt === 1 && hold) await hold;
    return numberedAnswer(attempt);
  });
  server.use(endpoint.handler);
  return endpoint;
}

/** A client ID of each test's own: clients of earlier tests still listen on their channel, and would answer. */
let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});
const tab = (options: Record<string, unknown> = {}) => new DelegationClient({ clientID, domain: DOMAIN, retries: 0, ...options });

type Posted = { name: string; data: { type?: string; key?: unknown } };

/** `clients`, once each has opened its channel (see TabsRecord.opened). */
async function opened<T extends DelegationClient[]>(tabs: TabsRecord, clients: T): Promise<T> {
  await tabs.opened(clients.length);
  return clients;
}

/** The channel name and cache key a client uses, read from its first announcement. */
async function learnChannel(tabs: TabsRecord, client: DelegationClient): Promise<{ name: string; key: unknown; loading: Posted }> {
  await client.getCredentials({ idToken });
  // It announces and shares beside its request: wait until it has.
  await tabs.answered();
  const loading = (tabs.posted as Posted[]).find((message) => message.data.type === 'loading');
  if (loading === undefined) throw new Error('the client announced no request: tab sharing is not active');
  return { name: loading.name, key: loading.data.key, loading };
}

/**
 * Two tabs; the first asks (its announcement shows the channel and key), then signs out; then `forge`
 * posts what it makes of that key, as another page could. Answers the second tab and the endpoint.
 */
async function forgedAfterSignOut(forge: (key: unknown, now: number) => unknown) {
  const tabs = installTabs();
  const endpoint = numberedEndpoint();
  const [first, second] = await opened(tabs, [tab(), tab()]);
  const { name, key } = await learnChannel(tabs, first);
  first.clearCache();
  await tabs.settled();
  await tabs.forge(name, forge(key, Date.now()));
  return { second, endpoint };
}

describe('a tab closed mid-request stalls nobody (point 3)', () => {
  it('an announced request nobody answers costs another tab one wait of at most 1 s, once', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const [first, second] = await opened(tabs, [tab(), tab()]);
    const { loading } = await learnChannel(tabs, first);
    first.clearCache();
    await tabs.settled();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // A tab that announced its request (after that clear) and closed before answering (or a forged announcement).
    await tabs.forge(loading.name, { ...loading.data, since: Date.now() + 1 });
    const waiting = second.getCredentials({ idToken });
    // The second tab has the lock and waits for the announced answer: its one timer is that wait.
    await expect.poll(() => vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(waiting).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0002' });
    // Later loads of that key, in this tab or the first one, do not wait at all (no timer is advanced).
    await tabs.answered(2);
    second.clearCache();
    await tabs.settled();
    await expect(second.getCredentials({ idToken })).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0003' });
    await tabs.answered(3);
    first.clearCache();
    await tabs.settled();
    await expect(first.getCredentials({ idToken })).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0004' });
    expect(endpoint.requests).toHaveLength(4);
  }, 30_000);

  it('negative control: an announcement that is answered hands the answer over, with no request of its own', async () => {
    const tabs = installTabs();
    let release!: () => void;
    const endpoint = numberedEndpoint(new Promise((resolve) => (release = resolve)));
    const [first, second] = await opened(tabs, [tab(), tab()]);
    const asking = first.getCredentials({ idToken });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1), UNTIL_HUNG);
    // The second tab starts once it has heard the first one announce its request.
    await tabs.until(() => tabs.delivered.some(({ data }) => (data as Posted['data']).type === 'loading'));
    const waiting = second.getCredentials({ idToken });
    release();
    expect((await waiting).accessKeyId).toBe((await asking).accessKeyId);
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('a browser that refuses the lock', () => {
  it('(an opaque origin, a sandboxed frame) still answers: the tab asks for itself, no raw DOMException', async () => {
    installTabs();
    const refusal = Object.assign(new Error('The request was denied.'), { name: 'SecurityError' });
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(refusal) } });
    const endpoint = numberedEndpoint();
    await expect(tab().getCredentials({ idToken })).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0001' });
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('sign-out is never undone (point 4)', () => {
  it('a clear from another tab while a request is in flight: no tab stores or serves that answer', async () => {
    const tabs = installTabs();
    let release!: () => void;
    const endpoint = numberedEndpoint(new Promise((resolve) => (release = resolve)));
    const [asking, signingOut, third] = await opened(tabs, [tab(), tab(), tab()]);
    const inFlight = asking.getCredentials({ idToken });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1), UNTIL_HUNG);
    signingOut.clearCache();
    await tabs.settled();
    release();
    // Its own callers still get the answer, as after a clearCache() in its own tab.
    expect((await inFlight).accessKeyId).toBe('ASIAKEY0001');
    await tabs.settled();
    for (const client of [third, signingOut, asking]) {
      expect((await client.getCredentials({ idToken })).accessKeyId).not.toBe('ASIAKEY0001');
      await tabs.settled();
    }
    expect(endpoint.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('negative control: without the clear, the in-flight answer is shared with every tab', async () => {
    const tabs = installTabs();
    let release!: () => void;
    const endpoint = numberedEndpoint(new Promise((resolve) => (release = resolve)));
    const [asking, other, third] = await opened(tabs, [tab(), tab(), tab()]);
    const inFlight = asking.getCredentials({ idToken });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(1), UNTIL_HUNG);
    release();
    await inFlight;
    await tabs.answered();
    for (const client of [third, other, asking]) expect((await client.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
    expect(endpoint.requests).toHaveLength(1);
  });
});

describe('channel messages are checked (point 5)', () => {
  const validText = (expiresAt: number, fields: Record<string, unknown> = {}) => JSON.stringify(awsResult(expiresAt - HOUR, HOUR, { Credentials: { AccessKeyId: 'ASIAFORGED', SecretAccessKey: 'forged-secret-0123456789', SessionToken: 'forged-session-0123456789', Expiration: new Date(expiresAt).toISOString(), ...fields } }));
  const oldShape = (credentials: unknown, freshUntil: unknown, expiresAt: unknown) => ({ value: { result: {}, credentials }, freshUntil, expiresAt });
  const goodCredentials = { accessKeyId: 'ASIAFORGED', secretAccessKey: 's', sessionToken: 't', expiration: new Date(8.64e15), refreshAt: new Date(8.64e15) };

  it.each<[string, (key: unknown, now: number) => unknown]>([
    ['no data at all', () => null],
    ['a string', () => 'entry'],
    ['an unknown type', (key) => ({ type: 'steal', key })],
    ['a loading message without a key', () => ({ type: 'loading' })],
    ['a failed message with a numeric key', () => ({ type: 'failed', key: 42 })],
    ['an entry without its payload', (key) => ({ type: 'entry', key })],
    ['an entry whose value is null', (key) => ({ type: 'entry', key, loaded: oldShape(null, 8.64e15, 8.64e15) })],
    ['a never-expiring entry', (key) => ({ type: 'entry', key, loaded: oldShape(goodCredentials, Infinity, Infinity) })],
    ['credentials that are not strings', (key, now) => ({ type: 'entry', key, loaded: oldShape({ ...goodCredentials, accessKeyId: 42, secretAccessKey: {} }, now + HOUR / 2, now + HOUR) })],
    ['an expiry that is not a number', (key, now) => ({ type: 'entry', key, since: now, text: validText(now + HOUR), freshUntil: String(now + HOUR), expiresAt: String(now + HOUR) })],
    ['a never-expiring entry (as text)', (key, now) => ({ type: 'entry', key, since: now, text: validText(now + HOUR), freshUntil: 1e300, expiresAt: 1e300 })],
    ['an entry whose expiry is not its Expiration\'s', (key, now) => ({ type: 'entry', key, since: now, text: validText(now + HOUR), freshUntil: now + 300 * HOUR, expiresAt: now + 400 * HOUR })],
    ['credentials that are not strings (as text)', (key, now) => ({ type: 'entry', key, since: now, text: validText(now + HOUR, { AccessKeyId: 42 }), freshUntil: now + HOUR / 2, expiresAt: now + HOUR })],
    ['text that is not JSON', (key, now) => ({ type: 'entry', key, since: now, text: '{"Credentials":', freshUntil: now + HOUR / 2, expiresAt: now + HOUR })],
  ])('%s is ignored: the tab asks for itself, no TypeError', async (_name, forge) => {
    const { second, endpoint } = await forgedAfterSignOut(forge);
    const credentials = await second.getCredentials({ idToken });
    expect(credentials.accessKeyId).toMatch(/^ASIAKEY000\d$/);
    expect(typeof credentials.secretAccessKey).toBe('string');
    expect(credentials.expiration.getTime()).toBeLessThan(Date.now() + 2 * HOUR);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('negative control: a genuine entry from another tab is taken, with no request', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const [first, second] = await opened(tabs, [tab(), tab()]);
    const shared = await first.getCredentials({ idToken });
    await tabs.answered();
    // The second tab heard that the first holds an answer, and asks it for a copy.
    expect(await second.getCredentials({ idToken })).toEqual(shared);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('puts no ID token or refresh token in lock names, channel names or channel messages', async () => {
    const tabs = installTabs();
    numberedEndpoint();
    const refreshToken = 'refresh-token-SECRET-0123456789abcdef';
    const [first, second] = await opened(tabs, [tab(), tab()]);
    await first.getCredentials({ idToken });
    await first.getCredentials({ refreshToken });
    // Both are shared beside their requests, in later tasks: a clear heard first would stop that.
    await tabs.answered(2);
    second.clearCache();
    await tabs.settled();
    const seen = JSON.stringify([tabs.channelNames, tabs.lockNames, tabs.posted]);
    expect(tabs.lockNames.length).toBeGreaterThan(0);
    expect(tabs.posted.length).toBeGreaterThan(0);
    for (const secret of [refreshToken, idToken, idToken.split('.')[1]!]) expect(seen).not.toContain(secret);
  });

  it('shareAcrossTabs: false keeps a client\'s cache to its own tab: no channel, no lock, no sharing', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const [first, second] = [tab({ shareAcrossTabs: false }), tab({ shareAcrossTabs: false })];
    await first.getCredentials({ idToken });
    await first.getCredentials({ idToken });
    await second.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
    expect([tabs.channelNames, tabs.lockNames, tabs.posted]).toEqual([[], [], []]);
  });
});

describe('an answer a tab did not ask for is not taken (issue 24, point 12)', () => {
  /** A well-formed answer of an attacker's choosing (its own keys, a forged Subject and IdentityId). */
  const forgedEntry = (key: unknown) => {
    const now = Date.now();
    const text = JSON.stringify(awsResult(now, HOUR, { Credentials: { AccessKeyId: 'ASIAFORGED', SecretAccessKey: 'forged-secret-0123456789', SessionToken: 'forged-session-0123456789', Expiration: new Date(now + HOUR).toISOString() }, Subject: 'auth0|mallory', IdentityId: 'us-east-1:mallory' }));
    // `since` after any clear: a page posting it chooses that too.
    return { type: 'entry', key, since: now + 1, text, freshUntil: now + HOUR / 2, expiresAt: now + HOUR };
  };

  it('a forged entry under a key read from a loading message does not replace the real one in a tab that has not asked yet', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const [first, second, third] = await opened(tabs, [tab(), tab(), tab()]);
    const { name, key } = await learnChannel(tabs, first);
    await tabs.forge(name, forgedEntry(key));
    // Both tabs that had not asked get the real answer (from a tab that holds it), not the forged one.
    for (const client of [third, second]) expect((await client.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('nor one posted when nobody asked at all: the tab asks who holds it (at most 1 s unanswered, once), then sends its own', async () => {
    const { second, endpoint } = await forgedAfterSignOut(forgedEntry);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const asking = second.getCredentials({ idToken });
    // Its one timer is the wait for an answer to its ask: nobody holds the key any more.
    await expect.poll(() => vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(asking).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0002' });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('the limit (README, Security): a page that announces a request and answers it first is believed by a tab waiting on it', async () => {
    const tabs = installTabs();
    numberedEndpoint();
    const [first, second] = await opened(tabs, [tab(), tab()]);
    const { name, loading, key } = await learnChannel(tabs, first);
    first.clearCache();
    await tabs.settled();
    await tabs.forge(name, { ...loading.data, since: Date.now() + 1 });
    const waiting = second.getCredentials({ idToken });
    // The second tab waits on that announcement: it holds the key's lock, and waits for the answer.
    await expect.poll(() => tabs.lockNames.length, { timeout: 30_000 }).toBe(2);
    await tabs.forge(name, forgedEntry(key));
    await expect(waiting).resolves.toMatchObject({ accessKeyId: 'ASIAFORGED' });
  });
});
