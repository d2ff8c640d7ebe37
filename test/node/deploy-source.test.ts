// Issue 18: the sandbox enforces the templates' policy, not a copy. A template changed on disk changes
// what the sandbox's S3 allows; a policy it cannot evaluate stops it from starting.
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issueKey } from '../../sandbox/issue.mjs';
import { policyAuthorizer } from '../../sandbox/policy.mjs';
import { startSandbox } from '../../sandbox/server.mjs';
import { DEPLOY_DIR, templateText } from '../../sandbox/template-policy.mjs';
import type { Exchange } from '../../sandbox/template-policy.mjs';
import { templatePolicies } from '../support/policy-gate';
import { BUCKET, s3Client } from '../support/s3';

const VALUES = { bucket: BUCKET, auth0Domain: 'tenant.auth0.com', clientID: 'sandbox-client' };
/** A template's text with `from` replaced by `to` (which must be there). */
const edited = (exchange: Exchange, from: string, to: string) => {
  const text = templateText(exchange, VALUES);
  expect(text).toContain(from);
  return text.replace(from, to);
};
const DELETE_ACTION = 's3:DeleteObject, ';
const issued = (subject: string, session: object = {}) => ({ secretAccessKey: 's', sessionToken: 't', expiresAt: 0, subject, ...session });

describe('the policy the sandbox evaluates is the template\'s', () => {
  it.each<[Exchange, string, object]>([
    ['delegation', 'auth0|alice/a.txt', {}],
    ['web-identity', 'auth0|alice/a.txt', { exchange: 'web-identity', policyVariable: 'tenant.auth0.com/:sub' }],
    ['cognito', 'private/us-east-1:a/a.txt', { exchange: 'cognito', policyVariable: 'cognito-identity.amazonaws.com:sub' }],
  ])('%s: taking s3:DeleteObject out of the template takes deletes away, and nothing else', (exchange, key, session) => {
    const subject = exchange === 'cognito' ? 'us-east-1:a' : 'auth0|alice';
    const ask = (authorize: ReturnType<typeof policyAuthorizer>, method: string) => authorize({ method, bucket: BUCKET, key, query: new URLSearchParams(), accessKeyId: 'A', issued: issued(subject, session) });
    const before = policyAuthorizer(templatePolicies());
    const after = policyAuthorizer(templatePolicies({ [exchange]: edited(exchange, DELETE_ACTION, '') }));
    expect([ask(before, 'DELETE'), ask(before, 'PUT'), ask(before, 'GET')]).toEqual([true, true, true]);
    expect([ask(after, 'DELETE'), ask(after, 'PUT'), ask(after, 'GET')]).toEqual([false, true, true]);
  });

  it('a Deny statement added to the template refuses what the Allow grants', () => {
    const deny = `              - Sid: NoReading\n                Effect: Deny\n                Action: s3:GetObject\n                Resource: '*'\n              - Sid: OwnFolderObjects`;
    const authorize = policyAuthorizer(templatePolicies({ delegation: edited('delegation', '              - Sid: OwnFolderObjects', deny) }));
    const ask = (method: string) => authorize({ method, bucket: BUCKET, key: 'auth0|alice/a.txt', query: new URLSearchParams(), accessKeyId: 'A', issued: issued('auth0|alice') });
    expect([ask('GET'), ask('PUT')]).toEqual([false, true]);
  });
});

describe('startSandbox({ templates })', () => {
  let folder: string | undefined;
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function templatesWith(exchange: Exchange, from: string, to: string) {
    folder = await mkdtemp(join(tmpdir(), 'deploy-'));
    await cp(DEPLOY_DIR, folder, { recursive: true });
    const text = await readFile(join(folder, `${exchange}.yaml`), 'utf8');
    expect(text).toContain(from);
    await writeFile(join(folder, `${exchange}.yaml`), text.replace(from, to));
    return folder;
  }

  it('serves S3 under the templates it is given: deploy/ allows a delete, an edited copy refuses it', async () => {
    for (const templates of [undefined, await templatesWith('delegation', DELETE_ACTION, '')]) {
      sandbox = await startSandbox({ appPort: 0, authPort: 0, s3Port: 0, ...(templates ? { templates } : {}) });
      const keys = issueKey(sandbox.keys, { subject: 'auth0|alice', expiresAt: Date.now() + 3_600_000 });
      const s3 = s3Client(sandbox.s3Url, keys);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt', Body: 'a' }));
      const deleted = s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'auth0|alice/a.txt' }));
      if (templates) await expect(deleted).rejects.toMatchObject({ name: 'AccessDenied' });
      else await expect(deleted).resolves.toBeDefined();
      await sandbox.stop();
      sandbox = undefined;
    }
  });

  it('refuses to start on a policy variable it has no value for, naming it', async () => {
    const templates = await templatesWith('web-identity', "!Join ['', ['${', !Ref Auth0Domain, '/:sub}/*']]", "'${aws:username}/*'");
    await expect(startSandbox({ appPort: 0, authPort: 0, s3Port: 0, templates })).rejects.toThrow(/deploy\/web-identity\.yaml: .*\$\{aws:username\}/);
  });

  it('refuses to start on a template whose role has a managed policy (a second source it cannot read)', async () => {
    const templates = await templatesWith('cognito', '      Policies:\n', '      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AmazonS3FullAccess\n      Policies:\n');
    await expect(startSandbox({ appPort: 0, authPort: 0, s3Port: 0, templates })).rejects.toThrow(/inline Policies only/);
  });
});
