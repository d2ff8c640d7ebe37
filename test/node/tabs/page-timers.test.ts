// Sharing's later tasks (naming, announcing, the lock, the entry: tabs/tab-cache.ts) must not wait on the
// page's timers: a test runner's fake clock installed before the SDK loads (Jest's `enableGlobally`, a
// vitest setup file), or a background tab's throttled timers. Node stands in for the tabs
// (test/support/tabs-in-node.ts); the SDK is loaded again after the fake clock is installed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DelegationClient } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
  vi.resetModules();
});

/** A client ID of each test's own: clients of earlier tests still listen on their channel. */
let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});

/** An endpoint numbering its keys: ASIAKEY0001, ASIAKEY0002, ... */
function numberedEndpoint() {
  const endpoint = delegationEndpoint((_request, attempt) => {
    return numberedAnswer(attempt);
  });
  server.use(endpoint.handler);
  return endpoint;
}

/** The SDK as a page gets it when `fakeFirst` installs the fake clock before it loads, or after (the control). */
async function loadSdk(fakeFirst: boolean): Promise<typeof DelegationClient> {
  vi.resetModules();
  if (fakeFirst) vi.useFakeTimers();
  const { DelegationClient: Client } = await import('../../../src/index');
  if (!fakeFirst) vi.useFakeTimers();
  return Client;
}

describe('a fake clock (vi.useFakeTimers(), default toFake) never holds the sharing back', () => {
  for (const fakeFirst of [true, false]) {
    it(`installed ${fakeFirst ? 'before the SDK loads' : 'after the SDK loaded (control)'}: the second tab takes the first one's answer, one request, the clock never moved`, async () => {
      const tabs = installTabs();
      const endpoint = numberedEndpoint();
      const Client = await loadSdk(fakeFirst);
      const [first, second] = [new Client({ clientID, domain: DOMAIN, retries: 0 }), new Client({ clientID, domain: DOMAIN, retries: 0 })];
      await tabs.opened(2);
      expect((await first.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
      // The first tab announces, holds its lock, and shares its answer beside its request, on no timer of the page's.
      await tabs.answered();
      expect((await second.getCredentials({ idToken })).accessKeyId).toBe('ASIAKEY0001');
      expect(endpoint.requests).toHaveLength(1);
    });
  }

  it('a tab waiting on the first one\'s lock is not left waiting on the page\'s clock once the answer is in', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const Client = await loadSdk(true);
    const [first, second] = [new Client({ clientID, domain: DOMAIN, retries: 0 }), new Client({ clientID, domain: DOMAIN, retries: 0 })];
    await tabs.opened(2);
    const asking = first.getCredentials({ idToken });
    // The page's own test moves its clock once, as a test of its own timers would (the SDK's first task is due).
    vi.advanceTimersByTime(0);
    await tabs.until(() => tabs.delivered.some(({ data }) => (data as { type?: string }).type === 'loading'));
    const waiting = second.getCredentials({ idToken });
    expect((await asking).accessKeyId).toBe('ASIAKEY0001');
    expect((await waiting).accessKeyId).toBe('ASIAKEY0001');
    expect(endpoint.requests).toHaveLength(1);
  });
});
