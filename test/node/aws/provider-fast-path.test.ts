// fromDelegation's fast path: on every AWS request the provider serves the credentials it last got, with
// no await and no request built, while the token is the same, nothing was cleared (in this tab or
// another, or by a refused key) and neither `refreshAt` nor the token's expiry has passed. Each case
// below ends the fast path one way and shows the provider asks the client again; the controls show the
// fast path is taken (no getCredentials call) when nothing changed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, DelegationError, fromDelegation } from '../../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint, numberedAnswer } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const START = Date.parse('2026-11-30T12:00:00Z');
const MINUTE = 60_000;
const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });
const bob = makeIdToken({ sub: 'auth0|bob', exp: FAR_EXP });

afterEach(() => vi.unstubAllGlobals());

/** An endpoint handing out a new access key on every request: ASIAKEY0001, ASIAKEY0002, ... valid 1 hour. */
function numberedEndpoint() {
  const endpoint = delegationEndpoint((_request, attempt) => {
    return numberedAnswer(attempt);
  });
  server.use(endpoint.handler);
  return endpoint;
}

const newClient = (options: Record<string, unknown> = {}) => new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, retries: 0, shareAcrossTabs: false, ...options });

/** A client whose getCredentials calls are counted, and a provider on it, primed with one answer. */
async function primed(init: { idToken: string | (() => string) } = { idToken: alice }, options: Record<string, unknown> = {}) {
  const endpoint = numberedEndpoint();
  const client = newClient(options);
  const asked = vi.spyOn(client, 'getCredentials');
  const provider = fromDelegation(client, init);
  const first = await provider();
  asked.mockClear();
  return { endpoint, client, asked, provider, first };
}

describe('the fast path serves the last credentials while nothing changed', () => {
  it('control: the same token again, before refreshAt: the same keys, without asking the client', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const { endpoint, asked, provider, first } = await primed();
    for (let call = 0; call < 5; call++) expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(asked).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(1);
  });

  it('control: a function returning the same token takes it too, and is still called every time', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const idToken = vi.fn(() => alice);
    const { asked, provider, first } = await primed({ idToken });
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(idToken).toHaveBeenCalledTimes(2);
    expect(asked).not.toHaveBeenCalled();
  });

  it('each call gets an identity whose expiration is inside the AWS SDK\'s window, as on the slow path', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const { provider } = await primed();
    vi.setSystemTime(START + 10 * MINUTE);
    expect((await provider()).expiration).toEqual(new Date(START + 14 * MINUTE));
  });
});

