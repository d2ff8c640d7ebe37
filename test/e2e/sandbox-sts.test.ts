// The sandbox's STS stand-in: AssumeRoleWithWebIdentity as STS answers it, errors included, and the
// keys it issues work at the verifying S3 under the per-user policy.
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.mjs';
import { signedByAnotherKey } from '../support/another-key';
import { s3Client } from '../support/s3';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
/** The sandbox clock held still where a test reads a lifetime off it (`heldAt`), else the real one. */
let heldAt: number | undefined;
beforeAll(async () => {
  sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, now: () => heldAt ?? Date.now() });
});
afterEach(() => {
  heldAt = undefined;
});
afterAll(() => sandbox?.stop());

async function assume(overrides: Record<string, string>) {
  const params = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: sandbox.config.roleArn, RoleSessionName: 'auth0-alice', ...overrides });
  const response = await fetch(sandbox.config.stsEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params });
  return { status: response.status, text: await response.text() };
}
const element = (text: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];

describe('POST /sts Action=AssumeRoleWithWebIdentity', () => {
  it('answers STS\'s XML with credentials that S3 accepts for the user\'s own folder only', async () => {
    // Held: the lifetime is then exact, not 900 s less however long a loaded machine took to read it.
    heldAt = Date.now();
    const { status, text } = await assume({ WebIdentityToken: await sandbox.identity.issue('auth0|alice'), DurationSeconds: '900' });
    expect(status).toBe(200);
    expect(element(text, 'SubjectFromWebIdentityToken')).toBe('auth0|alice');
    expect(element(text, 'Arn')).toBe('arn:aws:sts::123456789012:assumed-role/auth0-s3-per-user/auth0-alice');
    expect(Date.parse(element(text, 'Expiration') ?? '')).toBe(heldAt + 900_000);
    const s3 = s3Client(sandbox.s3Url, { accessKeyId: element(text, 'AccessKeyId')!, secretAccessKey: element(text, 'SecretAccessKey')!, sessionToken: element(text, 'SessionToken')! });
    await s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|alice/sts.txt', Body: 'via STS' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'auth0|alice/sts.txt' }))).Body?.transformToString()).toBe('via STS');
    await expect(s3.send(new PutObjectCommand({ Bucket: 'uploads', Key: 'auth0|bob/sts.txt', Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it.each<[string, () => Promise<Record<string, string>>, number, string]>([
    ['another action', async () => ({ Action: 'AssumeRole', WebIdentityToken: await sandbox.identity.issue('auth0|a') }), 400, 'InvalidAction'],
    ['no WebIdentityToken', async () => ({}), 400, 'MissingParameter'],
    ['a session name with "|"', async () => ({ RoleSessionName: 'auth0|alice', WebIdentityToken: await sandbox.identity.issue('auth0|a') }), 400, 'ValidationError'],
    ['a one-character session name', async () => ({ RoleSessionName: 'a', WebIdentityToken: await sandbox.identity.issue('auth0|a') }), 400, 'ValidationError'],
    ['a duration over the role maximum', async () => ({ DurationSeconds: '43200', WebIdentityToken: await sandbox.identity.issue('auth0|a') }), 400, 'ValidationError'],
    ['a token for another audience', async () => ({ WebIdentityToken: await sandbox.identity.issue('auth0|a', { audience: 'other' }) }), 400, 'InvalidIdentityToken'],
    ['an expired token', async () => ({ WebIdentityToken: await sandbox.identity.issue('auth0|a', { expiresInSec: -5 }) }), 400, 'ExpiredTokenException'],
    ['a forged token', async () => ({ WebIdentityToken: `${(await sandbox.identity.issue('auth0|a')).split('.').slice(0, 2).join('.')}.${'A'.repeat(342)}` }), 400, 'InvalidIdentityToken'],
    ['a token of the tenant signed by another key', async () => ({ WebIdentityToken: await signedByAnotherKey(await sandbox.identity.issue('auth0|a')) }), 400, 'InvalidIdentityToken'],
    ['another role', async () => ({ RoleArn: 'arn:aws:iam::123456789012:role/admin', WebIdentityToken: await sandbox.identity.issue('auth0|a') }), 403, 'AccessDenied'],
  ])('refuses %s with %i %s', async (_name, make, status, code) => {
    const answer = await assume(await make());
    expect(answer.status).toBe(status);
    expect(element(answer.text, 'Code')).toBe(code);
    expect(answer.text).toContain('<ErrorResponse');
  });
});
