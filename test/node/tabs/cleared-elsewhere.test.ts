// Issue 23: a sign-out in one tab signs the SDK out in every tab of the app. `clearCache()` in one tab
// already clears every tab's credentials; `onClearedInAnotherTab` tells the other tabs' pages, which still
// hold the user's token (auth0-spa-js keeps its tokens per tab) and must sign out too.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DelegationClient, isDelegationError } from '../../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../../support/delegation-endpoint';
import { installTabs } from '../../support/tabs-in-node';
import { makeIdToken } from '../../support/tokens';
import { server } from '../setup';

const idToken = makeIdToken({ sub: 'auth0|alice', exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

afterEach(() => vi.unstubAllGlobals());

/** Two tabs' clients, a callback each (b's also runs `onB`), both holding the same credentials: one request. */
async function twoTabs(onB: (b: DelegationClient) => void = () => undefined) {
  const endpoint = delegationEndpoint(() => jsonResponse(awsResult(Date.now())));
  server.use(endpoint.handler);
  const tabs = installTabs();
  const clientID = `${CLIENT_ID}-${crypto.randomUUID()}`;
  const heard = { a: 0, b: 0 };
  const a = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => void heard.a++ });
  const b: DelegationClient = new DelegationClient({ clientID, domain: DOMAIN, onClearedInAnotherTab: () => (heard.b++, onB(b)) });
  await tabs.opened(2);
  await a.getCredentials({ idToken });
  await tabs.answered();
  await b.getCredentials({ idToken });
  expect(endpoint.requests).toHaveLength(1);
  /** a clears, and the clear has reached b. */
  const clearInA = async () => {
    const before = tabs.delivered.length;
    a.clearCache();
    await tabs.until(() => tabs.delivered.length > before);
  };
  return { endpoint, heard, b, clearInA };
}

describe('onClearedInAnotherTab', () => {
  it('is called in the other tab when one tab clears, and not in the tab that cleared (control)', async () => {
    const { heard, clearInA } = await twoTabs();
    await clearInA();
    expect(heard).toEqual({ a: 0, b: 1 });
  });

  it('is called once this tab forgot: credentials asked for from the callback come from a new request', async () => {
    let asked: Promise<unknown> | undefined;
    const { endpoint, clearInA } = await twoTabs((b) => (asked = b.getCredentials({ idToken })));
    await clearInA();
    await asked;
    expect(endpoint.requests).toHaveLength(2);
  });

  it('a callback that throws is reported, and the clear stands', async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const failure = new Error('the page\'s own bug');
    const { endpoint, b, clearInA } = await twoTabs(() => {
      throw failure;
    });
    await clearInA();
    expect(reported).toHaveBeenCalledWith(failure);
    await b.getCredentials({ idToken });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('must be a function (invalid_configuration, naming it)', () => {
    let error: unknown;
    try {
      new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, onClearedInAnotherTab: 'yes' as unknown as () => void });
    } catch (caught) {
      error = caught;
    }
    expect(isDelegationError(error) && error.code === 'invalid_configuration' && error.message.includes('onClearedInAnotherTab')).toBe(true);
  });
});
