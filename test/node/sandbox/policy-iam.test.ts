// Issue 24, point 7: what the next template edit would meet. The sandbox enforces deploy/*.yaml as IAM
// evaluates them: every key of a condition operator (pbac read the first), Null the right way round, `*`
// across a line end; and a user id with "/", "*" or "?" reaches no folder but its own (the templates'
// Deny). Each case goes through policyAuthorizer, as the S3 gate asks it.
import { describe, expect, it } from 'vitest';
import { policyAuthorizer } from '../../../sandbox/policy.mjs';
import { templateText } from '../../../sandbox/template-policy.mjs';
import type { Exchange } from '../../../sandbox/template-policy.mjs';
import { templatePolicies } from '../../support/policy-gate';
import { BUCKET } from '../../support/s3';

const VALUES = { bucket: BUCKET, auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client' };
const LIST_CONDITION = "                  StringLike:\n                    s3:prefix: '${saml:sub}/*'\n";

/** The delegation template with `from` replaced by `to` (which must be there). */
function editedDelegation(from: string, to: string) {
  const text = templateText('delegation', VALUES);
  expect(text).toContain(from);
  return text.replace(from, to);
}

type Authorize = ReturnType<typeof policyAuthorizer>;
const session = (exchange: Exchange) => (exchange === 'web-identity' ? { exchange, policyVariable: 'tenant.auth0.com/:sub' } : {});
const ask = (authorize: Authorize, subject: string, method: string, key: string, query = '', exchange: Exchange = 'delegation') =>
  authorize({ method, bucket: BUCKET, key, query: new URLSearchParams(query), accessKeyId: 'A', issued: { secretAccessKey: 's', sessionToken: 't', expiresAt: 0, subject, ...session(exchange) } });

describe('conditions of an edited template', () => {
  it('reads every key of an operator: a second key under StringLike narrows the listing', () => {
    const authorize = policyAuthorizer(templatePolicies({ delegation: editedDelegation(LIST_CONDITION, `${LIST_CONDITION}                    saml:sub: 'auth0|*'\n`) }));
    expect(ask(authorize, 'auth0|alice', 'GET', '', 'list-type=2&prefix=auth0%7Calice%2F')).toBe(true);
    expect(ask(authorize, 'google-oauth2|bob', 'GET', '', 'list-type=2&prefix=google-oauth2%7Cbob%2F')).toBe(false);
  });

  it('Null "true" holds when the key is absent: a listing without a prefix, and only that', () => {
    const statement = "              - Sid: ListWithoutPrefix\n                Effect: Allow\n                Action: s3:ListBucket\n                Resource: !GetAtt UploadBucket.Arn\n                Condition:\n                  'Null':\n                    s3:prefix: 'true'\n              - Sid: ListOwnFolder";
    const authorize = policyAuthorizer(templatePolicies({ delegation: editedDelegation('              - Sid: ListOwnFolder', statement) }));
    expect(ask(authorize, 'auth0|alice', 'GET', '', 'list-type=2')).toBe(true);
    expect(ask(authorize, 'auth0|alice', 'GET', '', 'list-type=2&prefix=auth0%7Cbob%2F')).toBe(false);
  });

  it('"*" takes a line end like any character: a key with a newline in the own folder is the user\'s', () => {
    const authorize = policyAuthorizer(templatePolicies());
    expect(ask(authorize, 'auth0|alice', 'GET', 'auth0|alice/line\nbreak.txt')).toBe(true);
    expect(ask(authorize, 'auth0|bob', 'GET', 'auth0|alice/line\nbreak.txt')).toBe(false);
  });
});

describe.each<Exchange>(['delegation', 'web-identity'])('%s: a user id that would widen a folder', (exchange) => {
  const authorize = policyAuthorizer(templatePolicies());
  it.each<[string, string]>([
    ['auth0|a*', 'auth0|alice/photo.jpg'],
    ['auth0|a?ice', 'auth0|alice/photo.jpg'],
    ['auth0|alice/x', 'auth0|alice/x/photo.jpg'],
    ['auth0|a/..', 'auth0|a/../auth0|alice/photo.jpg'],
    ['*', 'auth0|alice/photo.jpg'],
  ])('%s reaches nothing: not %s, not its own folder', (subject, aliceKey) => {
    for (const method of ['GET', 'PUT', 'DELETE']) expect(ask(authorize, subject, method, aliceKey, '', exchange), `${method} ${aliceKey}`).toBe(false);
    expect(ask(authorize, subject, 'PUT', `${subject}/own.txt`, '', exchange)).toBe(false);
    expect(ask(authorize, subject, 'GET', '', `list-type=2&prefix=${encodeURIComponent('auth0|alice/')}`, exchange)).toBe(false);
  });

  it('control: auth0|alice, and ids with the other characters Auth0 uses, keep their folders', () => {
    expect(ask(authorize, 'auth0|alice', 'GET', 'auth0|alice/photo.jpg', '', exchange)).toBe(true);
    expect(ask(authorize, 'auth0|alice', 'GET', '', `list-type=2&prefix=${encodeURIComponent('auth0|alice/')}`, exchange)).toBe(true);
    expect(ask(authorize, 'google-oauth2|10.5_x@y+z=w,v', 'PUT', 'google-oauth2|10.5_x@y+z=w,v/a.txt', '', exchange)).toBe(true);
  });
});
