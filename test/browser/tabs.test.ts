// Sharing between tabs, seen from one page with two clients of the same application (two "tabs" on one
// BroadcastChannel and one set of Web Locks). The five-real-tabs test is test/e2e/tabs.test.ts. A tab
// sends its first request at once and announces it beside the request: the second tab here starts once
// it has heard that announcement (two tabs starting before either heard the other may both send).
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../src/index';
import { DOMAIN, ENDPOINT, awsResult, jsonResponse, numberedAnswer } from '../support/delegation-endpoint';
import { recordChannels } from '../support/tab-channels';
import type { ChannelRecord } from '../support/tab-channels';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let run = 0;

type Tab = 'first' | 'second';

/**
 * Two clients of one application (a client ID of this test's own, so no other test shares with it);
 * `onCleared`, if given, is each one's `onClearedInAnotherTab`, told which tab it is and given its client.
 */
function twoTabs(respond: (attempt: number) => Response | Promise<Response>, onCleared?: (tab: Tab, client: DelegationClient) => void) {
  const channels = recordChannels();
  const clientID = `tabs-${++run}-${crypto.randomUUID()}`;
  let attempts = 0;
  worker.use(http.post(ENDPOINT, () => respond(++attempts)));
  const make = (tab: Tab) => {
    const client: DelegationClient = new DelegationClient({ clientID, domain: DOMAIN, retries: 0, ...(onCleared && { onClearedInAnotherTab: () => onCleared(tab, client) }) });
    return client;
  };
  return { first: make('first'), second: make('second'), attempts: () => attempts, channels };
}

/** Once the other tab has heard a request announced. */
const announced = (channels: ChannelRecord) => channels.until(() => channels.delivered.some(({ data }) => (data as { type?: string }).type === 'loading'));

describe('two tabs of one application', () => {
  it('share one request and its credentials: the second waits on the first one\'s announced request', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tabs = twoTabs(async () => {
      await held;
      return jsonResponse(awsResult(Date.now()));
    });
    const first = tabs.first.getCredentials({ idToken });
    await announced(tabs.channels);
    const second = tabs.second.getCredentials({ idToken });
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(tabs.attempts()).toBe(1);
  });

  it('share an answer already received: the second asks the first for a copy', async () => {
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    const a = await tabs.first.getCredentials({ idToken });
    await tabs.channels.answered();
    expect((await tabs.second.getCredentials({ idToken })).accessKeyId).toBe(a.accessKeyId);
    expect(tabs.attempts()).toBe(1);
  });

  it('forget only the credentials S3 refused: another user\'s stay, with no request', async () => {
    const tabs = twoTabs((attempt) => numberedAnswer(attempt));
    const bob = makeIdToken({ sub: 'auth0|bob', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
    expect((await tabs.first.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
    await tabs.channels.answered();
    expect((await tabs.second.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
    expect((await tabs.second.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    // S3 refused the first user's keys in the first tab.
    expect((await fromDelegation(tabs.first, { idToken })({ rejectedAccessKeyId: 'ASIAKEY0001' })).accessKeyId).toBe('ASIAKEY0003');
    // Shared by then: the first answer, its copy for the second tab, Bob's, the new one.
    await tabs.channels.answered(4);
    expect((await tabs.second.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    expect(tabs.attempts()).toBe(3);
    // Control: the refused keys are gone from the second tab too; it takes the new ones.
    expect((await tabs.second.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0003');
    expect(tabs.attempts()).toBe(3);
  });

  it('clear each other on sign-out', async () => {
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    await tabs.first.getCredentials({ idToken });
    await tabs.channels.answered();
    await tabs.second.getCredentials({ idToken });
    expect(tabs.attempts()).toBe(1);
    tabs.first.clearCache();
    await expect.poll(async () => {
      await tabs.second.getCredentials({ idToken });
      return tabs.attempts();
    }).toBe(2);
  });

  it('do not echo a sign-out: a page that calls clearCache() when told another tab cleared clears itself only', async () => {
    const told = { first: 0, second: 0 };
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())), (tab, client) => {
      told[tab]++;
      client.clearCache();
    });
    await tabs.first.getCredentials({ idToken });
    await tabs.channels.answered();
    await tabs.second.getCredentials({ idToken });
    tabs.first.clearCache();
    await tabs.channels.until(() => told.second === 1);
    await tabs.channels.settled();
    // One clear in all (the second tab's was not sent back); the first tab, which cleared, is not told.
    expect(tabs.channels.posted.filter(({ data }) => (data as { type?: string }).type === 'clear')).toHaveLength(1);
    expect(told).toEqual({ first: 0, second: 1 });
    // Control: both signed out; the next credentials come from a new request.
    await tabs.second.getCredentials({ idToken });
    expect(tabs.attempts()).toBe(2);
  });

  it('ask for themselves when the tab that asked first failed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tabs = twoTabs(async (attempt) => {
      if (attempt > 1) return jsonResponse(awsResult(Date.now()));
      await held;
      return new HttpResponse(null, { status: 503 });
    });
    const first = tabs.first.getCredentials({ idToken });
    await announced(tabs.channels);
    const second = tabs.second.getCredentials({ idToken });
    release();
    const [a, b] = await Promise.allSettled([first, second]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(tabs.attempts()).toBe(2);
  });

  it('give up their wait for the lock when their signal aborts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = false;
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    const locks = vi.spyOn(navigator.locks, 'request');
    worker.use(http.post(ENDPOINT, async () => {
      reached = true;
      await gate;
      return jsonResponse(awsResult(Date.now()));
    }));
    const leader = tabs.first.getCredentials({ idToken });
    // The second tab waits on the first one's request once it has heard it announced.
    await expect.poll(() => reached).toBe(true);
    await announced(tabs.channels);
    const controller = new AbortController();
    const follower = tabs.second.getCredentials({ idToken, signal: controller.signal });
    // Its own lock request: the first tab's was made beside its request.
    await expect.poll(() => locks.mock.calls.length).toBe(2);
    controller.abort();
    await expect(follower).rejects.toMatchObject({ code: 'aborted' });
    release();
    await expect(leader).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEY000001' });
  });
});
