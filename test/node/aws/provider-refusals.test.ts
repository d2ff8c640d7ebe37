// fromDelegation told that S3 refused keys (`rejectedAccessKeyId`, from the recovery plugin, signedFetch
// or the Uppy bridge): the refused keys are dropped once and new ones fetched once, however many callers
// were refused at once; a refusal of keys already replaced costs nothing. Callers refused in one turn
// (their credential requests resume together: an idToken function whose callers share one pending
// answer) each used to drop the cache again, throwing away the request the one before had just started
// and sending another: N refused callers, N new delegation requests. A refusal drops that token's entry
// only: it used to clear the whole cache, so every other user of the client (and of every tab) paid a
// request, and their requests in flight stored nothing.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { MAX_REFUSED } from '../../../src/cache/single-flight';
import { PROVIDER_VIEW } from '../../../src/client';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse, numberedAnswer } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const alice = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const bob = makeIdToken({ sub: 'auth0|bob', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

afterEach(() => vi.unstubAllGlobals());

/** A provider on a new client (this tab's cache, or the one shared across tabs), primed with ASIAKEY0001. */
async function primed(shareAcrossTabs: boolean) {
  if (shareAcrossTabs) installTabs();
  const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
  server.use(endpoint.handler);
  const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0, shareAcrossTabs });
  const provider = fromDelegation(client, { idToken: alice });
  const { accessKeyId: refused } = await provider();
  return { endpoint, client, provider, refused };
}

const keyIds = (answers: { accessKeyId: string }[]) => answers.map((answer) => answer.accessKeyId);

/** Each describe runs on both caches a client can have. */
const CACHES: [string, boolean][] = [
  ['this tab\'s cache', false],
  ['the cache shared across tabs', true],
];

const OUTAGE_START = Date.parse('2026-11-29T12:00:00Z');

/**
 * A new client on a fake Date from OUTAGE_START whose issuer answers numbered keys until `outage.on`,
 * then `status` (with `error`); `goDown()` takes it down past refreshAt.
 */
function outageClient(shareAcrossTabs: boolean, status: number, error = 'x') {
  vi.useFakeTimers({ now: OUTAGE_START, toFake: ['Date'] });
  if (shareAcrossTabs) installTabs();
  const outage = { on: false };
  const endpoint = delegationEndpoint((_request, attempt) => (outage.on ? jsonResponse({ error, error_description: 'down' }, { status }) : numberedAnswer(attempt)));
  server.use(endpoint.handler);
  const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0, shareAcrossTabs });
  const goDown = () => {
    outage.on = true;
    vi.setSystemTime(OUTAGE_START + 51 * 60_000);
  };
  return { endpoint, client, goDown };
}

