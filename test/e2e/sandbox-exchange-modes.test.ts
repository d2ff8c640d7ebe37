// Issue 18: `npm start` in each exchange mode (SANDBOX_EXCHANGE) runs a sandbox whose S3 enforces the
// role policy of that exchange's template: the process is started as `npm start` starts it, a user signs
// in at its Auth0 stand-in, gets credentials through the mode's exchange (the SDK, as the page's config.js
// says), and may write in their own folder but not in another user's.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { cognitoIdentityPool } from '../../src/entries/cognito';
import { webIdentity } from '../../src/entries/web-identity';
import { DelegationClient } from '../../src/index';
import { signInOverHttp } from '../../sandbox/sign-in-flow.mjs';
import { spawnSandbox } from '../support/sandbox-process';
import type { SandboxProcess } from '../support/sandbox-process';
import { BUCKET, s3Client } from '../support/s3';

interface PageConfig {
  domain: string;
  clientID: string;
  exchange?: { type: string; roleArn?: string; identityPoolId?: string; region: string; endpoint: string };
}

const running: SandboxProcess[] = [];
afterAll(() => Promise.all(running.map((sandbox) => sandbox.stop())));

/** What the page's config.js says. */
async function pageConfig(appOrigin: string): Promise<PageConfig> {
  const text = await (await fetch(`${appOrigin}/s3-uploader/config.js`)).text();
  return JSON.parse(/window\.UPLOADER_CONFIG = ([\s\S]*);\s*$/.exec(text)![1]!) as PageConfig;
}

/** Signs in at the sandbox's tenant as the page does (code + PKCE, the login step): its ID token. */
async function signIn(appOrigin: string, config: PageConfig, user: string): Promise<string> {
  return (await signInOverHttp({ domain: config.domain, clientID: config.clientID, redirectUri: `${appOrigin}/s3-uploader/`, user })).id_token;
}

function clientFor(config: PageConfig) {
  const settings = config.exchange;
  const exchange = settings?.type === 'web-identity' ? webIdentity({ roleArn: settings.roleArn!, region: settings.region, endpoint: settings.endpoint }) : settings?.type === 'cognito' ? cognitoIdentityPool({ identityPoolId: settings.identityPoolId!, region: settings.region, endpoint: settings.endpoint }) : undefined;
  return new DelegationClient({ clientID: config.clientID, domain: config.domain, ...(exchange ? { exchange } : {}) });
}

describe.each(['delegation', 'web-identity', 'cognito'])('SANDBOX_EXCHANGE=%s node sandbox/main.mjs', (exchange) => {
  it("says which template's policy it enforces, and enforces it: the user's folder yes, another's no", async () => {
    const sandbox = await spawnSandbox({ SANDBOX_EXCHANGE: exchange });
    running.push(sandbox);
    expect(sandbox.stdout()).toContain(`deploy/${exchange}.yaml`);
    const config = await pageConfig(sandbox.appOrigin);
    expect(config.exchange?.type).toBe(exchange === 'delegation' ? undefined : exchange);
    const credentials = await clientFor(config).getCredentials({ idToken: await signIn(sandbox.appOrigin, config, 'auth0|mode-alice') });
    const folder = exchange === 'cognito' ? `private/${credentials.identityId!}/` : 'auth0|mode-alice/';
    const s3 = s3Client(`http://127.0.0.1:${sandbox.s3Port}`, credentials);
    await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `${folder}own.txt`, Body: 'mine' }))).resolves.toBeDefined();
    const other = exchange === 'cognito' ? 'private/us-east-1:00000000-0000-4000-8000-0000000000bb/x.txt' : 'auth0|mode-bob/x.txt';
    await expect(s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: other, Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
    expect(sandbox.alive()).toBe(true);
  });
});
