// Credentials S3 refused, heard from another tab while this tab is in the middle of something: waiting
// on another tab's request with an answer already in hand (it arrived before the drop, the lock after),
// an answer taken under the lock whose lock request has not settled yet, or a provider serving
// credentials whose cache entry `maxEntries` evicted. Either used to serve the
// refused credentials after the drop was heard: the first stored them again (and answered asks with
// them), the second kept them on the provider's fast path (the drop forgot no entry, so the generation
// stayed).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, fromDelegation } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse, numberedAnswer } from '../../support/delegation-endpoint';
import { UNTIL_HUNG } from '../../support/fake-time';
import { installTabs } from '../../support/tabs-in-node';
import type { LockSettling } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });
const HOUR = 3_600_000;

type Posted = { name: string; data: { type?: string; key?: string; since?: number } };

afterEach(() => vi.unstubAllGlobals());

/** A client ID of each test's own: clients of earlier tests still listen on their channel. */
let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});

/** An answer another tab could send for `key`, holding `accessKeyId` (sent late: before it heard a drop). */
function entryHolding(key: string, accessKeyId: string) {
  const now = Date.now();
  const text = JSON.stringify(awsResult(now, HOUR, { Credentials: { AccessKeyId: accessKeyId, SecretAccessKey: 'late-secret-0123456789', SessionToken: 'late-session-0123456789', Expiration: new Date(now + HOUR).toISOString() } }));
  return { type: 'entry', key, since: now, text, freshUntil: now + HOUR / 2, expiresAt: now + HOUR };
}

/**
 * A follower tab waiting on the leader's lock (the leader's request, ASIAKEY0001, held until `release`)
 * with an answer for that key in hand (ASIAKEYLATE), sent by a third tab before it heard of the drop
 * (`drop`); later requests answer `later(attempt)`; `settling` as installTabs'.
 */
async function followerWithAnswer({ settling, signal, later = numberedAnswer }: { settling?: LockSettling; signal?: AbortSignal; later?: (attempt: number) => Response } = {}) {
  const tabs = installTabs({ settling });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const endpoint = delegationEndpoint(async (_request, attempt) => {
    if (attempt > 1) return later(attempt);
    await held;
    return numberedAnswer(attempt);
  });
  server.use(endpoint.handler);
  const leader = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
  const follower = new DelegationClient({ clientID, domain: DOMAIN, retries: 0 });
  await tabs.opened(2);
  const leading = leader.getCredentials({ idToken: alice });
  await tabs.until(() => (tabs.delivered as Posted[]).some(({ data }) => data.type === 'loading'));
  const { name, data: loading } = (tabs.posted as Posted[]).find(({ data }) => data.type === 'loading') as Posted;
  const following = follower.getCredentials({ idToken: alice, signal });
  // Handled here: a test that aborts it awaits it later.
  following.catch(() => undefined);
  // The follower waits for the leader's lock (its own request for it is the second one asked).
  await vi.waitFor(() => expect(tabs.lockNames).toHaveLength(2), UNTIL_HUNG);
  // The answer reaches the follower before the lock does.
  await tabs.forge(name, entryHolding(loading.key as string, 'ASIAKEYLATE'));
  const drop = () => tabs.forge(name, { type: 'drop', accessKeyId: 'ASIAKEYLATE' });
  return { tabs, endpoint, follower, leading, following, release, drop };
}

