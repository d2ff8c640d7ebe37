// The sandbox under bad input: garbage and oversized bodies, missing headers, forged tokens, replayed
// expired credentials and keys that try to leave their folder. Clear errors, no crash, and no object
// stored outside the caller's prefix.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SignJWT, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { signedByAnotherKey } from '../support/another-key';
import { s3Client } from '../support/s3';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, rateLimitPerMinute: 1_000 });
});
afterAll(() => sandbox?.stop());

const delegationBody = (idToken: string) => JSON.stringify({ client_id: sandbox.config.clientID, grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', target: sandbox.config.clientID, api_type: 'aws', id_token: idToken });
const post = (body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }) => fetch(`${sandbox.authUrl}/delegation`, { method: 'POST', headers, body });

async function credentialsFor(sub: string) {
  const response = await post(delegationBody(await sandbox.identity.issue(sub)));
  const { Credentials } = (await response.json()) as { Credentials: Record<string, string> };
  return { accessKeyId: Credentials['AccessKeyId']!, secretAccessKey: Credentials['SecretAccessKey']!, sessionToken: Credentials['SessionToken']! };
}

const outcome = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: { name?: string }) => error.name ?? 'unnamed');

describe('the Auth0 stand-in under bad input', () => {
  it.each<[string, BodyInit, number, string]>([
    ['random bytes', new Uint8Array(Array.from({ length: 512 }, (_, index) => (index * 97) % 256)), 400, 'invalid_request'],
    ['a JSON array', '[1,2,3]', 400, 'invalid_request'],
    ['JSON null', 'null', 400, 'invalid_request'],
    ['1 MB of text', 'x'.repeat(1024 * 1024), 413, 'invalid_request'],
  ])('%s -> %i %s', async (_name, body, status, error) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });

  it('answers without a content-type too', async () => {
    const response = await post(delegationBody(await sandbox.identity.issue('auth0|no-header')), {});
    expect(response.status).toBe(200);
  });

  it.each([
    ['signed by another key', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'sandbox-rs256-1' }).setIssuer(`${sandbox.authUrl}/`).setAudience(sandbox.config.clientID).setSubject('auth0|alice').setExpirationTime('1h').sign(privateKey);
    }],
    ['a token of the tenant signed by another key', async () => signedByAnotherKey(await sandbox.identity.issue('auth0|alice'))],
    ['unsigned (alg: none)', async () => {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${part({ alg: 'none' })}.${part({ iss: `${sandbox.authUrl}/`, aud: sandbox.config.clientID, sub: 'auth0|alice', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    }],
    ['from another issuer', async () => sandbox.identity.issue('auth0|alice').then((token) => token.split('.').slice(0, 2).join('.') + '.' + 'x'.repeat(20))],
  ])('refuses a forged ID token (%s) with 401 invalid_token', async (_name, forge) => {
    const response = await post(delegationBody(await forge()));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });
});

describe('S3 under bad input', () => {
  it.each<[string, RequestInit, number, string]>([
    ['no Authorization header', {}, 403, 'AccessDenied'],
    ['a malformed Authorization header', { headers: { authorization: 'AWS4-HMAC-SHA256 nonsense' } }, 400, 'AuthorizationHeaderMalformed'],
    ['an unknown access key', { headers: { authorization: `AWS4-HMAC-SHA256 Credential=ASIANOPE/20261129/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}` } }, 403, 'InvalidAccessKeyId'],
  ])('%s -> %i %s', async (_name, init, status, code) => {
    const response = await fetch(`${sandbox.s3Url}/uploads/auth0%7Calice/x.txt`, init);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(`<Code>${code}</Code>`);
  });

  it('refuses replayed credentials once they have expired (ExpiredToken), and accepted them before (control)', async () => {
    const credentials = await credentialsFor('auth0|replay');
    const s3 = s3Client(sandbox.s3Url, credentials);
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|replay/a.txt', Body: 'a' })))).toBe('ok');
    sandbox.keys.get(credentials.accessKeyId)!.expiresAt = Date.now() - 1;
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|replay/b.txt', Body: 'b' })))).toBe('ExpiredToken');
  });

  it('stores nothing outside the caller\'s prefix, whatever the key', async () => {
    const mallory = s3Client(sandbox.s3Url, await credentialsFor('auth0|mallory'));
    const attempts = ['auth0|victim/planted.txt', 'auth0|mallory/../auth0|victim/planted.txt', 'auth0|mallory/./x.txt', 'auth0|mallory\\..\\auth0|victim\\p.txt', 'auth0|mallorY/x.txt', 'planted.txt'];
    const results = await Promise.all(attempts.map((Key) => outcome(mallory.send(new PutObjectCommand({ Bucket: 'uploads', Key, Body: 'evil' })))));
    expect(results).toEqual(['AccessDenied', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'AccessDenied', 'AccessDenied']);
    expect(await outcome(mallory.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|mallory/fine.txt', Body: 'ok' })))).toBe('ok');
    const victim = s3Client(sandbox.s3Url, await credentialsFor('auth0|victim'));
    const listed = await victim.send(new ListObjectsV2Command({ Bucket: 'uploads', Prefix: 'auth0|victim/' }));
    expect(listed.Contents ?? []).toEqual([]);
    expect(await outcome(victim.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'auth0|victim/planted.txt' })))).toBe('NoSuchKey');
  });

  it('is still up and answering after all of the above', async () => {
    const s3 = s3Client(sandbox.s3Url, await credentialsFor('auth0|after'));
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|after/ok.txt', Body: 'ok' })))).toBe('ok');
    expect((await post(delegationBody(await sandbox.identity.issue('auth0|after')))).status).toBe(200);
  });
});
