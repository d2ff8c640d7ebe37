// Sharing between tabs, seen from one page with two clients of the same application (two "tabs" on one
// BroadcastChannel and one set of Web Locks). The five-real-tabs test is test/e2e/tabs.test.ts.
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { DelegationClient } from '../../src/index';
import { DOMAIN, ENDPOINT, awsResult, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();

const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
let run = 0;

/** Two clients of one application (a client ID of this test's own, so no other test shares with it). */
function twoTabs(respond: (attempt: number) => Response) {
  const clientID = `tabs-${++run}-${crypto.randomUUID()}`;
  let attempts = 0;
  worker.use(http.post(ENDPOINT, () => respond(++attempts)));
  const make = () => new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
  return { first: make(), second: make(), attempts: () => attempts };
}

describe('two tabs of one application', () => {
  it('share one request and its credentials', async () => {
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    const [a, b] = await Promise.all([tabs.first.getCredentials({ idToken }), tabs.second.getCredentials({ idToken })]);
    expect(a.accessKeyId).toBe(b.accessKeyId);
    expect(tabs.attempts()).toBe(1);
  });

  it('clear each other on sign-out', async () => {
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    await tabs.first.getCredentials({ idToken });
    await tabs.second.getCredentials({ idToken });
    expect(tabs.attempts()).toBe(1);
    tabs.first.clearCache();
    await expect.poll(async () => {
      await tabs.second.getCredentials({ idToken });
      return tabs.attempts();
    }).toBe(2);
  });

  it('ask for themselves when the tab that asked first failed', async () => {
    const tabs = twoTabs((attempt) => (attempt === 1 ? new HttpResponse(null, { status: 503 }) : jsonResponse(awsResult(Date.now()))));
    const [a, b] = await Promise.allSettled([tabs.first.getCredentials({ idToken }), tabs.second.getCredentials({ idToken })]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(tabs.attempts()).toBe(2);
  });

  it('give up their wait for the lock when their signal aborts', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = false;
    const tabs = twoTabs(() => jsonResponse(awsResult(Date.now())));
    worker.use(http.post(ENDPOINT, async () => {
      reached = true;
      await gate;
      return jsonResponse(awsResult(Date.now()));
    }));
    const leader = tabs.first.getCredentials({ idToken });
    // The first tab holds the lock once its request has reached the endpoint.
    await expect.poll(() => reached).toBe(true);
    const controller = new AbortController();
    const follower = tabs.second.getCredentials({ idToken, signal: controller.signal });
    controller.abort();
    await expect(follower).rejects.toMatchObject({ code: 'aborted' });
    release();
    await expect(leader).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEY000001' });
  });
});
