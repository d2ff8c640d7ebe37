// Issue 11, point 7: the response's `Date` header corrects a skewed page clock, within bounds. A lying or
// broken `Date` never makes credentials outlive their real lifetime by more than that bound, and never
// makes the SDK refuse a valid ID token on its own (the server decides about a token the page's clock
// still accepts). The honest skew of an hour either way is test/node/clock-skew.test.ts.
import { describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;
const START = Date.parse('2026-11-29T12:00:00Z');
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;

/**
 * The page's clock is right; the endpoint's `Date` header says `dateShift` more. Its `Expiration` is on
 * the true clock (STS's keys, a lying or broken `Date`), or, with `sameClock`, on the `Date`'s clock.
 */
function lyingDate(dateShift: number, lifetimeMs = HOUR, sameClock = false) {
  vi.useFakeTimers({ now: START, toFake: ['Date'] });
  const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now() + (sameClock ? dateShift : 0), lifetimeMs), { date: Date.now() + dateShift }));
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }) };
}

describe('a Date header far off cannot move expiry outside sane bounds', () => {
  it.each([
    ['20 years in the past', -20 * YEAR, false],
    ['two days in the past', -2 * DAY, false],
    // Inside the 24-hour bound, so believed as an offset: it used to stretch a real hour to 12 (issue 24, point 10).
    ['23 hours in the past', -23 * HOUR, false],
    ['an hour in the past', -HOUR, false],
    ['a year ahead', YEAR, false],
    ['a year ahead, Expiration on the same clock', YEAR, true],
  ])('a Date %s: 1-hour credentials are refreshed within their real hour', async (_name, shift, sameClock) => {
    const { endpoint, client } = lyingDate(shift, HOUR, sameClock);
    const idToken = makeIdToken({ exp: FAR_EXP });
    const first = await client.getCredentials({ idToken });
    expect(first.expiration.getTime()).toBeLessThanOrEqual(START + HOUR);
    vi.setSystemTime(START + HOUR);
    const later = await client.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
    expect(later.accessKeyId).toBe(first.accessKeyId);
  });

  it('a Date 11 hours in the past (believable as a page clock 11 hours ahead) never stretches credentials past 12 hours', async () => {
    const { client } = lyingDate(-11 * HOUR, 2 * HOUR);
    const credentials = await client.getCredentials({ idToken: makeIdToken({ exp: FAR_EXP }) });
    expect(credentials.expiration.getTime()).toBeLessThanOrEqual(START + 12 * HOUR);
  });

  it('a page clock 30 minutes ahead (an honest Date): the local lifetime is the shorter, so keys are refreshed early, never late', async () => {
    const { endpoint, client } = lyingDate(-30 * MINUTE, HOUR, true);
    const idToken = makeIdToken({ exp: FAR_EXP });
    const first = await client.getCredentials({ idToken });
    expect(first.expiration).toEqual(new Date(START + 30 * MINUTE));
    vi.setSystemTime(START + 30 * MINUTE);
    await client.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('control: a page clock so far ahead that its own reading says the keys expired takes the server\'s lifetime (corrected by Date)', async () => {
    const { client } = lyingDate(-2 * HOUR, HOUR, true);
    const credentials = await client.getCredentials({ idToken: makeIdToken({ exp: FAR_EXP }) });
    expect(credentials.expiration).toEqual(new Date(START + HOUR));
  });

  it('credentials claiming more than STS\'s 12-hour maximum are not trusted past 12 hours', async () => {
    const { client } = lyingDate(0, 30 * DAY);
    const credentials = await client.getCredentials({ idToken: makeIdToken({ exp: FAR_EXP }) });
    expect(credentials.expiration.getTime()).toBeLessThanOrEqual(START + 12 * HOUR);
    expect(credentials.expiration.getTime()).toBeGreaterThan(START + 11 * HOUR);
  });
});

describe('an offset alone never makes the SDK refuse an ID token', () => {
  it('after one Date a year ahead, every later valid ID token is still sent', async () => {
    const { endpoint, client } = lyingDate(YEAR, HOUR, true);
    await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP }) });
    vi.setSystemTime(START + MINUTE);
    await expect(client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob' }, Date.now()) })).resolves.toMatchObject({ subject: 'auth0|alice' });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a believable Date 2 hours ahead: a token the page clock still accepts goes to the server, which decides', async () => {
    const { endpoint, client } = lyingDate(2 * HOUR, HOUR, true);
    await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP }) });
    await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob', exp: START / 1000 + HOUR / 1000 }) });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('negative control: a token expired on the page clock too is refused locally, nothing sent', async () => {
    const { endpoint, client } = lyingDate(2 * HOUR, HOUR, true);
    await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP }) });
    await expect(client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob', exp: START / 1000 - 1 }) })).rejects.toMatchObject({ code: 'id_token_expired' });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('negative control: a page clock behind the server (Date 2 hours ahead) still has a token refused once the server says it expired and the page agrees', async () => {
    const { endpoint, client } = lyingDate(2 * HOUR, HOUR, true);
    await client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP }) });
    vi.setSystemTime(START + 3 * HOUR);
    await expect(client.getCredentials({ idToken: makeIdToken({ sub: 'auth0|bob', exp: (START + 2 * HOUR) / 1000 }) })).rejects.toMatchObject({ code: 'id_token_expired' });
    expect(endpoint.requests).toHaveLength(1);
  });
});
