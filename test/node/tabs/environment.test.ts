// Issue 22, point 5: tab sharing is for browser tabs. Node 24 has Web Locks and BroadcastChannel, and a
// client there shared by default (its first request then waited for them); now it shares by default only
// in a page (`document`) or a web worker (`WorkerGlobalScope`), and anywhere `shareAcrossTabs: true` asks
// for it where the APIs exist. Node 20 lacks Web Locks: tabs-in-node.ts adds them, as Node 24 has them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../../src/index';
import { inBrowser } from '../../../src/tabs/environment';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { recordChannels } from '../../support/tab-channels';
import { installTabs } from '../../support/tabs-in-node';
import type { TabsRecord } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

afterEach(() => vi.unstubAllGlobals());

let clientID = CLIENT_ID;
beforeEach(() => {
  clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
});

describe('inBrowser()', () => {
  it('is false in Node, with or without Web Locks', () => {
    expect(inBrowser()).toBe(false);
    installTabs({ page: false });
    expect([typeof navigator.locks.request, inBrowser()]).toEqual(['function', false]);
  });

  it('is true in a page (a document) and in a web worker (WorkerGlobalScope)', () => {
    vi.stubGlobal('document', {});
    expect(inBrowser()).toBe(true);
    vi.unstubAllGlobals();
    vi.stubGlobal('WorkerGlobalScope', function WorkerGlobalScope() {});
    expect(inBrowser()).toBe(true);
  });
});

/** Two clients asking one after another; how many requests the endpoint saw, and what the tabs did. */
async function twoClients(tabs: TabsRecord, options: { shareAcrossTabs?: boolean }) {
  const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
  server.use(endpoint.handler);
  const [first, second] = [0, 1].map(() => new DelegationClient({ clientID, domain: DOMAIN, ...options }));
  await first!.getCredentials({ idToken });
  if (tabs.channelNames.length > 0) await tabs.answered();
  await second!.getCredentials({ idToken });
  return { requests: endpoint.requests.length, channels: tabs.channelNames.length, locks: tabs.lockNames.length };
}

describe('a client in Node with Web Locks and BroadcastChannel (as on Node 24)', () => {
  it('does not share by default: no channel, no lock, each client asks for itself', async () => {
    const tabs = installTabs({ page: false });
    expect(await twoClients(tabs, {})).toEqual({ requests: 2, channels: 0, locks: 0 });
  });

  it('shares when shareAcrossTabs: true asks for it', async () => {
    const tabs = installTabs({ page: false });
    expect(await twoClients(tabs, { shareAcrossTabs: true })).toEqual({ requests: 1, channels: 2, locks: 1 });
  });

  it('this Node as it is (Node 24 has navigator.locks, Node 20 does not): no channel by default either way', async () => {
    const channels = recordChannels();
    const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
    server.use(endpoint.handler);
    await new DelegationClient({ clientID, domain: DOMAIN }).getCredentials({ idToken });
    expect([channels.channelNames, channels.posted]).toEqual([[], []]);
  });

  it('control: in a page, it shares by default', async () => {
    const tabs = installTabs();
    expect(await twoClients(tabs, {})).toEqual({ requests: 1, channels: 2, locks: 1 });
  });

  it('control: in a page, shareAcrossTabs: false still keeps each client to itself', async () => {
    const tabs = installTabs();
    expect(await twoClients(tabs, { shareAcrossTabs: false })).toEqual({ requests: 2, channels: 0, locks: 0 });
  });
});
