import { describe, expect, it } from 'vitest';
import { DelegationClient, isDelegationError } from '../../src/index';
import type { DelegationClientOptions } from '../../src/index';

function configurationErrorOf(options: unknown) {
  try {
    new DelegationClient(options as DelegationClientOptions);
  } catch (error) {
    expect(isDelegationError(error)).toBe(true);
    return error as { code: string; message: string; status: number };
  }
  throw new Error('expected the constructor to throw');
}

describe('DelegationClient options: domain', () => {
  it.each([
    ['tenant.auth0.com', 'https://tenant.auth0.com/delegation'],
    ['  tenant.eu.auth0.com  ', 'https://tenant.eu.auth0.com/delegation'],
    ['tenant.auth0.com/', 'https://tenant.auth0.com/delegation'],
    ['https://login.example.com', 'https://login.example.com/delegation'],
    ['https://login.example.com:8443/', 'https://login.example.com:8443/delegation'],
    ['HTTPS://Tenant.Auth0.COM', 'https://tenant.auth0.com/delegation'],
    ['localhost:4000', 'https://localhost:4000/delegation'],
    ['http://localhost:4000', 'http://localhost:4000/delegation'],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000/delegation'],
    ['http://127.10.20.30', 'http://127.10.20.30/delegation'],
    ['http://[::1]:4000', 'http://[::1]:4000/delegation'],
  ])('accepts %j as %s', (domain, endpoint) => {
    expect(new DelegationClient({ clientID: 'abc', domain }).endpoint).toBe(endpoint);
  });

  it.each([
    ['http://tenant.auth0.com', 'https'],
    ['http://192.168.1.10:4000', 'https'],
    ['http://localhost.example.com', 'https'],
    ['http://128.0.0.1', 'https'],
    ['ftp://tenant.auth0.com', 'https'],
    ['tenant.auth0.com/delegation', 'no path'],
    ['https://tenant.auth0.com/path', 'no path'],
    ['https://tenant.auth0.com?x=1', 'no path'],
    ['https://tenant.auth0.com#frag', 'no path'],
    ['https://user:pass@tenant.auth0.com', 'no path'],
    ['', 'domain'],
    ['   ', 'domain'],
    ['https://', 'domain'],
    ['a b.com', 'domain'],
  ])('rejects %j with invalid_configuration naming the field and the fix', (domain, hint) => {
    const error = configurationErrorOf({ clientID: 'abc', domain });
    expect(error.code).toBe('invalid_configuration');
    expect(error.status).toBe(0);
    expect(error.message).toContain('"domain"');
    expect(error.message).toContain('tenant.auth0.com');
    expect(error.message).toContain(hint);
  });

  it.each([undefined, null, 42, {}, ['tenant.auth0.com']])('rejects a non-string domain %j', (domain) => {
    expect(configurationErrorOf({ clientID: 'abc', domain }).message).toContain('"domain"');
  });
});

describe('DelegationClient options: clientID, unknown and typed options', () => {
  it.each([undefined, '', '   ', 7, null])('rejects clientID %j', (clientID) => {
    const error = configurationErrorOf({ clientID, domain: 'tenant.auth0.com' });
    expect(error.code).toBe('invalid_configuration');
    expect(error.message).toContain('"clientID" is required');
  });

  it.each([undefined, null, 'tenant.auth0.com', [], 3])('rejects a non-object options argument %j', (options) => {
    expect(configurationErrorOf(options).message).toContain('new DelegationClient({ clientID, domain })');
  });

  it('names an unknown option (a typo) without echoing its value', () => {
    const error = configurationErrorOf({ clientID: 'abc', domain: 'tenant.auth0.com', clientId: 'secret-value-xyz' });
    expect(error.message).toContain('"clientId"');
    expect(error.message).not.toContain('secret-value-xyz');
  });

  it.each([
    ['refreshWindowMs', -1], ['refreshWindowMs', Number.NaN], ['refreshWindowMs', '600000'],
    ['timeoutMs', 0], ['timeoutMs', Number.POSITIVE_INFINITY], ['timeoutMs', 2_147_483_648],
    ['retries', 6], ['retries', 1.5], ['retries', -1],
    ['maxRetryAfterMs', -5],
  ])('rejects %s = %j naming the field and its range', (key, value) => {
    const error = configurationErrorOf({ clientID: 'abc', domain: 'tenant.auth0.com', [key]: value });
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toMatch(/from \d+ to \d+/);
  });

  it('accepts the boundaries of each numeric option', () => {
    expect(() => new DelegationClient({ clientID: 'abc', domain: 'tenant.auth0.com', refreshWindowMs: 0, timeoutMs: 1, retries: 0, maxRetryAfterMs: 0 })).not.toThrow();
    expect(() => new DelegationClient({ clientID: 'abc', domain: 'tenant.auth0.com', timeoutMs: 2_147_483_647, retries: 5 })).not.toThrow();
  });

  it.each(['fetch', 'now'])('rejects a %s that is not a function', (key) => {
    expect(configurationErrorOf({ clientID: 'abc', domain: 'tenant.auth0.com', [key]: 'nope' }).message).toContain(`"${key}" must be a function`);
  });
});
