// The sandbox's Cognito Identity stand-in: GetId and GetCredentialsForIdentity as the service answers them
// (AWS JSON 1.1), errors included; the keys it issues work at the verifying S3 under the pool's policy:
// Amplify's `private/{identityId}/` folder, and nothing else.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { signedByAnotherKey } from '../support/another-key';
import { s3Client } from '../support/s3';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let pool: { identityPoolId: string; endpoint: string };
let provider: string;
/** The sandbox clock held still where a test reads a lifetime off it (`heldAt`), else the real one. */
let heldAt: number | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, exchange: 'cognito', now: () => heldAt ?? Date.now() });
  pool = sandbox.config.exchange as unknown as typeof pool;
  provider = new URL(sandbox.authUrl).host;
});
afterEach(() => {
  heldAt = undefined;
});
afterAll(() => sandbox?.stop());

async function call(operation: string, input: Record<string, unknown>) {
  const response = await fetch(pool.endpoint, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${operation}` }, body: JSON.stringify(input) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function credentialsFor(sub: string) {
  const logins = { [provider]: await sandbox.identity.issue(sub) };
  const { json: id } = await call('GetId', { IdentityPoolId: pool.identityPoolId, Logins: logins });
  const { status, json } = await call('GetCredentialsForIdentity', { IdentityId: id['IdentityId'], Logins: logins });
  return { status, identityId: id['IdentityId'] as string, json: json as { IdentityId: string; Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number } } };
}

describe('POST /cognito GetId and GetCredentialsForIdentity', () => {
  it('gives each sub one stable identity ID, and credentials S3 accepts for private/{identityId}/ only', async () => {
    // Held: the lifetime is then exact, not an hour less however long a loaded machine took for three exchanges.
    heldAt = Date.now();
    const alice = await credentialsFor('auth0|cognito-alice');
    expect(alice.status).toBe(200);
    expect(alice.identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect((await credentialsFor('auth0|cognito-alice')).identityId).toBe(alice.identityId);
    const bob = await credentialsFor('auth0|cognito-bob');
    expect(bob.identityId).not.toBe(alice.identityId);
    // Epoch seconds, as Cognito writes them.
    expect(alice.json.Credentials.Expiration).toBe((heldAt + 3_600_000) / 1000);
    const s3 = s3Client(sandbox.s3Url, { accessKeyId: alice.json.Credentials.AccessKeyId, secretAccessKey: alice.json.Credentials.SecretKey, sessionToken: alice.json.Credentials.SessionToken });
    const own = `private/${alice.identityId}/note.txt`;
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: own, Body: 'via Cognito' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: own }))).Body?.transformToString()).toBe('via Cognito');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'uploads', Prefix: `private/${alice.identityId}/` }))).Contents?.map((object) => object.Key)).toEqual([own]);
    // Negative controls: Bob's folder, the sub-named folder of the other exchanges, the bucket's root.
    for (const key of [`private/${bob.identityId}/note.txt`, 'auth0|cognito-alice/note.txt', 'note.txt']) {
      await expect(s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: key, Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    }
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'uploads', Prefix: `private/${bob.identityId}/` }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it.each<[string, () => Promise<[string, Record<string, unknown>]>, string]>([
    ['another pool', async () => ['GetId', { IdentityPoolId: 'us-east-1:00000000-0000-4000-8000-00000000ffff', Logins: { [provider]: await sandbox.identity.issue('auth0|c1') } }], 'ResourceNotFoundException'],
    ['no login (unauthenticated identities are off)', async () => ['GetId', { IdentityPoolId: pool.identityPoolId }], 'NotAuthorizedException'],
    ['another provider name', async () => ['GetId', { IdentityPoolId: pool.identityPoolId, Logins: { 'evil.example.com': await sandbox.identity.issue('auth0|c2') } }], 'NotAuthorizedException'],
    ['a token for another audience', async () => ['GetId', { IdentityPoolId: pool.identityPoolId, Logins: { [provider]: await sandbox.identity.issue('auth0|c3', { audience: 'other' }) } }], 'NotAuthorizedException'],
    ['an expired token', async () => ['GetId', { IdentityPoolId: pool.identityPoolId, Logins: { [provider]: await sandbox.identity.issue('auth0|c4', { expiresInSec: -5 }) } }], 'NotAuthorizedException'],
    ['a forged token', async () => ['GetId', { IdentityPoolId: pool.identityPoolId, Logins: { [provider]: `${(await sandbox.identity.issue('auth0|c5')).split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}` } }], 'NotAuthorizedException'],
    ['a token of the tenant signed by another key', async () => ['GetId', { IdentityPoolId: pool.identityPoolId, Logins: { [provider]: await signedByAnotherKey(await sandbox.identity.issue('auth0|c5b')) } }], 'NotAuthorizedException'],
    ['another user\'s identity ID', async () => {
      const bob = await credentialsFor('auth0|c6-bob');
      return ['GetCredentialsForIdentity', { IdentityId: bob.identityId, Logins: { [provider]: await sandbox.identity.issue('auth0|c6-alice') } }];
    }, 'NotAuthorizedException'],
    ['an unknown operation', async () => ['DeleteIdentityPool', { IdentityPoolId: pool.identityPoolId }], 'UnknownOperationException'],
  ])('refuses %s with 400 %s', async (_name, make, type) => {
    const [operation, input] = await make();
    const answer = await call(operation, input);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ __type: type });
    expect(answer.json).not.toHaveProperty('Credentials');
  });
});
