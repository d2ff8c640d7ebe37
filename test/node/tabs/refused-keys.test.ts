// Credentials S3 refused, across tabs: the tab that heard the refusal drops them, and the other tabs drop
// the entries holding the same credentials (named by access key ID: caches are keyed alike, but keys never
// cross the channel) and nothing else. A drop used to clear every tab's whole cache: every other user of
// every tab paid a request. A drop message that names no credentials is ignored, and an answer holding
// refused credentials that arrives late (sent before its tab heard of the drop) is not asked for.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import type { TabsRecord } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { readMessage } from '../../../src/tabs/messages';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

type Posted = { name: string; data: { type?: string; key?: unknown } };

afterEach(() => vi.unstubAllGlobals());

/** A client ID of each test's own: clients of earlier tests still listen on their channel. */
let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});

/** Tabs `a` and `b` on an endpoint handing out ASIAKEY0001, ASIAKEY0002, ...; both hold Alice's first keys. */
async function twoTabsWithAlice() {
  const tabs = installTabs();
  const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
  server.use(endpoint.handler);
  const a = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
  const b = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
  await tabs.opened(2);
  expect((await a.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY0001');
  await tabs.answered();
  // b heard that a holds them, and asked it for a copy.
  expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY0001');
  expect(endpoint.requests).toHaveLength(1);
  return { tabs, endpoint, a, b };
}

/** Posts `data` as a tab would, once the channel's name is known (from the first answer shared). */
async function forgeOn(tabs: TabsRecord, data: unknown): Promise<void> {
  const { name } = (tabs.posted as Posted[]).find((message) => message.data.type === 'entry') as Posted;
  await tabs.forge(name, data);
}

describe('a key S3 refused in one tab', () => {
  it('is dropped in the other tab, and another user\'s keys there stay (no request for them)', async () => {
    const { tabs, endpoint, a, b } = await twoTabsWithAlice();
    expect((await b.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    // S3 refused Alice's keys in tab a (the recovery plugin, signedFetch or Uppy tells the provider).
    const before = tabs.delivered.length;
    expect((await fromDelegation(a, { idToken: alice })({ rejectedAccessKeyId: 'ASIAKEY0001' })).accessKeyId).toBe('ASIAKEY0003');
    await tabs.until(() => tabs.delivered.length > before);
    // Shared: a's first answer, its copy for b, b's answer for Bob, a's new answer.
    await tabs.answered(4);
    expect((await b.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(3);
    // Control: b no longer serves Alice's refused keys; it takes a's new ones (no request of its own).
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY0003');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('names the refused credentials on the channel by access key ID only (no secret, no session token)', async () => {
    const { tabs, a } = await twoTabsWithAlice();
    await fromDelegation(a, { idToken: alice })({ rejectedAccessKeyId: 'ASIAKEY0001' });
    await tabs.settled();
    const drops = (tabs.posted as Posted[]).filter((message) => message.data.type === 'drop').map((message) => message.data);
    expect(drops).toEqual([{ type: 'drop', accessKeyId: 'ASIAKEY0001' }]);
  });
});

describe('drop messages are checked', () => {
  it.each<[string, unknown, string]>([
    ['a drop naming no credentials is ignored: b keeps serving them', { type: 'drop' }, 'ASIAKEY0001'],
    ['a drop naming credentials with a number is ignored', { type: 'drop', accessKeyId: 1 }, 'ASIAKEY0001'],
    ['a drop naming other credentials forgets nothing', { type: 'drop', accessKeyId: 'ASIAKEY9999' }, 'ASIAKEY0001'],
    ['control: a drop naming the credentials b holds forgets them', { type: 'drop', accessKeyId: 'ASIAKEY0001' }, 'ASIAKEY0002'],
  ])('%s', async (_name, message, expected) => {
    const { tabs, endpoint, b } = await twoTabsWithAlice();
    await forgeOn(tabs, message);
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(expected === 'ASIAKEY0001' ? 1 : 2);
  });

  it.each([
    ['after a drop of those credentials, an answer holding them arrives late: not asked for, a request of its own', true],
    ['control, no drop: the same answer is asked for and taken, no request', false],
  ])('%s', async (_name, dropped) => {
    const { tabs, endpoint, a } = await twoTabsWithAlice();
    const entry = (tabs.posted as Posted[]).find((message) => message.data.type === 'entry') as Posted;
    const c = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
    await tabs.opened(3);
    if (dropped) await tabs.forge(entry.name, { type: 'drop', accessKeyId: 'ASIAKEY0001' });
    // Another tab's answer, sent before it heard of the drop.
    await tabs.forge(entry.name, entry.data);
    const asks = () => (tabs.posted as Posted[]).filter((message) => message.data.type === 'ask').length;
    const asked = asks();
    const credentials = await c.getCredentials({ idToken: alice });
    expect(credentials.accessKeyId).toBe(dropped ? 'ASIAKEY0002' : 'ASIAKEY0001');
    expect(asks() - asked).toBe(dropped ? 0 : 1);
    expect(endpoint.requests).toHaveLength(dropped ? 2 : 1);
    // a forgot them too (it held them): it takes c's new ones, or still holds its own. (Answers shared:
    // a's, its copy for b, and c's own or a's copy for c.)
    await tabs.answered(3);
    expect((await a.getCredentials({ idToken: alice })).accessKeyId).toBe(dropped ? 'ASIAKEY0002' : 'ASIAKEY0001');
  });
});

describe('a key S3 refused in a tab whose entry for it maxEntries evicted', () => {
  it.each([
    ['is still named to the other tabs: b forgets it and takes a\'s new keys', true, 'ASIAKEY0003'],
    ['control, no refusal: b keeps serving it, no request', false, 'ASIAKEY0001'],
  ])('%s', async (_name, refusal, expected) => {
    const tabs = installTabs();
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const a = new DelegationClient({ clientID, domain: DOMAIN, retries: 0, maxEntries: 1 });
    const b = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
    await tabs.opened(2);
    const alices = fromDelegation(a, { idToken: alice });
    expect((await alices()).accessKeyId).toBe('ASIAKEY0001');
    await tabs.answered();
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe('ASIAKEY0001');
    // Bob's answer takes a's one place: a no longer holds Alice's keys, b does.
    expect((await a.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    await tabs.answered(3);
    if (refusal) {
      expect((await alices({ rejectedAccessKeyId: 'ASIAKEY0001' })).accessKeyId).toBe('ASIAKEY0003');
      await tabs.answered(4);
    }
    expect((await b.getCredentials({ idToken: alice })).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(refusal ? 3 : 2);
  });
});

describe('readMessage of a drop', () => {
  it.each<[string, unknown, boolean]>([
    ['an empty access key ID: ignored', '', false],
    ['one longer than IAM\'s 128 characters: ignored', 'A'.repeat(129), false],
    ['control: one of 128 characters is read', 'A'.repeat(128), true],
    ['control: an STS key ID is read', 'ASIAKEY0001', true],
  ])('%s', (_name, accessKeyId, read) => {
    expect(readMessage({ type: 'drop', accessKeyId })).toEqual(read ? { type: 'drop', accessKeyId } : undefined);
  });
});
