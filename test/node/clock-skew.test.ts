// A page whose clock is an hour off against the server's `Date`: the credentials still serve their real
// lifetime and are refreshed on time, measured on the server's clock.
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

describe.each([
  ['behind the server by one hour', HOUR],
  ['ahead of the server by one hour', -HOUR],
  ['on time (control)', 0],
])('a page clock %s', (_name, serverAhead) => {
  it('keeps credentials for their real hour and refreshes them 10 minutes before the server says they expire', async () => {
    const start = Date.parse('2026-11-29T12:00:00Z');
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    // The server's clock is the page's plus `serverAhead`; its credentials last one hour on its clock.
    const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now() + serverAhead), { date: Date.now() + serverAhead }));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const first = await client.getCredentials({ idToken });
    expect(first.expiration).toEqual(new Date(start + HOUR));
    expect(first.refreshAt).toEqual(new Date(start + 50 * MINUTE));
    vi.setSystemTime(start + 50 * MINUTE - 1);
    expect((await client.getCredentials({ idToken })).accessKeyId).toBe(first.accessKeyId);
    expect(endpoint.requests).toHaveLength(1);
    vi.setSystemTime(start + 50 * MINUTE);
    const second = await client.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
    expect(second.expiration).toEqual(new Date(start + 110 * MINUTE));
  });
});

describe('negative control', () => {
  it('without the Date header the skew cannot be seen: an hour-ahead server\'s credentials look two hours long', async () => {
    const start = Date.parse('2026-11-29T12:00:00Z');
    vi.useFakeTimers({ now: start, toFake: ['Date'] });
    server.use(delegationEndpoint(() => HttpResponse.json(awsResult(Date.now() + HOUR))).handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    expect((await client.getCredentials({ idToken })).expiration).toEqual(new Date(start + 2 * HOUR));
  });
});
