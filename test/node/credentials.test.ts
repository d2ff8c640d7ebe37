import { describe, expect, it, vi } from 'vitest';
import { DelegationClient } from '../../src/index';
import { CLIENT_ID, DOMAIN, awsResult, delegationEndpoint, jsonResponse } from '../support/delegation-endpoint';
import { makeIdToken } from '../support/tokens';
import { server } from './setup';

const NOW = Date.parse('2026-11-29T12:00:00Z');
const idToken = makeIdToken({ exp: Date.parse('2100-01-01T00:00:00Z') / 1000 });
const valid = () => awsResult(NOW) as { Credentials: Record<string, unknown> } & Record<string, unknown>;

function withCredentials(change: (credentials: Record<string, unknown>) => void): unknown {
  const body = valid();
  change(body.Credentials);
  return body;
}

describe('response validation for api_type "aws"', () => {
  it.each<[string, unknown]>([
    ['a JSON array', []],
    ['JSON null', null],
    ['no Credentials', { AssumedRoleUser: {} }],
    ['Credentials that is a string', { Credentials: 'ASIA...' }],
    ...(['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration'].map((field) => [`no Credentials.${field}`, withCredentials((credentials) => delete credentials[field])]) as [string, unknown][]),
    ['an empty AccessKeyId', withCredentials((credentials) => (credentials['AccessKeyId'] = ''))],
    ['a numeric SecretAccessKey', withCredentials((credentials) => (credentials['SecretAccessKey'] = 12345))],
    ['an unparseable Expiration', withCredentials((credentials) => (credentials['Expiration'] = 'soon'))],
    ['a numeric Expiration', withCredentials((credentials) => (credentials['Expiration'] = NOW + 3_600_000))],
    ['an Expiration in the past', withCredentials((credentials) => (credentials['Expiration'] = new Date(NOW - 1).toISOString()))],
    ['an Expiration equal to the server time', withCredentials((credentials) => (credentials['Expiration'] = new Date(NOW).toISOString()))],
  ])('rejects %s with invalid_response, caches nothing, and the next call works', async (name, body) => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const endpoint = delegationEndpoint((_request, attempt) => jsonResponse(attempt === 1 ? body : valid()));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    const error = await client.getCredentials({ idToken }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'DelegationError', code: 'invalid_response', status: 200 });
    const field = /Credentials\.(\w+)/.exec(name)?.[1];
    if (field) expect((error as Error).message).toContain(field);
    await expect(client.getCredentials({ idToken })).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEY000001' });
    expect(endpoint.requests).toHaveLength(2);
  });

  it('accepts the guide\'s extra fields and an Expiration one second ahead (negative control)', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const endpoint = delegationEndpoint(() => jsonResponse(awsResult(NOW, 1_000)));
    server.use(endpoint.handler);
    const client = new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN });
    await expect(client.getCredentials({ idToken })).resolves.toMatchObject({ expiration: new Date(NOW + 1_000) });
  });

  it('leaves the optional fields undefined when the endpoint omits them', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const endpoint = delegationEndpoint(() => jsonResponse({ Credentials: valid().Credentials }));
    server.use(endpoint.handler);
    const credentials = await new DelegationClient({ clientID: CLIENT_ID, domain: DOMAIN }).getCredentials({ idToken });
    expect(credentials.assumedRoleArn).toBeUndefined();
    expect(credentials.subject).toBeUndefined();
  });
});
