// Issue 11, point 10: `exchange.endpoint` is checked like `domain` at construction: https, or http on a
// loopback host only. The ID token goes there, so a typo or an injected value must fail loudly at once.
import { describe, expect, it } from 'vitest';
import { DelegationClient } from '../../src/index';
import type { WebIdentityExchange } from '../../src/index';

const exchange = (endpoint: unknown) => ({ type: 'web-identity', roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1', endpoint }) as WebIdentityExchange;
const make = (endpoint: unknown) => new DelegationClient({ clientID: 'c', domain: 'tenant.auth0.com', exchange: exchange(endpoint) });

describe('exchange.endpoint', () => {
  it.each([
    ['not a url'],
    ['javascript:alert(1)'],
    ['data:text/plain,x'],
    ['ftp://sts.example.com'],
    ['http://sts.example.com'],
    ['http://192.168.1.10:4001/sts'],
    ['https://user:password@sts.example.com'],
    ['//sts.example.com'],
    [''],
  ])('refuses %j at construction with invalid_configuration naming the field', (endpoint) => {
    expect(() => make(endpoint)).toThrow(expect.objectContaining({ name: 'DelegationError', code: 'invalid_configuration', message: expect.stringContaining('exchange.endpoint') }));
  });

  it.each([
    ['https://sts.us-east-1.amazonaws.com'],
    ['https://sts.us-east-1.amazonaws.com/'],
    ['https://vpce-0123.sts.us-east-1.vpce.amazonaws.com/'],
    ['http://127.0.0.1:4001/sts'],
    ['http://localhost:4001/sts'],
    ['http://[::1]:4001/sts'],
  ])('negative control: accepts %j', (endpoint) => {
    expect(() => make(endpoint)).not.toThrow();
  });
});
