// Issue 11, point 10: an exchange's `endpoint` is checked like `domain` when the exchange is made: https,
// or http on a loopback host only. The ID token goes there, so a typo or an injected value must fail
// loudly at once. The same rule for STS web identity and Cognito identity pools.
import { describe, expect, it } from 'vitest';
import { cognitoIdentityPool } from '../../../src/entries/cognito';
import { webIdentity } from '../../../src/entries/web-identity';

const FACTORIES: [string, (endpoint: unknown) => unknown][] = [
  ['webIdentity', (endpoint) => webIdentity({ roleArn: 'arn:aws:iam::123456789012:role/r', region: 'us-east-1', endpoint: endpoint as string })],
  ['cognitoIdentityPool', (endpoint) => cognitoIdentityPool({ identityPoolId: 'us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', endpoint: endpoint as string })],
];

describe.each(FACTORIES)('%s({ endpoint })', (_name, make) => {
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
  ])('refuses %j with invalid_configuration naming the field', (endpoint) => {
    expect(() => make(endpoint)).toThrow(expect.objectContaining({ name: 'DelegationError', code: 'invalid_configuration', message: expect.stringContaining('"endpoint"') }));
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
