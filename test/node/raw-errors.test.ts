// Issue 11, point 9: whatever a caller, a token or a callback throws at the SDK comes back as a
// DelegationError with a code and the original as `cause`: never a raw RangeError or TypeError, and
// never the caller's own error passed through as if it were the SDK's.
import { describe, expect, it } from 'vitest';
import { webIdentity } from '../../src/entries/web-identity';
import { DelegationClient, fromDelegation, isDelegationError } from '../../src/index';
import { CLIENT_ID, DOMAIN, delegationEndpoint } from '../support/delegation-endpoint';
import { issuingSts } from '../support/issuer';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';

const FAR_EXP = Date.parse('2100-01-01T00:00:00Z') / 1000;
const alice = makeIdToken({ sub: 'auth0|alice', exp: FAR_EXP });

function setup(options: Record<string, unknown> = {}) {
  const endpoint = delegationEndpoint();
  server.use(endpoint.handler);
  return { endpoint, client: new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, ...options }) };
}

describe('ID tokens whose exp is no date', () => {
  it.each([
    ['-1e13', -1e13],
    ['1e300', 1e300],
    ['-1e300', -1e300],
  ])('exp %s: a DelegationError (malformed or expired), nothing sent, and the next call works', async (_name, exp) => {
    const { endpoint, client } = setup();
    const error = await client.getCredentials({ idToken: makeIdToken({ exp }) }).catch((thrown: unknown) => thrown);
    expect(isDelegationError(error)).toBe(true);
    expect(['malformed_id_token', 'id_token_expired']).toContain((error as { code: string }).code);
    expect(endpoint.requests).toHaveLength(0);
    await expect(client.getCredentials({ idToken: alice })).resolves.toMatchObject({ subject: 'auth0|alice' });
  });

  it('negative control: an exp in range is a date, and a passed one is id_token_expired', async () => {
    const { client } = setup();
    await expect(client.getCredentials({ idToken: makeIdToken({ exp: 1 }) })).rejects.toMatchObject({ code: 'id_token_expired', message: expect.stringContaining('1970-01-01T00:00:01.000Z') });
  });
});

describe('an idToken function that throws', () => {
  const ownError = new TypeError('session lookup failed');

  it.each<[string, () => string | Promise<string>]>([
    ['throws', () => {
      throw ownError;
    }],
    ['rejects', () => Promise.reject(ownError)],
  ])('%s: fromDelegation rejects with a DelegationError whose cause is that error', async (_name, idToken) => {
    const { endpoint, client } = setup();
    const provider = fromDelegation(client, { idToken });
    const error = await provider().catch((thrown: unknown) => thrown);
    expect(error).not.toBe(ownError);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'missing_token', cause: ownError });
    expect(endpoint.requests).toHaveLength(0);
    // Not remembered: the next call asks the function again.
    await expect(fromDelegation(client, { idToken: () => alice })()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEY000001' });
  });
});

describe('a roleSessionName function that throws (web identity)', () => {
  it('is a DelegationError invalid_configuration with that cause, and nothing reaches STS', async () => {
    const sts = issuingSts({ keys: new Map() });
    server.use(sts.handler);
    const ownError = new RangeError('no name for you');
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, exchange: webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1', roleSessionName: () => {
      throw ownError;
    } }) });
    const error = await client.getCredentials({ idToken: alice }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'invalid_configuration', cause: ownError });
    expect(sts.requests).toHaveLength(0);
  });

  it('negative control: a function that returns a valid name is used', async () => {
    const sts = issuingSts({ keys: new Map() });
    server.use(sts.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN, exchange: webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1', roleSessionName: () => 'named-session' }) });
    await client.getCredentials({ idToken: alice });
    expect(sts.requests[0]!.get('RoleSessionName')).toBe('named-session');
  });
});
