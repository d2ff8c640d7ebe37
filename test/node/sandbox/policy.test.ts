// The sandbox's per-user IAM policy (IAM's evaluation, over the role policies of deploy/*.yaml), request by request.
import { describe, expect, it } from 'vitest';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templatePolicies } from '../../support/policy-gate';

const policies = templatePolicies();
const authorize = policyAuthorizer(policies);
const issued = (subject: string) => ({ secretAccessKey: 's', sessionToken: 't', expiresAt: 0, subject });
const ask = (subject: string, method: string, key: string, query = '') => authorize({ method, bucket: 'uploads', key, query: new URLSearchParams(query), accessKeyId: 'A', issued: issued(subject) });

describe('the corrected per-user policy', () => {
  it('uses real IAM actions (s3:DeleteObject, not the guide\'s s3:DelObject)', () => {
    const actions = policies.delegation.documents.flatMap((document) => [document.Statement].flat() as { Action: string | string[] }[]).flatMap((statement) => statement.Action);
    expect(actions).toContain('s3:DeleteObject');
    expect(actions).not.toContain('s3:DelObject');
  });

  it.each([
    ['GET', 'auth0|alice/a.txt', ''],
    ['HEAD', 'auth0|alice/a.txt', ''],
    ['PUT', 'auth0|alice/a.txt', ''],
    ['DELETE', 'auth0|alice/a.txt', ''],
    ['POST', 'auth0|alice/big.bin', 'uploads='],
    ['PUT', 'auth0|alice/big.bin', 'partNumber=1&uploadId=u'],
    ['DELETE', 'auth0|alice/big.bin', 'uploadId=u'],
    ['GET', '', 'list-type=2&prefix=auth0%7Calice%2F'],
  ])('allows Alice %s %s?%s', (method, key, query) => {
    expect(ask('auth0|alice', method, key, query)).toBe(true);
  });

  it.each([
    ['GET', 'auth0|bob/a.txt', ''],
    ['PUT', 'auth0|bob/a.txt', ''],
    ['DELETE', 'auth0|bob/a.txt', ''],
    ['PUT', 'auth0|alice2/a.txt', ''],
    ['GET', 'top-level.txt', ''],
    ['GET', '', 'list-type=2'],
    ['GET', '', 'list-type=2&prefix=auth0%7Cbob%2F'],
    ['GET', '', 'list-type=2&prefix=auth0'],
    ['POST', '', 'delete='],
    ['PUT', '', ''],
    ['POST', '', ''],
    ['GET', '', 'cors=&prefix=auth0%7Calice%2F'],
    ['GET', '', 'uploads=&prefix=auth0%7Calice%2F'],
    ['GET', 'auth0|alice/a.txt', 'acl='],
    ['PUT', 'auth0|alice/a.txt', 'acl='],
    ['PUT', 'auth0|alice/a.txt', 'tagging='],
    ['GET', 'auth0|alice/a.txt', 'acl=&tagging='],
    ['POST', 'auth0|alice/a.txt', ''],
    ['PATCH', 'auth0|alice/a.txt', ''],
  ])('denies Alice %s %s?%s', (method, key, query) => {
    expect(ask('auth0|alice', method, key, query)).toBe(false);
  });

  it('treats special characters of a user id literally', () => {
    expect(ask('auth0|a.c', 'GET', 'auth0|abc/x', '')).toBe(false);
    expect(ask('auth0|a.c', 'GET', 'auth0|a.c/x', '')).toBe(true);
  });
});

describe('the web-identity policy (IAM OIDC provider variable)', () => {
  const askWeb = (subject: string, method: string, key: string, query = '', policyVariable = 'tenant.auth0.com/:sub') =>
    authorize({ method, bucket: 'uploads', key, query: new URLSearchParams(query), accessKeyId: 'A', issued: { ...issued(subject), policyVariable, exchange: 'web-identity' } });

  it('uses ${tenant.auth0.com/:sub} where delegation used ${saml:sub}', () => {
    const text = JSON.stringify(policies['web-identity'].documents);
    expect(text).toContain('arn:aws:s3:::uploads/${tenant.auth0.com/:sub}/*');
    expect(text).not.toContain('saml:sub');
  });

  it.each([
    ['GET', 'auth0|alice/a.txt', '', true],
    ['PUT', 'auth0|alice/a.txt', '', true],
    ['GET', '', 'list-type=2&prefix=auth0%7Calice%2F', true],
    ['GET', 'auth0|bob/a.txt', '', false],
    ['GET', '', 'list-type=2&prefix=auth0%7Cbob%2F', false],
  ])('Alice %s %s?%s -> %s', (method, key, query, allowed) => {
    expect(askWeb('auth0|alice', method, key, query)).toBe(allowed);
  });

  it('denies a key whose session variable is not its role\'s (a variable left unreplaced matches nothing)', () => {
    expect(askWeb('auth0|alice', 'GET', 'auth0|alice/a.txt', '', 'saml:sub')).toBe(false);
  });
});
