// Issue 24, point 7: a user id (the ID token's sub) with "/", "*" or "?" must not widen a folder. The
// folder is the id: "auth0|alice/x" would name a folder inside auth0|alice's, and AWS does not say
// whether a "*" or "?" in a substituted id is a wildcard. The stand-ins issue keys for any sub, as
// Auth0's /delegation and STS do; the templates' Deny (deploy/*.yaml, no-folder-widening-ids) gives
// such a session nothing. End to end: an ID token from the sandbox's issuer, keys from /delegation or
// STS, requests at the verifying S3. Control: auth0|alice reaches her files through both.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { BUCKET, s3Client } from '../support/s3';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000 });
  const owner = s3Client(sandbox.s3Url, sandbox.ownerCredentials());
  for (const Key of ['auth0|alice/photo.jpg', 'auth0|alice/x/photo.jpg']) await owner.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'alice' }));
});
afterAll(() => sandbox?.stop());

const element = (text: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1] ?? '';

/** Keys for `sub` through Auth0's /delegation stand-in. */
async function delegated(sub: string) {
  const body = JSON.stringify({ client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', id_token: await sandbox.identity.issue(sub) });
  const response = await fetch(`${sandbox.authUrl}/delegation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(response.status).toBe(200);
  const { Credentials } = (await response.json()) as { Credentials: Record<string, string> };
  return s3Client(sandbox.s3Url, { accessKeyId: Credentials['AccessKeyId']!, secretAccessKey: Credentials['SecretAccessKey']!, sessionToken: Credentials['SessionToken']! });
}

/** Keys for `sub` through the STS stand-in (AssumeRoleWithWebIdentity: the web-identity template's role). */
async function assumed(sub: string) {
  const params = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: sandbox.config.roleArn, RoleSessionName: 'session', WebIdentityToken: await sandbox.identity.issue(sub) });
  const response = await fetch(sandbox.config.stsEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  const text = await response.text();
  expect(response.status).toBe(200);
  return s3Client(sandbox.s3Url, { accessKeyId: element(text, 'AccessKeyId'), secretAccessKey: element(text, 'SecretAccessKey'), sessionToken: element(text, 'SessionToken') });
}

const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe.each([['/delegation', delegated], ['STS', assumed]])('keys from %s', (_name, keysFor) => {
  it.each([
    ['auth0|a*', 'auth0|alice/photo.jpg'],
    ['auth0|a?ice', 'auth0|alice/photo.jpg'],
    ['a?', 'auth0|alice/photo.jpg'],
    ['auth0|alice/x', 'auth0|alice/x/photo.jpg'],
    ['auth0|a/..', 'auth0|alice/photo.jpg'],
  ])('for %s reach neither %s nor a listing of her folder', async (sub, key) => {
    const s3 = await keysFor(sub);
    expect(await outcome(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })))).toBe('AccessDenied');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'overwritten' })))).toBe('AccessDenied');
    expect(await outcome(s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'auth0|alice/' })))).toBe('AccessDenied');
  });

  it('control: for auth0|alice they reach her files and list her folder', async () => {
    const s3 = await keysFor('auth0|alice');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/x/photo.jpg' }))).Body!.transformToString()).toBe('alice');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'auth0|alice/' }));
    expect(listed.Contents?.map((object) => object.Key).sort()).toEqual(['auth0|alice/photo.jpg', 'auth0|alice/x/photo.jpg']);
  });
});
