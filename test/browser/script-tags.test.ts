// The two script-tag builds, loaded as a page without a bundler loads them, running the guide's v7 code.
import { afterEach, describe, expect, it } from 'vitest';
import umdUrl from '../../dist/auth0-aws-delegation.umd.min.js?url';
import v7Url from '../../dist/auth0-aws-delegation.v7.min.js?url';
import { CLIENT_ID, DOMAIN, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { useWorker, worker } from './worker';

useWorker();

type PageGlobals = Record<string, unknown>;
const page = window as unknown as PageGlobals;
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

/** Runs classic (non-module) page code, as an inline <script> element does. */
function runPageScript(code: string): void {
  const script = document.createElement('script');
  script.textContent = code;
  document.head.append(script);
}

afterEach(() => {
  // The IIFE build declares `var Auth0AwsDelegation`, which cannot be deleted: reset it instead.
  for (const name of ['Auth0', 'Auth0AwsDelegation', 'delegationOutcome']) if (!Reflect.deleteProperty(page, name)) page[name] = undefined;
  document.querySelectorAll('script[src*="auth0-aws-delegation"]').forEach((script) => script.remove());
});

describe('<script src="auth0-aws-delegation.v7.min.js">', () => {
  it('runs the integration guide\'s auth0.js v7 page code unchanged', async () => {
    const endpoint = delegationEndpoint();
    worker.use(endpoint.handler);
    await loadScript(v7Url);
    expect(typeof page['Auth0']).toBe('function');
    page['LOGGED_IN_USER_ID_TOKEN'] = idToken;
    const outcome = new Promise<{ err: unknown; delegationResult: { Credentials: { AccessKeyId: string } } }>((resolve) => (page['delegationOutcome'] = resolve));
    runPageScript(`
      var auth0 = new Auth0({
        clientID: '${CLIENT_ID}',
        domain: '${DOMAIN}',
        callbackURL: 'dummy'
      });
      var options = {
        id_token: LOGGED_IN_USER_ID_TOKEN,
        api: 'aws'
      };
      auth0.getDelegationToken(options, function (err, delegationResult) {
        window.delegationOutcome({ err: err, delegationResult: delegationResult });
      });
    `);
    const { err, delegationResult } = await outcome;
    expect(err).toBeNull();
    expect(delegationResult.Credentials.AccessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(endpoint.requests).toHaveLength(1);
  });

  it('passes v7 page code the server\'s error fields, as an Error with status', async () => {
    worker.use(delegationEndpoint(() => jsonResponse({ error: 'unauthorized', error_description: 'bad token' }, { status: 401 })).handler);
    await loadScript(v7Url);
    const outcome = new Promise<{ err: { status: number; error: string; description: string; cause: string; isError: boolean } }>((resolve) => (page['delegationOutcome'] = resolve));
    runPageScript(`
      new Auth0({ clientID: '${CLIENT_ID}', domain: '${DOMAIN}', callbackURL: 'dummy' })
        .getDelegationToken({ id_token: '${idToken}', api: 'aws' }, function (err) {
          window.delegationOutcome({ err: { status: err.status, error: err.error, description: err.error_description, cause: err.cause.code, isError: err instanceof Error } });
        });
    `);
    expect((await outcome).err).toEqual({ status: 401, error: 'unauthorized', description: 'bad token', cause: 'unauthorized', isError: true });
  });

  it('leaves a page\'s own window.Auth0 in place', async () => {
    const existing = function Auth0() {};
    page['Auth0'] = existing;
    await loadScript(v7Url);
    expect(page['Auth0']).toBe(existing);
    expect(typeof (page['Auth0AwsDelegation'] as { Auth0: unknown }).Auth0).toBe('function');
  });
});

describe('<script src="auth0-aws-delegation.umd.min.js">', () => {
  it('exposes Auth0AwsDelegation and gets credentials from page code', async () => {
    const endpoint = delegationEndpoint();
    worker.use(endpoint.handler);
    await loadScript(umdUrl);
    expect(page['Auth0']).toBeUndefined();
    const outcome = new Promise<{ accessKeyId: string; expiration: string; code?: string }>((resolve) => (page['delegationOutcome'] = resolve));
    runPageScript(`
      var client = new Auth0AwsDelegation.DelegationClient({ clientID: '${CLIENT_ID}', domain: '${DOMAIN}' });
      Promise.all([client.getCredentials({ idToken: '${idToken}' }), client.getCredentials({ idToken: '${idToken}' })])
        .then(function (all) { window.delegationOutcome({ accessKeyId: all[1].accessKeyId, expiration: all[1].expiration.toISOString() }); });
    `);
    const result = await outcome;
    expect(result.accessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(Date.parse(result.expiration)).toBeGreaterThan(Date.now());
    expect(endpoint.requests).toHaveLength(1);
  });

  it('reports bad configuration with a DelegationError the page can recognise', async () => {
    await loadScript(umdUrl);
    const outcome = new Promise<{ code: string; recognised: boolean }>((resolve) => (page['delegationOutcome'] = resolve));
    runPageScript(`
      try { new Auth0AwsDelegation.DelegationClient({ clientID: 'abc', domain: 'http://example.com' }); }
      catch (e) { window.delegationOutcome({ code: e.code, recognised: Auth0AwsDelegation.isDelegationError(e) }); }
    `);
    expect(await outcome).toEqual({ code: 'invalid_configuration', recognised: true });
  });
});