describe.each(CACHES)('refused keys, %s', (_name, shareAcrossTabs) => {
  it('three callers refused in one turn: one new request, the same new keys for all', async () => {
    const { endpoint, provider, refused } = await primed(shareAcrossTabs);
    const renewed = await Promise.all([1, 2, 3].map(() => provider({ forceRefresh: true, rejectedAccessKeyId: refused })));
    expect(keyIds(renewed)).toEqual(['ASIAKEY0002', 'ASIAKEY0002', 'ASIAKEY0002']);
    expect(endpoint.requests).toHaveLength(2);
    // And they are what the cache holds: the next caller gets them without a request.
    expect((await provider()).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('control: the new keys refused in their turn are dropped too (a new request for each refused key)', async () => {
    const { endpoint, provider, refused } = await primed(shareAcrossTabs);
    const second = await provider({ rejectedAccessKeyId: refused });
    const third = await provider({ rejectedAccessKeyId: second.accessKeyId });
    expect(keyIds([second, third])).toEqual(['ASIAKEY0002', 'ASIAKEY0003']);
    expect(endpoint.requests).toHaveLength(3);
  });

  it('a late refusal of keys already replaced: the current keys, no request, nothing dropped', async () => {
    const { endpoint, client, provider, refused } = await primed(shareAcrossTabs);
    // Another provider of the client (another S3Client) last served the refused keys too.
    const other = fromDelegation(client, { idToken: alice });
    expect((await other()).accessKeyId).toBe(refused);
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0002');
    expect(keyIds(await Promise.all([provider({ rejectedAccessKeyId: refused }), other({ rejectedAccessKeyId: refused })]))).toEqual(['ASIAKEY0002', 'ASIAKEY0002']);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('another user\'s keys stay: after Alice\'s are refused, Bob\'s are served with no request', async () => {
    const { endpoint, client, provider, refused } = await primed(shareAcrossTabs);
    const bobs = fromDelegation(client, { idToken: bob });
    expect((await bobs()).accessKeyId).toBe('ASIAKEY0002');
    expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0003');
    expect((await bobs()).accessKeyId).toBe('ASIAKEY0002');
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(3);
    // Control: Alice's refused keys are gone for every provider of hers, not only the refused one.
    expect((await fromDelegation(client, { idToken: alice })()).accessKeyId).toBe('ASIAKEY0003');
    expect(endpoint.requests).toHaveLength(3);
  });

  it.each([
    ['a refusal of Alice\'s keys: it is stored', true],
    ['control, a sign-out (clearCache): it is not stored', false],
  ])('another user\'s request in flight during %s', async (_name, refusal) => {
    if (shareAcrossTabs) installTabs();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const endpoint = delegationEndpoint(async (request, attempt) => {
      if (request.body['id_token'] === bob) await held;
      return numberedAnswer(attempt);
    });
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0, shareAcrossTabs });
    const provider = fromDelegation(client, { idToken: alice });
    const { accessKeyId: refused } = await provider();
    const bobs = client.getCredentials({ idToken: bob });
    await vi.waitFor(() => expect(endpoint.requests).toHaveLength(2), UNTIL_HUNG);
    if (refusal) expect((await provider({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0003');
    else client.clearCache();
    release();
    expect((await bobs).accessKeyId).toBe('ASIAKEY0002');
    // Stored, Bob's next call is answered from the cache; after a sign-out it asks again.
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe(refusal ? 'ASIAKEY0002' : 'ASIAKEY0003');
    expect(endpoint.requests).toHaveLength(3);
  });

  it.each([
    ['a sign-out (clearCache) as the refused keys are read: cache_cleared, and the signed-out token is not sent again nor its answer kept', true],
    ['control, no sign-out: new keys, from one more request', false],
  ])('%s', async (_name, signOut) => {
    const { endpoint, client, provider, refused } = await primed(shareAcrossTabs);
    const refusedKeys = await client.getCredentials({ idToken: alice });
    // The client is dropped the refused keys before it is asked, but may still hand them back once (an
    // answer another tab sent before it heard of the refusal, taken as they were dropped): they reach
    // the provider in the task where the page signs out (an earlier caller of the same answer that
    // calls clearCache()), so it reads them after the sign-out.
    const read = client.getCredentials.bind(client);
    let late = true;
    client.getCredentials = async (options) => {
      const credentials = late ? refusedKeys : await read(options);
      if (late && signOut) client.clearCache();
      late = false;
      return credentials;
    };
    const renewed = provider({ rejectedAccessKeyId: refused });
    if (signOut) await expect(renewed).rejects.toMatchObject({ code: 'cache_cleared' });
    else expect((await renewed).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(signOut ? 1 : 2);
  });
});

describe.each(CACHES)('keys S3 refused to one provider, another provider of the client holding them, %s', (_name, shareAcrossTabs) => {
  afterEach(() => vi.useRealTimers());

  it.each([
    ['riding out an outage (503) on them (stale fallback): the outage\'s error, they are not served again', true, 503],
    ['riding out rate limiting (429) on them: the same', true, 429],
    ['control, no refusal: it serves them stale through the outage', false, 503],
  ])('%s', async (_case, refusal, status) => {
    const { client, goDown } = outageClient(shareAcrossTabs, status);
    // Two S3Clients (or an S3Client and Uppy, or signedFetch) of Alice's: a provider each.
    const refusedOne = fromDelegation(client, { idToken: alice });
    const other = fromDelegation(client, { idToken: alice, onRefreshError: () => undefined });
    const { accessKeyId: refused } = await refusedOne();
    expect((await other()).accessKeyId).toBe(refused);
    // Past refreshAt the issuer is down: the other provider rides it out on the keys it holds.
    goDown();
    expect((await other()).accessKeyId).toBe(refused);
    if (refusal) await expect(refusedOne({ rejectedAccessKeyId: refused })).rejects.toMatchObject({ status });
    const next = other();
    if (refusal) await expect(next).rejects.toMatchObject({ status });
    else expect((await next).accessKeyId).toBe(refused);
  });

  it.each([
    ['their entry evicted (maxEntries): the other provider stops serving them, it takes the new ones', true, 'ASIAKEY0003'],
    ['control, no refusal: the other provider stays on them, no request', false, 'ASIAKEY0001'],
  ])('%s', async (_case, refusal, expected) => {
    if (shareAcrossTabs) installTabs();
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0, shareAcrossTabs, maxEntries: 1 });
    const refusedOne = fromDelegation(client, { idToken: alice });
    const other = fromDelegation(client, { idToken: alice });
    const { accessKeyId: refused } = await refusedOne();
    expect((await other()).accessKeyId).toBe(refused);
    // Bob's answer takes the one place: Alice's entry is evicted, her providers still hold her keys.
    expect((await client.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    if (refusal) expect((await refusedOne({ rejectedAccessKeyId: refused })).accessKeyId).toBe('ASIAKEY0003');
    expect((await other()).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(refusal ? 3 : 2);
  });
});

describe.each(CACHES)('a provider whose key S3 refused, idle through other refusals during an outage (503), %s', (_name, shareAcrossTabs) => {
  afterEach(() => vi.useRealTimers());

  // The client remembers the latest MAX_REFUSED refused IDs (of every provider, in any tab); the provider
  // remembers the one refused to it. Before, after MAX_REFUSED other refusals (its own then the 17th, the
  // oldest, forgotten) it served its refused key as its stale fallback.
  it.each([
    [`${MAX_REFUSED} other refusals (the client forgot it): the outage's error, the refused key is not served`, true, MAX_REFUSED],
    [`${MAX_REFUSED + 1} other refusals: the same`, true, MAX_REFUSED + 1],
    [`${MAX_REFUSED - 1} other refusals (the client still remembers it, as it did before): the same`, true, MAX_REFUSED - 1],
    [`control, its key not refused, ${MAX_REFUSED + 1} other refusals: it serves its key stale through the outage`, false, MAX_REFUSED + 1],
  ])('%s', async (_case, refusal, others) => {
    const { endpoint, client, goDown } = outageClient(shareAcrossTabs, 503, 'temporarily_unavailable');
    const provider = fromDelegation(client, { idToken: alice, onRefreshError: () => undefined });
    const { accessKeyId: held } = await provider();
    // Past refreshAt the issuer is down.
    goDown();
    if (refusal) await expect(provider({ rejectedAccessKeyId: held })).rejects.toMatchObject({ code: 'temporarily_unavailable', status: 503 });
    // Bob's providers (other S3Clients, other tabs) are refused other keys meanwhile.
    const bobs = fromDelegation(client, { idToken: bob });
    for (let index = 0; index < others; index++) {
      await expect(bobs({ rejectedAccessKeyId: `ASIAOTHER${String(index).padStart(4, '0')}` })).rejects.toMatchObject({ status: 503 });
    }
    const next = provider();
    if (refusal) await expect(next).rejects.toMatchObject({ name: 'DelegationError', code: 'temporarily_unavailable', status: 503 });
    else expect((await next).accessKeyId).toBe(held);
    expect(endpoint.requests).toHaveLength(1 + Number(refusal) + others + 1);
  });
});

describe.each(CACHES)('a provider refused its key, then (late) an older key of its own, during an outage (503), %s', (_name, shareAcrossTabs) => {
  afterEach(() => vi.useRealTimers());

  // `refusedHere` held only the latest key refused to the provider: a late refusal of an older key (a
  // slow upload signed before the refresh, answered ExpiredToken after it) replaced it, and once
  // MAX_REFUSED other refusals had pushed the current key out of the client's set, the provider served
  // that refused current key as its stale fallback.
  it.each([
    [`its current key refused, ${MAX_REFUSED} other refusals, then its older key: the outage's error, neither key served`, true],
    [`control, only its older key refused late (${MAX_REFUSED} other refusals): it serves its current key stale`, false],
  ])('%s', async (_case, currentRefused) => {
    const { endpoint, client, goDown } = outageClient(shareAcrossTabs, 503, 'temporarily_unavailable');
    const provider = fromDelegation(client, { idToken: alice, onRefreshError: () => undefined });
    const { accessKeyId: older } = await provider();
    // S3 refused the first key: the provider holds its replacement.
    const { accessKeyId: current } = await provider({ rejectedAccessKeyId: older });
    expect([older, current]).toEqual(['ASIAKEY0001', 'ASIAKEY0002']);
    goDown();
    if (currentRefused) await expect(provider({ rejectedAccessKeyId: current })).rejects.toMatchObject({ status: 503 });
    const bobs = fromDelegation(client, { idToken: bob });
    for (let index = 0; index < MAX_REFUSED; index++) {
      await expect(bobs({ rejectedAccessKeyId: `ASIAOTHER${String(index).padStart(4, '0')}` })).rejects.toMatchObject({ status: 503 });
    }
    // A request signed with the older key long ago comes back refused now.
    const late = provider({ rejectedAccessKeyId: older });
    if (currentRefused) await expect(late).rejects.toMatchObject({ name: 'DelegationError', code: 'temporarily_unavailable', status: 503 });
    else expect((await late).accessKeyId).toBe(current);
    const next = provider();
    if (currentRefused) await expect(next).rejects.toMatchObject({ status: 503 });
    else expect((await next).accessKeyId).toBe(current);
    expect(endpoint.requests.length).toBeGreaterThanOrEqual(2 + MAX_REFUSED + 1);
  });
});

describe.each(CACHES)('a refusal while the idToken function answers no token, %s', (_name, shareAcrossTabs) => {
  // The provider's drop prepared the request first: with no token that threw (missing_token) before the
  // refusal was recorded, so the refused key stayed cached and was served again once the token was back.
  it.each([
    ['no token (\'\'): that request fails (missing_token), the refused key is forgotten all the same', ''],
    ['control, the token: new keys at once', alice],
  ])('%s', async (_case, tokenAtRefusal) => {
    if (shareAcrossTabs) installTabs();
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: `${CLIENT_ID}-${crypto.randomUUID()}`, domain: DOMAIN, retries: 0, shareAcrossTabs });
    let token = alice;
    const provider = fromDelegation(client, { idToken: () => token });
    const { accessKeyId: refused } = await provider();
    token = tokenAtRefusal;
    const answer = provider({ rejectedAccessKeyId: refused });
    if (tokenAtRefusal === '') await expect(answer).rejects.toMatchObject({ name: 'DelegationError', code: 'missing_token' });
    else expect((await answer).accessKeyId).toBe('ASIAKEY0002');
    expect(client[PROVIDER_VIEW]().refused(refused)).toBe(true);
    token = alice;
    expect((await provider()).accessKeyId).toBe('ASIAKEY0002');
    expect((await client.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(2);
  });
});