describe('a tab waiting on another tab\'s request', () => {
  it.each([
    ['an answer in hand whose credentials a drop then names is not taken: it asks for itself', true, 'ASIAKEY0002'],
    ['control, no drop: the first answer in hand is the one taken, no request', false, 'ASIAKEYLATE'],
  ])('%s', async (_name, dropped, expected) => {
    const { endpoint, follower, leading, following, release, drop } = await followerWithAnswer();
    if (dropped) await drop();
    release();
    expect((await leading).accessKeyId).toBe('ASIAKEY0001');
    expect((await following).accessKeyId).toBe(expected);
    // (The leader's answer came once the wait was over: only the first answer for a wait is kept.)
    expect(endpoint.requests).toHaveLength(dropped ? 2 : 1);
    // What the follower holds now: served again with no request.
    expect((await follower.getCredentials({ idToken: alice })).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(dropped ? 2 : 1);
  });
});

/**
 * `followerWithAnswer`, its wait over: it took ASIAKEYLATE under the lock, and its lock request has not
 * settled (every lock request's answer waits for `letGo` once its lock is let go: the browser's IPC).
 */
async function takenBeforeSettling(options: { signal?: AbortSignal; later?: (attempt: number) => Response } = {}) {
  let letGo!: () => void;
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let settled = 0;
  const waiting = await followerWithAnswer({ ...options, settling: () => (settled++, gate) });
  waiting.release();
  expect((await waiting.leading).accessKeyId).toBe('ASIAKEY0001');
  // Both locks let go: the follower's callback has returned the answer it took; its request has not settled.
  await vi.waitFor(() => expect(settled).toBe(2), UNTIL_HUNG);
  return { ...waiting, letGo };
}

describe('a tab whose wait took another tab\'s answer, its lock not yet let go', () => {
  it.each([
    ['a drop heard before the lock request settles: the answer is not kept, it asks for itself', true, 'ASIAKEY0002'],
    ['control, no drop: the answer taken is kept, no request', false, 'ASIAKEYLATE'],
  ])('%s', async (_name, dropped, expected) => {
    const { endpoint, follower, following, drop, letGo } = await takenBeforeSettling();
    if (dropped) await drop();
    letGo();
    expect((await following).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(dropped ? 2 : 1);
    // What the follower holds now: served again with no request.
    expect((await follower.getCredentials({ idToken: alice })).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(dropped ? 2 : 1);
  });

  it('its caller aborted meanwhile: `aborted`, and the request it would have led is not sent', async () => {
    const controller = new AbortController();
    const { tabs, endpoint, following, drop, letGo } = await takenBeforeSettling({ signal: controller.signal });
    await drop();
    controller.abort();
    letGo();
    await expect(following).rejects.toMatchObject({ name: 'DelegationError', code: 'aborted' });
    await tabs.settled();
    expect(endpoint.requests).toHaveLength(1);
  });

  it.each([
    ['the request it leads instead fails (503): that DelegationError, nothing kept (the next call takes a copy of the leader\'s answer)', 503],
    ['control, it succeeds: kept, the next call is answered from it', 200],
  ])('%s', async (_name, status) => {
    const later = (attempt: number) => (status === 503 && attempt === 2 ? jsonResponse({ error: 'temporarily_unavailable', error_description: 'down' }, { status }) : numberedAnswer(attempt));
    const { endpoint, follower, following, drop, letGo } = await takenBeforeSettling({ later });
    await drop();
    letGo();
    if (status === 503) await expect(following).rejects.toMatchObject({ name: 'DelegationError', code: 'temporarily_unavailable', status });
    else expect((await following).accessKeyId).toBe('ASIAKEY0002');
    expect((await follower.getCredentials({ idToken: alice })).accessKeyId).toBe(status === 503 ? 'ASIAKEY0001' : 'ASIAKEY0002');
    expect(endpoint.requests).toHaveLength(2);
  });
});

describe('a provider whose entry maxEntries evicted', () => {
  it.each([
    ['stops serving credentials another tab dropped: it asks its client again', 'ASIAKEY0001', 'ASIAKEY0003'],
    ['control: a drop naming no credentials (an older version\'s) is ignored: it stays on its answer, no request', undefined, 'ASIAKEY0001'],
  ])('%s', async (_name, refused, expected) => {
    const tabs = installTabs();
    const endpoint = delegationEndpoint((_request, attempt) => numberedAnswer(attempt));
    server.use(endpoint.handler);
    const tab = new DelegationClient({ clientID, domain: DOMAIN, retries: 0, maxEntries: 1 });
    await tabs.opened(1);
    const provider = fromDelegation(tab, { idToken: alice });
    expect((await provider()).accessKeyId).toBe('ASIAKEY0001');
    // Bob's answer takes the one place: Alice's entry is evicted, her provider still holds her answer.
    expect((await tab.getCredentials({ idToken: bob })).accessKeyId).toBe('ASIAKEY0002');
    await tabs.answered(2);
    expect((await provider()).accessKeyId).toBe('ASIAKEY0001');
    expect(endpoint.requests).toHaveLength(2);
    // Another tab's provider was refused Alice's credentials: its drop names them.
    const { name } = (tabs.posted as Posted[])[0] as Posted;
    await tabs.forge(name, { type: 'drop', accessKeyId: refused });
    expect((await provider()).accessKeyId).toBe(expected);
    expect(endpoint.requests).toHaveLength(expected === 'ASIAKEY0001' ? 2 : 3);
  });
});
