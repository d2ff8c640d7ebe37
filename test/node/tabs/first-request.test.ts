// Issue 26, point 4: a cold page as fast as the floor. A tab that has heard no other tab sends its request
// at once; naming the key (SubtleCrypto), announcing it and taking its Web Lock run beside the request,
// never before it. A tab that heard another announce the key still waits for that request. Node stands
// in for the tabs (test/support/tabs-in-node.ts); the cold-page time is figure 9 of `npm run bench`.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import type { TabsRecord } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
type Data = { type?: string; key?: string };

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** A client ID of each test's own: clients of earlier tests still listen on their channel. */
let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});
const tab = () => new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });

/** An endpoint numbering its keys (ASIAKEY0001, ...); `seen` is what the tabs had done when each request arrived. */
function endpointRecording(tabs: TabsRecord, hold?: Promise<void>) {
  const seen: { lockNames: number; posted: string[] }[] = [];
  const endpoint = delegationEndpoint(async (_request, attempt) => {
    seen.push({ lockNames: tabs.lockNames.length, posted: tabs.posted.map(({ data }) => (data as Data).type ?? '') });
    if (hold) await hold;
    return numberedAnswer(attempt);
  });
  server.use(endpoint.handler);
  return { endpoint, seen };
}

const typesPosted = (tabs: TabsRecord) => tabs.posted.map(({ data }) => (data as Data).type);

describe('the first tab\'s request leaves at once', () => {
  it('before its key is named (SubtleCrypto), announced or its Web Lock asked for: all of that waits for a later task', async () => {
    const tabs = installTabs();
    const digest = vi.spyOn(crypto.subtle, 'digest');
    const { seen } = endpointRecording(tabs);
    const client = tab();
    const asking = client.getCredentials({ idToken });
    // Still in the task that asked: nothing of the sharing has run.
    expect([digest.mock.calls.length, tabs.lockNames.length, tabs.posted.length]).toEqual([0, 0, 0]);
    await asking;
    expect(seen).toEqual([{ lockNames: 0, posted: [] }]);
    // Negative control: the sharing does run, beside the request (the key named, announced, locked, shared).
    await tabs.answered();
    expect([digest.mock.calls.length > 0, tabs.lockNames.length, typesPosted(tabs)]).toEqual([true, 1, ['loading', 'entry']]);
  });

  it('and its callers have the answer before it is shared with the other tabs', async () => {
    const tabs = installTabs();
    // Named at once (as a warm page's SubtleCrypto may): the sharing is ready before the answer comes.
    vi.spyOn(crypto.subtle, 'digest').mockResolvedValue(new Uint8Array(32).fill(7).buffer);
    endpointRecording(tabs);
    const credentials = await tab().getCredentials({ idToken });
    // Answered in the microtasks after the response: the entry goes out in a task after them.
    expect([credentials.accessKeyId, typesPosted(tabs).includes('entry')]).toEqual(['ASIAKEY0001', false]);
    await tabs.answered();
    expect(typesPosted(tabs)).toContain('entry');
  });

  it('and answers even while SubtleCrypto and the lock have not (the cold page: the first lock took 25-80 ms in Chromium)', async () => {
    const tabs = installTabs();
    const asked: string[] = [];
    vi.stubGlobal('navigator', { locks: { request: (name: string) => (asked.push(name), new Promise(() => undefined)) } });
    vi.spyOn(crypto.subtle, 'digest').mockReturnValue(new Promise(() => undefined));
    const { endpoint } = endpointRecording(tabs);
    await expect(tab().getCredentials({ idToken })).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0001' });
    expect(endpoint.requests).toHaveLength(1);
    // Neither is done: nothing was announced, no lock was asked for.
    expect([typesPosted(tabs), asked]).toEqual([[], []]);
  });

  it('beside it, the tab announces the key, holds its lock while the request runs, then shares the answer', async () => {
    const tabs = installTabs();
    let release!: () => void;
    const { endpoint } = endpointRecording(tabs, new Promise((resolve) => (release = resolve)));
    const asking = tab().getCredentials({ idToken });
    // The lock is asked for as the announcement is posted.
    await tabs.until(() => tabs.posted.length === 1);
    expect([typesPosted(tabs), tabs.lockNames.length]).toEqual([['loading'], 1]);
    // The lock is held: another request for it waits until the request ends.
    let granted = false;
    const other = navigator.locks.request(tabs.lockNames[0]!, {}, async () => void (granted = true));
    await tabs.settled();
    expect(granted).toBe(false);
    release();
    await asking;
    await other;
    await tabs.answered();
    expect([granted, typesPosted(tabs), endpoint.requests.length]).toEqual([true, ['loading', 'entry'], 1]);
    // The lock and the messages name the same digest of the key.
    expect(tabs.posted.map(({ data }) => `auth0-aws-delegation ${(data as Data).key}`)).toEqual([tabs.lockNames[0], tabs.lockNames[0]]);
  });
});

describe('a tab that heard another announce the key waits for it', () => {
  it('one request between two tabs started one after another', async () => {
    const tabs = installTabs();
    let release!: () => void;
    const { endpoint } = endpointRecording(tabs, new Promise((resolve) => (release = resolve)));
    const [first, second] = [tab(), tab()];
    const asking = first.getCredentials({ idToken });
    await tabs.until(() => tabs.delivered.some(({ data }) => (data as Data).type === 'loading'));
    const waiting = second.getCredentials({ idToken });
    release();
    expect((await waiting).accessKeyId).toBe((await asking).accessKeyId);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('negative control, the documented cost: two tabs starting together, before either heard the other, both send', async () => {
    const tabs = installTabs();
    const { endpoint } = endpointRecording(tabs);
    const [first, second] = [tab(), tab()];
    const [a, b] = await Promise.all([first.getCredentials({ idToken }), second.getCredentials({ idToken })]);
    expect(endpoint.requests).toHaveLength(2);
    expect(a.accessKeyId).not.toBe(b.accessKeyId);
  });
});