describe('what ends the fast path', () => {
  it('another token (a function now returning Bob\'s): the client is asked, Bob gets his own keys', async () => {
    const tokens = [alice, bob];
    const { asked, provider, first } = await primed({ idToken: () => tokens[0]! });
    tokens.shift();
    const second = await provider();
    expect(asked).toHaveBeenCalledTimes(1);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
  });

  it('clearCache() in this tab (sign-out): the next call asks again', async () => {
    const { client, asked, provider, first, endpoint } = await primed();
    client.clearCache();
    expect((await provider()).accessKeyId).not.toBe(first.accessKeyId);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('clearCache() in another tab: once this tab has heard it, its provider no longer serves the old keys', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const here = newClient({ shareAcrossTabs: true, clientID });
    const there = newClient({ shareAcrossTabs: true, clientID });
    await tabs.opened(2);
    const provider = fromDelegation(here, { idToken: alice });
    const first = await provider();
    await tabs.settled();
    there.clearCache();
    await tabs.until(() => tabs.delivered.some(({ data }) => (data as { type?: string }).type === 'clear'));
    const second = await provider();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('negative control: the other tab does not clear: the old keys, no request', async () => {
    const tabs = installTabs();
    const endpoint = numberedEndpoint();
    const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
    const here = newClient({ shareAcrossTabs: true, clientID });
    newClient({ shareAcrossTabs: true, clientID });
    await tabs.opened(2);
    const provider = fromDelegation(here, { idToken: alice });
    const first = await provider();
    await tabs.settled();
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    expect(endpoint.requests).toHaveLength(1);
  });

  it('refreshAt passes: the client is asked and refreshes', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const { asked, provider, first, endpoint } = await primed();
    // The default refresh window is 10 minutes before expiry: 50 minutes in, the keys are due.
    vi.setSystemTime(START + 50 * MINUTE);
    expect((await provider()).accessKeyId).not.toBe(first.accessKeyId);
    expect(asked).toHaveBeenCalledTimes(1);
    expect(endpoint.requests).toHaveLength(2);
  });

  it('the ID token expires before refreshAt: id_token_expired, not the remembered keys', async () => {
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    const shortLived = makeIdToken({ sub: 'auth0|alice', exp: (START + 10 * MINUTE) / 1000 });
    const { provider, first } = await primed({ idToken: shortLived });
    vi.setSystemTime(START + 10 * MINUTE - 1);
    expect((await provider()).accessKeyId).toBe(first.accessKeyId);
    vi.setSystemTime(START + 10 * MINUTE);
    await expect(provider()).rejects.toMatchObject({ code: 'id_token_expired' });
  });

  it('S3 refused the keys (rejectedAccessKeyId): new keys, and the fast path serves those after', async () => {
    const { asked, provider, first, endpoint } = await primed();
    const renewed = await provider({ rejectedAccessKeyId: first.accessKeyId });
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    asked.mockClear();
    expect((await provider()).accessKeyId).toBe(renewed.accessKeyId);
    expect(asked).not.toHaveBeenCalled();
    expect(endpoint.requests).toHaveLength(2);
  });

  it('another provider of the same client drops refused keys: this provider stops serving them too', async () => {
    const { client, asked, provider, first } = await primed();
    const other = fromDelegation(client, { idToken: alice });
    expect((await other()).accessKeyId).toBe(first.accessKeyId);
    const renewed = await other({ rejectedAccessKeyId: first.accessKeyId });
    asked.mockClear();
    expect((await provider()).accessKeyId).toBe(renewed.accessKeyId);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('clearCache() in the same tick, after the call and before its answer is read: cache_cleared, as on the slow path', async () => {
    const { client, provider } = await primed();
    const pending = provider();
    client.clearCache();
    await expect(pending).rejects.toMatchObject({ code: 'cache_cleared' });
  });

  it('negative control: the same call without the clear answers with the remembered keys', async () => {
    const { provider, first } = await primed();
    await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId });
  });

  it('follows the client\'s own clock (the `now` option), not Date.now', async () => {
    // Date stands still at START; only the client's clock moves.
    vi.useFakeTimers({ now: START, toFake: ['Date'] });
    let clock = START;
    const { provider, first, asked } = await primed({ idToken: alice }, { now: () => clock });
    clock = START + 50 * MINUTE;
    expect((await provider()).accessKeyId).not.toBe(first.accessKeyId);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('a function that throws: missing_token with its error as cause, even when keys are remembered', async () => {
    let fail = false;
    const boom = new Error('storage unavailable');
    const { provider } = await primed({
      idToken: () => {
        if (fail) throw boom;
        return alice;
      },
    });
    fail = true;
    await expect(provider()).rejects.toMatchObject({ code: 'missing_token', cause: boom });
    fail = false;
    await expect(provider()).resolves.toMatchObject({ accessKeyId: 'ASIAKEY0001' });
  });
});

describe('the idToken function, now called synchronously, never lets a raw error out', () => {
  it.each<[string, () => unknown]>([
    ['undefined', () => undefined],
    ['null', () => null],
    ['a number', () => 42],
    ['a symbol', () => Symbol('x')],
    ['a BigInt', () => 1n],
    ['an object', () => ({})],
    ['an object whose toString throws', () => ({ toString() { throw new Error('x'); } })],
    ['a thenable whose then throws', () => ({ then() { throw new Error('boom'); } })],
    ['a thenable whose then getter throws', () => ({ get then() { throw new Error('boom'); } })],
    ['a promise of a symbol', () => Promise.resolve(Symbol('x'))],
  ])('%s: a DelegationError', async (_name, idToken) => {
    numberedEndpoint();
    const provider = fromDelegation(newClient(), { idToken: idToken as () => string });
    const error = await provider().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(DelegationError);
  });
});
